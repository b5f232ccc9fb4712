// The neuron inspector: for one neuron, its incoming weights as a picture,
// its bias, the weighted sum z = w·a + b with the live numbers, σ(z) on the
// sigmoid curve (ReLU(z) on ReLU's, for a trained network's ReLU layer), and what this drawing contributes (weight × input). A hidden neuron can be
// silenced here (held at 0: asked.js; silence.js shows it across the page).

import { drawSignedGrid } from './weight_image.js';
import { drawRelu, drawSigmoid } from './sigmoid_plot.js';
import { num, signed } from '../ui/format.js';
import { t } from '../ui/i18n.js';
import { palette } from '../ui/palette.js';
import { SidePanel } from './side_panel.js';
import { keepAboveSheet } from './sheet.js';
import { FONT } from '../ui/theme.js';
import { isSilenced, onAskedChange, setSilenced } from '../core/asked.js';
import { onWeights } from '../core/shown.js';

/**
 * A layer's inputs laid out as a grid: square when they are (784 -> 28x28, 16 -> 4x4), else the
 * squarest rows x columns they fill (30 -> 5x6, 24 -> 4x6), a row when nothing divides them.
 */
function gridShape(n) {
  for (let rows = Math.floor(Math.sqrt(n)); rows > 1; rows--) if (n % rows === 0) return [rows, n / rows];
  return [1, n];
}

export class Inspector extends SidePanel {
  /**
   * @param {HTMLElement} root  the panel (starts hidden)
   * @param {object} options  sizes (neurons per layer), view (the NetworkView: its neurons open the
   *                          panel, which marks the one looked at)
   */
  constructor(root, { sizes, view }) {
    super(root);
    this.sizes = sizes;
    this.view = view;
    this.net = null;
    this.reply = null;
    this.sel = null;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      title: $('[data-testid="inspector-title"]'),
      weights: $('[data-testid="weight-image"]'),
      contrib: $('[data-testid="contribution-image"]'),
      from: $('[data-field="from"]'),
      wa: $('[data-field="wa"]'),
      bias: $('[data-field="bias"]'),
      z: $('[data-field="z"]'),
      a: $('[data-field="a"]'),
      fn: $('[data-field="fn"]'),
      sigmoid: $('[data-testid="sigmoid"]'),
      note: $('[data-testid="bias-note"]'),
      silenceRow: $('[data-testid="silence-row"]'),
      silence: $('[data-testid="silence-toggle"]'),
      silencedNote: $('[data-testid="silenced-note"]'),
      act: $('[data-field="a"]').parentElement,
    };
    // The switch: this neuron held at 0 (or back); the page asks again (core/shown.js).
    this.el.silence.addEventListener('click', () => {
      if (!this.sel || this.#isOutput(this.sel.layer)) return;
      setSilenced(this.sel.layer, this.sel.index, !isSilenced(this.sel.layer, this.sel.index));
    });
    onAskedChange((what) => { if (what === 'silenced') this.#render(); });
    onWeights((net) => this.setNetwork(net));
    // From the keyboard, the focus goes into the panel; closing it brings it back to the neuron.
    view.onSelect((sel, button, { keyboard }) => this.inspect(sel, { opener: button, focus: keyboard }));
    // The panel's canvases follow its size (it is a column on a desktop, a sheet on a phone).
    new ResizeObserver(() => this.#render()).observe(root);
  }

  setNetwork(net) {
    this.net = net;
    this.#render();
  }

  /**
   * Look at neuron `sel` ({layer, index}: hidden layers from 1, neurons from 0): the panel opens on it
   * and the network marks it. `focus`: move the keyboard focus into the panel (closing gives it back
   * to `opener`); on a phone, the page scrolls so that `opener` (its button) stays in view above the sheet.
   */
  inspect(sel, { opener = null, focus = false } = {}) {
    this.sel = sel;
    this.open(opener, { focus });
    this.view.select(sel);
    if (opener) keepAboveSheet(opener, this.root);
  }

  /** Open on the neuron looked at last (or none yet); the focus stays where it is unless `focus`. */
  open(opener, { focus = false } = {}) {
    super.open(opener, { focus });
    this.#render();
  }

  onClose() {
    this.sel = null;
    this.view.select(null);
  }

  /** The language: the same neuron, told again. */
  relabel() { this.#render(); }

  /** The palette: the same neuron, in its colours. */
  repaint() { this.#render(); }

  /** The newest reply: the inspector follows the drawing live. */
  update(reply) {
    this.reply = reply;
    if (this.isOpen) this.#render();
  }

  #isOutput(layer) { return layer === this.sizes.length - 1; }

  #render() {
    if (!this.isOpen || !this.sel) return;
    const { layer, index } = this.sel;
    const last = this.#isOutput(layer);
    // Output neurons cannot be silenced (the API refuses them): no switch there.
    const off = !last && isSilenced(layer, index);
    this.el.silenceRow.hidden = last;
    this.el.silence.setAttribute('aria-pressed', off ? 'true' : 'false');
    this.el.silencedNote.hidden = !off;
    // The note describes the switch only while it says something true of this neuron.
    if (off) this.el.silence.setAttribute('aria-describedby', this.el.silencedNote.id);
    else this.el.silence.removeAttribute('aria-describedby');
    this.root.dataset.silenced = off ? 'true' : 'false';
    this.el.act.dataset.silenced = off ? 'true' : 'false';
    // The title names the neuron in the page's language; data-i18n would put "Neuron" back on a switch.
    delete this.el.title.dataset.i18n;
    this.el.title.textContent = last
      ? t('inspector.title.output', { digit: index })
      : t('inspector.title.hidden', { layer, n: index + 1 });
    const nIn = this.sizes[layer - 1];
    const [rows, cols] = gridShape(nIn);
    this.el.from.textContent = layer === 1
      ? t('inspector.from.input', { n: nIn })
      : t('inspector.from.hidden', { layer: layer - 1, n: nIn });
    if (!this.net) return;

    const { weights, biases } = this.net.layers[layer - 1];
    const w = weights.subarray(index * nIn, (index + 1) * nIn);
    const b = biases[index];
    // The sign without colour: "+"/"−" on the big cells always, on the 28x28 ones in the colour-blind palette.
    const marks = rows <= 8 || palette() === 'cb';
    drawSignedGrid(this.el.weights, w, rows, cols, { marks });

    const r = this.reply;
    const prev = r ? r.activations[layer - 1] : null;
    const contrib = Float32Array.from(w, (wi, i) => (prev ? wi * prev[i] : 0));
    drawSignedGrid(this.el.contrib, contrib, rows, cols, { marks });

    const z = r ? r.weighted_sums[layer - 1][index] : NaN;
    const a = r ? r.activations[layer][index] : NaN;
    // w·a from the server's z, so the equation on screen adds up exactly.
    this.el.wa.textContent = num(z - b);
    this.el.bias.textContent = signed(b);
    this.el.z.textContent = num(z);
    this.el.a.textContent = num(a, 3); // a ReLU's may pass 1: the real value (the network view stops brightening at 1)
    const relu = this.net.layers[layer - 1].activation === 'relu';
    this.#activationFunction(relu);
    (relu ? drawRelu : drawSigmoid)(this.el.sigmoid, z, FONT);
    const notes = relu ? ['train.biasNote.negative', 'train.biasNote.positive'] : ['inspector.biasNote.negative', 'inspector.biasNote.positive'];
    this.el.note.textContent = b < 0
      ? t(notes[0], { b: num(b), threshold: num(-b) })
      : t(notes[1], { b: signed(b), threshold: num(-b) });
  }

  /** The equation's last line and the plot name the layer's function: σ, or ReLU (its name in both languages). */
  #activationFunction(relu) {
    const plot = this.el.sigmoid;
    this.el.fn.textContent = relu ? 'ReLU(z)' : 'σ(z)';
    plot.dataset.function = relu ? 'relu' : 'sigmoid';
    plot.dataset.i18nAriaLabel = relu ? 'train.reluLabel' : 'inspector.sigmoidLabel'; // a language switch says it again
    plot.setAttribute('aria-label', t(plot.dataset.i18nAriaLabel));
  }
}
