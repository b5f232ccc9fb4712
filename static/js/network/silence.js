// Silence a neuron: hidden neurons held at 0 (asked.js keeps the list; every prediction sends
// it, and core/shown.js asks again when it changes). The neuron inspector has the switch for each
// one (inspector.js); this module shows what is silenced across the page: a bar under the
// network that says how many, with "Reset all", the marks on the network picture
// (network/view.js paints them) and the neurons' buttons, which say "silenced" to a screen reader.

import { onAskedChange, resetSilenced, silenced } from '../core/asked.js';
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
