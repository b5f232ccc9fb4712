// The second video's experiment: show the network random pixels. It was only
// ever trained on digits, and nothing taught it to say "this is not a digit",
// so its output layer lights something up anyway. The Noise button puts random pixels on the
// pad; the note on the pad says so, with the answer it gave and how sure it was of it, while
// the pad holds that noise (Undo can bring it back).

import { N_PIXELS } from '../core/digit.js';
import { onReply } from '../core/shown.js';
import { t, onLanguageChange } from '../ui/i18n.js';

/** An output lit to at least this looks sure of its digit (the note says so, and why). */
export const SURE = 0.5;

/** `n` uniform random values in 0..1 (a 28x28 grid of pure noise). */
export function randomPixels(n = N_PIXELS, random = Math.random) {
  return Array.from({ length: n }, () => random());
}

export class NoiseNote {
  /** @param {HTMLElement} el  the note  @param {object} options  button (Noise), drawing (drawing.js) */
  constructor(el, { button, drawing }) {
    this.el = el;
    this.answer = el.querySelector('[data-field="answer"]');
    this.why = el.querySelector('[data-field="why"]');
    this.reply = null;
    this.pad = drawing.pad;
    this.image = null; // the pad's grid when it is the noise the button made
    button.addEventListener('click', () => this.pad.showGrid(randomPixels(), { kind: 'noise' }));
    drawing.onChange((kind) => {
      if (kind === 'noise') this.image = this.pad.image;
      if (!this.showing) this.hide();
      else if (kind === 'noise' || !this.isShown) this.show(); // Undo can bring the noise back
    });
    onReply((reply) => { if (this.showing) this.update(reply); });
    onLanguageChange(() => this.relabel());
  }

  /** The pad holds the noise the button made (nothing drawn over it). */
  get showing() { return this.image !== null && this.pad.image === this.image && !this.pad.strokes.length; }

  get isShown() { return !this.el.hidden; }

  show() {
    this.reply = null;
    this.answer.textContent = '';
    this.why.textContent = '';
    this.el.hidden = false;
  }

  hide() {
    if (this.el.hidden) return;
    this.el.hidden = true;
    this.reply = null;
  }

  /**
   * The network's reply to the noise: its answer and how brightly that output neuron
   * lights up, as a percentage: the same number as that digit's bar under the pad
   * (answer.js); then why, in the words that fit that number. The answer is the brightest
   * output, so below SURE every output is dim; at SURE or past it one looks sure of a digit
   * that is not there.
   */
  update(reply) {
    this.reply = reply;
    if (!this.isShown || !reply || reply.prediction === null || reply.prediction === undefined) return;
    const digit = reply.prediction;
    const a = reply.activations[reply.activations.length - 1][digit];
    const sure = a >= SURE;
    this.el.dataset.lit = String(sure);
    this.answer.textContent = t(sure ? 'noise.answer.sure' : 'noise.answer.unsure', { digit, pct: Math.round(a * 100) });
    this.why.textContent = t(sure ? 'noise.why.lit' : 'noise.why.dim');
  }

  /** The language changed. */
  relabel() {
    if (this.reply) this.update(this.reply);
  }
}
