// The drawing as the network is asked it: the pad's strokes (or a shared drawing's own grid) made
// into the 28x28 input, re-centred by the pre-processing or as drawn (the "without pre-processing"
// switch). Every change to it asks the live prediction again (core/shown.js) first; then whoever
// follows the drawing hears of it (onChange, onStrokeEnd, onInputChange), so what they read of
// the page's answer (currentReply) is already of the drawing as it is now.

import { strokesToGrid, strokesAsDrawn, SIDE } from '../core/grid.js';
import { ask } from '../core/shown.js';
import { PAD_PEN, DOT } from './pad.js';

export class Drawing {
  /** @param {Pad} pad  @param {HTMLInputElement} rawSwitch  the "without pre-processing" checkbox */
  constructor(pad, rawSwitch) {
    this.pad = pad;
    this.rawSwitch = rawSwitch;
    rawSwitch.checked = false; // a reload starts with the pre-processing on (browsers restore checkboxes)
    this.changes = [];
    this.inputChanges = [];
    pad.addEventListener('change', (e) => {
      const kind = e.detail.kind;
      ask({ reset: kind !== 'ink' }); // only new ink keeps the replies on their way
      for (const fn of this.changes) fn(kind);
    });
    rawSwitch.addEventListener('change', () => {
      ask({ reset: true }); // another input for the same drawing
      for (const fn of this.inputChanges) fn();
    });
  }

  get isEmpty() { return this.pad.isEmpty; }

  /** The pen is down (a stroke is under way). */
  get penDown() { return this.pad.drawing; }

  /** Sent as drawn ("without pre-processing"), not re-centred. */
  get raw() { return this.rawSwitch.checked; }

  /** The re-centred grid (a shared drawing's own). Pad points are fractions of its side; closer than DOT is a dot. */
  processed() {
    return this.pad.image ? this.pad.image.slice() : strokesToGrid(this.pad.strokes, { minExtent: DOT });
  }

  /** The drawing where it was drawn: the pad shrunk to 28x28, with the pad's pen scaled down. */
  asDrawn() {
    return this.pad.image ? this.pad.image.slice() : strokesAsDrawn(this.pad.strokes, { pen: PAD_PEN * SIDE });
  }

  /** What the network is sent now. */
  grid() { return this.raw ? this.asDrawn() : this.processed(); }

  /** What a link carries: the re-centred grid, or null for an empty pad. */
  shareable() { return this.isEmpty ? null : this.processed(); }

  /**
   * fn(kind) after every change to the pad ('ink' while drawing, 'fresh' a new stroke, 'undo', 'clear', 'load', 'noise';
   * 'sample' and 'restore': the lesson's sample digit, and the drawing it had replaced put back).
   */
  onChange(fn) { this.changes.push(fn); }

  /** fn() when the pen lifts. */
  onStrokeEnd(fn) { this.pad.addEventListener('strokeend', () => fn()); }

  /** fn() when the switch changes how the drawing is sent. */
  onInputChange(fn) { this.inputChanges.push(fn); }
}
