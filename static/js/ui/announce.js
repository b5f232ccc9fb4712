// Tells screen readers what the network reads, through a polite live region,
// without chattering: the prediction changes on every frame while drawing, so
// a sentence is spoken only once the drawing has rested (`delay` ms with no
// newer sentence, and never while the pen is down), and never twice in a row.

export class Announcer {
  /**
   * @param {HTMLElement} region  an aria-live="polite" element (visually hidden)
   * @param {() => boolean} busy  true while a stroke is under way: wait for it to end
   */
  constructor(region, { busy = () => false, delay = 700 } = {}) {
    Object.assign(this, { region, busy, delay });
    this.pending = null;
    this.timer = 0;
  }

  /** Something has been said since the page opened (or since it was reset). */
  get spoken() { return this.region.textContent !== ''; }

  /** The sentence that fits the page now; spoken once things rest. */
  say(text) {
    this.pending = text;
    this.rest();
  }

  /** Start waiting again (a stroke ended: the pending sentence may be spoken soon). */
  rest() {
    clearTimeout(this.timer);
    if (this.pending === null) return;
    this.timer = setTimeout(() => this.#flush(), this.delay);
  }

  /** Forget everything said (the language changed: no stale sentence stays in the region). */
  reset() {
    clearTimeout(this.timer);
    this.pending = null;
    this.region.textContent = '';
  }

  #flush() {
    if (this.busy()) return; // the stroke's end calls rest() again
    const text = this.pending;
    this.pending = null;
    if (text !== null && text !== this.region.textContent) this.region.textContent = text;
  }
}
