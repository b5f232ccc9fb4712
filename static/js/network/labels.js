// The network's words, in the page's language: its neurons' button names (a silenced one says
// so; a ReLU layer's say their value now, which can pass 1 where the picture stops brightening), the layers' names painted under it (wide and narrow canvas), and the legend's negative
// key (in the colour-blind palette it says the lines are dashed).

import { isSilenced, onAskedChange } from '../core/asked.js';
import { onReply, onWeights } from '../core/shown.js';
import { num } from '../ui/format.js';
import { t, onLanguageChange } from '../ui/i18n.js';
import { palette, onPaletteChange } from '../ui/palette.js';

export class NetworkLabels {
  /** @param {NetworkView} view  @param {number[]} sizes  neurons per layer  @param {HTMLElement} legendNeg */
  constructor(view, sizes, legendNeg) {
    Object.assign(this, { view, sizes, legendNeg });
    this.relu = [];       // per layer (from 1): a ReLU layer (a trained network's)
    this.values = null;   // the newest reply's activations, while the network has a ReLU layer
    this.neurons();
    this.layers();
    this.legend();
    onLanguageChange(() => { this.neurons(); this.layers(); });
    onPaletteChange(() => this.legend());
    onAskedChange((what) => { if (what === 'silenced') this.neurons(); });
    onWeights((net) => {
      this.relu = [false, ...net.layers.map((layer) => layer.activation === 'relu')];
      if (!this.relu.some(Boolean)) this.values = null;
      this.neurons();
    });
    onReply((reply) => {
      if (!this.relu.some(Boolean)) return;
      this.values = reply.activations;
      this.neurons();
    });
  }

  /** The neurons' buttons, named. */
  neurons() {
    const last = this.sizes.length - 1;
    for (const b of this.view.buttons) {
      const layer = Number(b.dataset.layer), i = Number(b.dataset.index);
      const name = layer === last
        ? t('neuron.output', { digit: i })
        : t(isSilenced(layer, i) ? 'silence.neuron' : 'neuron.hidden', { layer, n: i + 1 });
      const value = this.relu[layer] && this.values ? this.values[layer][i] : null;
      b.setAttribute('aria-label', value === null ? name : t('train.neuronValue', { name, value: num(value, 2) }));
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
