// User Timing marks for "pointer to glowing network" (read by benchmarks/page_speed.py,
// and visible in the browser's Performance panel):
//   nn:ink    the drawing changed (live.js), detail = its version
//   nn:send   a request for the drawing left (live.js), detail = its version
//   nn:reply  its reply arrived (live.js), detail = the version
//   nn:paint  the first animation frame that painted a reply (network/view.js, told the version with the
//             reply), detail = the reply's version
//   nn:draw   a measure: the time one network picture took to draw on the page's main thread
//             (the browser rasterizes it later, when it updates the screen)
//   nn:draw:worker  the same in network/worker.js, rasterizing included
// A change is on screen at the first nn:paint whose version is at least its own
// ("latest wins": a version superseded before its reply is shown by a later one).
// Cheap (a few microseconds each), and bounded: a long session does not grow memory.

export const MARK = Object.freeze({
  ink: 'nn:ink', send: 'nn:send', reply: 'nn:reply', paint: 'nn:paint', draw: 'nn:draw', workerDraw: 'nn:draw:worker',
});

const CAP = 5000; // entries kept before all are dropped and counting starts again
let count = 0;

function note() {
  if (++count <= CAP) return;
  performance.clearMarks(MARK.ink);
  performance.clearMarks(MARK.send);
  performance.clearMarks(MARK.reply);
  performance.clearMarks(MARK.paint);
  performance.clearMeasures(MARK.draw);
  performance.clearMeasures(MARK.workerDraw);
  count = 0;
}

/** The drawing changed: it is now `version`. */
export function markInk(version) {
  performance.mark(MARK.ink, { detail: version });
  note();
}

/** A request for drawing `version` left. */
export function markSend(version) {
  performance.mark(MARK.send, { detail: version });
  note();
}

/** The reply for `version` arrived. */
export function markReply(version) {
  performance.mark(MARK.reply, { detail: version });
  note();
}

/** The activations of `version` are painted (call in the animation frame, after drawing). */
export function markPaint(version) {
  performance.mark(MARK.paint, { detail: version });
  note();
}

/** One draw call ran from `start` until `end` (performance.now() times; end defaults to now). */
export function measureDraw(start, end = performance.now()) {
  performance.measure(MARK.draw, { start, end });
  note();
}

/** network/worker.js painted a picture from `start` to `end` (times already on this page's clock). */
export function measureWorkerDraw(start, end) {
  performance.measure(MARK.workerDraw, { start, end });
  note();
}
