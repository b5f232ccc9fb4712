// The network lists' labels (the picker above the network, Compare's "with" list) always whole: each
// option shows the longest of its labels that fits the closed list's room — "784-16-16-10 (the
// video's) · 96.8% on MNIST", else "784-16-16-10 · 96.8%", else "784-16-16-10"; a trained network's
// "… sigmoid · 3,000 images × 1, seed 51 · 90.1% on MNIST", else without the figure, else
// "… sigmoid · 3,000×1 · seed 51" — measured again
// whenever the room changes (a side panel opening, a phone turned) and in each language.

import { t, onLanguageChange } from '../ui/i18n.js';

// Each family's labels, longest first: an option falls back to those after its own key. A trained
// network's shorter labels still name its recipe (sizes alone would read as the video's network).
const SHORTER = {
  network: ['network.optionShort', 'network.optionPlain'],
  train: ['train.option', 'train.optionPlain', 'train.optionShort'],
};
const ARROW = 20; // the closed list's arrow, in CSS pixels (beside the text, inside the padding)

export class OptionLabels {
  /** @param {Iterable<HTMLSelectElement>} selects  lists whose options carry data-i18n and data-i18n-args */
  constructor(selects) {
    this.selects = [...selects];
    const measure = document.createElement('canvas').getContext('2d');
    this.measure = measure;
    for (const select of this.selects) {
      for (const o of select.options) o.dataset.longKey = o.dataset.i18n;
      // The room is the list's place in its row, not its own (changing) width: watch the row, and
      // change the labels in the next frame (never inside the observer: no resize loop).
      new ResizeObserver(() => this.#later(select)).observe(select.closest('.network-bar, .compare-pick') || select.parentElement);
      new MutationObserver(() => this.#later(select)).observe(select, { childList: true }); // an option added
    }
    onLanguageChange(() => { for (const s of this.selects) this.fit(s); });
  }

  #later(select) {
    if (select.fitting) return;
    select.fitting = requestAnimationFrame(() => { select.fitting = 0; this.fit(select); });
  }

  /** Each option: its longest label that fits the closed list. */
  fit(select) {
    if (!select.getClientRects().length) return; // not shown: fitted when it is
    const labels = [...select.options].map((o) => {
      const args = JSON.parse(o.dataset.i18nArgs || '{}');
      o.dataset.longKey ||= o.dataset.i18n; // an option added since (a network trained in this browser)
      const own = o.dataset.longKey, family = SHORTER[own.split('.')[0]] || [];
      const keys = [own, ...family.slice(family.indexOf(own) + 1)];
      return keys.map((key) => ({ key, text: t(key, args) }));
    });
    // Measured with the long labels on: the list then takes all the room its row gives it.
    [...select.options].forEach((o, k) => { o.textContent = labels[k][0].text; });
    const style = getComputedStyle(select);
    this.measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - ARROW;
    [...select.options].forEach((o, k) => {
      const fits = labels[k].find(({ text }) => this.measure.measureText(text).width <= room) || labels[k][labels[k].length - 1];
      o.dataset.i18n = fits.key; // a language switch re-renders the same length of label
      o.textContent = fits.text;
    });
  }
}
