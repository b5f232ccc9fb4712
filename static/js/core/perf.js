// User Timing marks for "pointer to glowing network" (read by benchmarks/page_speed.py,
// and visible in the browser's Performance panel):
//   nn:ink    the drawing changed (live.js), detail = its version
//   nn:send   a request for the drawing left (live.js), detail = its version
//   nn:reply  its reply arrived (live.js), detail = the version
//   nn:paint  the first animation frame that painted a reply (network_view.js, told the version with the
//             reply by main.js), detail = the reply's version
//   nn:draw   a measure: the time one network picture took to draw on the page's main thread
//             (the browser rasterizes it later, when it updates the screen)
//   nn:draw:worker  the same in network_worker.js, rasterizing included
// A change is on screen at the first nn:paint whose version is at least its own
// ("latest wins": a version superseded before its reply is shown by a later one).
// Cheap (a few microseconds each), and bounded: a long session does not grow memory.

export const INK = 'nn:ink';
export const SEND = 'nn:send';
export const REPLY = 'nn:reply';
export const PAINT = 'nn:paint';
export const DRAW = 'nn:draw';
export const WORKER_DRAW = 'nn:draw:worker';

const CAP = 5000; // entries kept before all are dropped and counting starts again
let count = 0;

function note() {
  if (++count <= CAP) return;
  performance.clearMarks(INK);
  performance.clearMarks(SEND);
  performance.clearMarks(REPLY);
  performance.clearMarks(PAINT);
  performance.clearMeasures(DRAW);
  performance.clearMeasures(WORKER_DRAW);
  count = 0;
}

/** The drawing changed: it is now `version`. */
export function markInk(version) {
  performance.mark(INK, { detail: version });
  note();
}

/** A request for drawing `version` left. */
export function markSend(version) {
  performance.mark(SEND, { detail: version });
  note();
}

/** The reply for `version` arrived. */
export function markReply(version) {
  performance.mark(REPLY, { detail: version });
  note();
}

/** The activations of `version` are painted (call in the animation frame, after drawing). */
export function markPaint(version) {
  performance.mark(PAINT, { detail: version });
  note();
}

/** One draw call ran from `start` until `end` (performance.now() times; end defaults to now). */
export function measureDraw(start, end = performance.now()) {
  performance.measure(DRAW, { start, end });
  note();
}

/** network_worker.js painted a picture from `start` to `end` (times already on this page's clock). */
export function measureWorkerDraw(start, end) {
  performance.measure(WORKER_DRAW, { start, end });
  note();
}
