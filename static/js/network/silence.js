// Silence a neuron: hidden neurons held at 0 (asked.js keeps the list; every prediction sends
// it, and core/shown.js asks again when it changes). The neuron inspector has the switch for each
// one (inspector.js); this module shows what is silenced across the page: a bar under the
// network that says how many, with "Reset all", the marks on the network picture
// (network/view.js paints them) and the neurons' buttons, which say "silenced" to a screen reader;
// and, in the inspector beside its switch, what silencing did to the answer, with Reset all there too
// (SilenceEffect: on a phone the answer and the bar are under the inspector's sheet).

import { onAskedChange, resetSilenced, silenced } from '../core/asked.js';
import { lastReply, onReply } from '../core/shown.js';
import { t, onLanguageChange } from '../ui/i18n.js';

export class SilenceBar {
  /**
   * @param {HTMLElement} root  the bar (hidden while nothing is silenced)
   * @param {object} options  view (the NetworkView: marks and buttons; labels.js names them),
   *                          afterReset() (where the focus goes once the bar hides)
   */
  constructor(root, { view, afterReset = () => {} }) {
    this.root = root;
    this.view = view;
    this.count = root.querySelector('[data-testid="silence-count"]');
    this.reset = root.querySelector('[data-testid="silence-reset"]');
    this.reset.addEventListener('click', () => {
      const hadFocus = root.contains(document.activeElement);
      resetSilenced();
      if (hadFocus) afterReset(); // the bar is gone: the focus must not fall to the page's body
    });
    onAskedChange((what) => { if (what === 'silenced') this.#show(); });
    onLanguageChange(() => this.relabel());
    this.#show();
  }

  /** The language changed: the count, told again. */
  relabel() {
    this.#show();
  }

  #show() {
    const off = silenced();
    this.view.setSilenced(off);
    this.root.hidden = off.length === 0;
    this.root.dataset.count = String(off.length);
    this.count.textContent = off.length ? t(off.length === 1 ? 'silence.countOne' : 'silence.count', { n: off.length }) : '';
  }
}

/**
 * The answer's change, said where the switch is: "The network now reads 4 (71%), not 7." The answer
 * before is the one on screen when a neuron was last silenced or brought back (for the same drawing:
 * a new drawing has no "before"). Shown while a neuron is silenced, or just after the last is back.
 */
export class SilenceEffect {
  /** @param {HTMLElement} root  its line (the answer, and Reset all)  @param {object} options  drawing (drawing.js) */
  constructor(root, { drawing, afterReset = () => {} }) {
    this.root = root;
    this.answer = root.querySelector('[data-testid="silence-answer"]');
    this.reset = root.querySelector('[data-testid="silence-reset-here"]');
    this.before = null;   // the answer (digit) before the last change of the silenced neurons
    this.changed = false; // a neuron was silenced or brought back for this drawing
    this.reply = null;
    this.reset.addEventListener('click', () => { resetSilenced(); afterReset(); });
    onAskedChange((what) => {
      if (what !== 'silenced') return;
      const shown = lastReply(); // the answer on screen (the new question's is asked now)
      this.before = shown && !shown.empty ? shown.prediction : null;
      this.changed = true;
      this.reply = null; // the new question's answer is on its way
      this.#show();
    });
    drawing.onChange(() => { this.before = null; this.changed = silenced().length > 0; });
    onReply((reply) => { this.reply = reply; this.#show(); });
    onLanguageChange(() => this.#show());
  }

  #show() {
    const any = silenced().length > 0;
    this.root.hidden = !any && !this.changed;
    this.reset.hidden = !any;
    const r = this.reply;
    if (!r || r.empty || r.prediction === null) {
      this.answer.textContent = '';
      return;
    }
    const out = r.activations[r.activations.length - 1];
    const params = { digit: r.prediction, pct: Math.round(out[r.prediction] * 100), before: this.before };
    const key = this.before === null ? 'silence.effect.now'
      : this.before === r.prediction ? 'silence.effect.same' : 'silence.effect.changed';
    this.answer.textContent = t(key, params);
    this.answer.dataset.digit = String(r.prediction);
  }
}
