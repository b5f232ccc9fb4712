// Live prediction while drawing: at most one request per animation frame that
// has new ink, never more than one in flight, and the latest drawing always wins.
// A reply that comes back while newer ink waits sends that ink at once (if no
// request left in this frame yet) instead of on the next frame.
// Each request is tagged with the drawing's version; a reply older than the one
// already shown (or older than a Clear/Undo) is dropped, never drawn.
// Every change and every reply is tagged for perf.js: pointer-to-paint is measurable.

import { markInk, markSend, markReply } from './perf.js';

export class LivePredictor {
  /**
   * @param {() => number[]} snapshot  the current drawing as 784 grid values
   * @param {(pixels) => Promise} send  the request
   * @param {(reply, version) => void} onReply  a reply that is still the newest
   * @param {(state: 'idle'|'busy'|'error', error?) => void} onState
   */
  constructor({ snapshot, send, onReply, onState }) {
    Object.assign(this, { snapshot, send, onReply, onState });
    this.version = 0;       // bumped on every change to the drawing
    this.sentVersion = -1;  // the version of the last request made
    this.shownVersion = -1; // the version of the last reply shown
    this.floorVersion = 0;  // replies for versions below this are stale (a Clear/Undo happened)
    this.inFlight = false;
    this.frame = null;
    this.sentThisFrame = false; // a request left since the last animation frame began
    this.error = null;
  }

  /** The drawing changed. `reset`: a jump (Clear/Undo), so earlier replies must not be shown. */
  changed({ reset = false } = {}) {
    this.version += 1;
    if (reset) this.floorVersion = this.version;
    markInk(this.version);
    this.#schedule();
    this.#report();
  }

  #schedule() {
    if (this.frame !== null || this.inFlight) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.#sendLatest();
    });
  }

  async #sendLatest() {
    if (this.inFlight || this.sentVersion === this.version) return;
    const version = this.version;
    this.sentVersion = version;
    this.inFlight = true;
    this.sentThisFrame = true;
    requestAnimationFrame(() => { this.sentThisFrame = false; });
    try {
      const pixels = this.snapshot();
      markSend(version);
      const reply = await this.send(pixels);
      markReply(version);
      this.error = null;
      if (version >= this.floorVersion && version > this.shownVersion) {
        this.shownVersion = version;
        this.onReply(reply, version);
      }
    } catch (err) {
      this.error = err;
    } finally {
      this.inFlight = false;
      // New ink arrived while we waited: send it at once (waiting for the next frame
      // would only add to the delay), unless a request already left in this frame.
      if (this.sentVersion !== this.version) {
        if (this.sentThisFrame) this.#schedule();
        else this.#sendLatest();
      }
      this.#report();
    }
  }

  #report() {
    if (this.error && !this.inFlight && this.frame === null) this.onState('error', this.error);
    else if (!this.inFlight && this.frame === null && this.shownVersion === this.version) this.onState('idle');
    else this.onState('busy');
  }
}
