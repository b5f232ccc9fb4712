// The network's words, in the page's language: its neurons' button names (a silenced one says
// so), the layers' names painted under it (wide and narrow canvas), and the legend's negative
// key (in the colour-blind palette it says the lines are dashed).

import { isSilenced, onAskedChange } from '../core/asked.js';
import { t, onLanguageChange } from '../ui/i18n.js';
import { palette, onPaletteChange } from '../ui/palette.js';

export class NetworkLabels {
  /** @param {NetworkView} view  @param {number[]} sizes  neurons per layer  @param {HTMLElement} legendNeg */
  constructor(view, sizes, legendNeg) {
    Object.assign(this, { view, sizes, legendNeg });
    this.neurons();
    this.layers();
    this.legend();
    onLanguageChange(() => { this.neurons(); this.layers(); });
    onPaletteChange(() => this.legend());
    onAskedChange((what) => { if (what === 'silenced') this.neurons(); });
  }

  /** The neurons' buttons, named. */
  neurons() {
    const last = this.sizes.length - 1;
    for (const b of this.view.buttons) {
      const layer = Number(b.dataset.layer), i = Number(b.dataset.index);
      b.setAttribute('aria-label', layer === last
        ? t('neuron.output', { digit: i })
        : t(isSilenced(layer, i) ? 'silence.neuron' : 'neuron.hidden', { layer, n: i + 1 }));
    }
  }

  /** The layers' names under the network (and it repaints). */
  layers() {
    const { sizes } = this;
    const hidden = (key) => sizes.slice(1, -1).map((n, i) => t(key, { layer: i + 1, n }));
    const out = sizes[sizes.length - 1];
    this.view.setLabels({
      full: [t('net.canvas.input', { n: sizes[0] }), ...hidden('net.canvas.hidden'), t('net.canvas.output', { n: out })],
      compact: [t('net.canvas.inputShort', { n: sizes[0] }), ...hidden('net.canvas.hiddenShort'), t('net.canvas.outputShort', { n: out })],
    });
  }

  legend() {
    const dashed = palette() === 'cb';
    this.legendNeg.dataset.i18n = dashed ? 'legend.negDashed' : 'legend.neg'; // a language switch re-renders it
    this.legendNeg.textContent = dashed ? t('legend.negDashed') : t('legend.neg');
  }
}
