// The page's side of network/worker.js's protocol (the messages are listed there): where the
// browser can (a Worker with a 2D OffscreenCanvas), the glide's frames are painted off the
// page's main thread, a frame ahead, and network/view.js only copies them onto its canvas.
// Without a GPU, rasterizing the connections takes most of a frame; on the main thread,
// frame after frame, it would hold up the pen, the replies and everything else.
// If the worker cannot start, fails, or a frame is STUCK_MS late, it is dropped and the
// view paints everything itself.

import { measureWorkerDraw } from '../core/perf.js';

const STUCK_MS = 3000; // a worker frame this late: stop using the worker

const canUseWorker = () => typeof Worker === 'function' && typeof OffscreenCanvas === 'function'
  && typeof OffscreenCanvas.prototype.transferToImageBitmap === 'function';

export class WorkerFrames {
  /**
   * `init`: the painter's settings ({sizes, font, side, labels}); `current()`: the view's change
   * count and canvas size now ({gen, width, height}: a frame painted for others is thrown away);
   * `onFrame()`: a frame arrived (take it with take()); `onDrop()`: the worker is gone, paint here.
   */
  constructor(init, { current, onFrame, onDrop }) {
    this.current = current;
    this.onFrame = onFrame;
    this.onDrop = onDrop;
    this.worker = null;
    this.ready = false;   // the worker said it can paint
    this.clock = 0;       // its performance.now() minus ours
    this.pending = null;  // the frame being painted: {id, gen, version, at}
    this.done = null;     // the newest frame painted, to be copied: {bitmap, version, painted}
    this.nextId = 0;
    if (!canUseWorker()) return;
    try {
      this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    } catch {
      this.worker = null; // not allowed here: paint on the page's thread
      return;
    }
    this.worker.onmessage = ({ data }) => this.#receive(data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.drop();
    };
    this.worker.postMessage({ type: 'init', ...init });
  }

  /** The worker is there and can paint. */
  get on() { return this.worker !== null && this.ready; }

  /** Tell the worker's painter what the page's painter was told (network, labels, resize). */
  post(message) {
    if (this.worker) this.worker.postMessage(message);
  }

  /** Ask for the picture of `state`, painted as of change `gen`, showing reply `version`. */
  paint(state, { gen, version }) {
    this.pending = { id: ++this.nextId, gen, version, at: performance.now() };
    this.worker.postMessage({ type: 'paint', id: this.pending.id, state });
  }

  /** The worker has not answered for too long: drop it (true if it was dropped). */
  dropIfStuck() {
    if (!this.on || !this.pending || performance.now() - this.pending.at <= STUCK_MS) return false;
    this.drop();
    return true;
  }

  /** The newest painted frame ({bitmap, version, painted}; the caller closes the bitmap), or null. */
  take() {
    const frame = this.done;
    this.done = null;
    return frame;
  }

  /** Frames painted before a change are of no use: throw away the one waiting. */
  discard() {
    if (this.done) this.done.bitmap.close();
    this.done = null;
  }

  /** Stop using the worker (it failed, is stuck, or is not allowed). */
  drop() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.ready = false;
    this.pending = null;
    this.discard();
    this.onDrop();
  }

  #receive(m) {
    if (m.type === 'ready') {
      this.ready = true;
      this.clock = m.timeOrigin - performance.timeOrigin;
    } else if (m.type === 'frame') {
      const p = this.pending;
      this.pending = null;
      if (!p || p.id !== m.id) {
        m.bitmap.close();
        return;
      }
      measureWorkerDraw(m.start + this.clock, m.end + this.clock);
      const { gen, width, height } = this.current();
      if (p.gen !== gen || m.bitmap.width !== width || m.bitmap.height !== height) {
        m.bitmap.close(); // painted before a change: the next frame will be right
      } else {
        this.discard();
        this.done = { bitmap: m.bitmap, version: p.version, painted: m.painted };
      }
      this.onFrame();
    } else if (m.type === 'failed') {
      this.drop();
    }
  }
}
