// A server busy training answers 429 with Retry-After (web/training.py: one training at a time per
// process, never a queue): the request is made again after that many seconds (longer after each
// try: the first training of a process also reads MNIST, which its estimate leaves out), a bounded
// number of times, and whoever shows the page's state hears of every wait (onServerBusy), so a wait is never
// silent. Any request to the API goes through here (core/api.js): a trained network's id asks a
// server that has not got it yet to train it, and it may be training another one.

export const RETRIES = 12;       // waits at most, per request; then the 429 is the answer
const LONGEST_WAIT_S = 15;       // a Retry-After above this is waited this long (then asked again)
const BACK_OFF_S = 5;            // try k waits at least min(k, this) seconds: 1, 2, 3, 4, 5, 5... (~50 s in all)

const listeners = new Set();
let gate = null; // a request every other one waits for (holdFor), or null

/** fn(wait) before every wait: {seconds, attempt, retries, url}; fn(null) once a request that waited got through. Returns the unsubscribe. */
export function onServerBusy(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

const tell = (wait) => { for (const fn of listeners) fn(wait); };

/** The whole seconds a 429 asks to wait (at least 1, at most LONGEST_WAIT_S). */
export function retryAfter(response) {
  const s = Number.parseInt(response.headers.get('Retry-After') || '', 10);
  return Math.min(LONGEST_WAIT_S, Math.max(1, Number.isFinite(s) ? s : 1));
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Every request made from now on waits until `request` (a promise) has settled: the page of a network
 * the server has not trained yet asks its weights first, which trains it, so the page's other requests
 * are not refused (429) meanwhile by the same server, busy training that very network.
 */
export function holdFor(request) {
  const settled = request.then(() => {}, () => {});
  gate = settled;
  settled.then(() => { if (gate === settled) gate = null; });
}

/**
 * fetch(url, init), made again after each 429's Retry-After, RETRIES times at most. `onWait(wait)`:
 * told before each wait, as onServerBusy's listeners are (for a panel that says it in its own words).
 * `first`: not held (holdFor's own request).
 */
export async function fetchRetrying(url, init = {}, { onWait = null, first = false } = {}) {
  if (gate && !first) await gate;
  let waited = false;
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, init);
    if (response.status !== 429 || attempt > RETRIES) {
      if (waited) tell(null);
      return response;
    }
    const seconds = Math.max(retryAfter(response), Math.min(attempt, BACK_OFF_S));
    const wait = { seconds, attempt, retries: RETRIES, url: String(url) };
    waited = true;
    if (onWait) onWait(wait);
    tell(wait);
    await sleep(wait.seconds * 1000);
  }
}
