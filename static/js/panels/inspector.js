// The neuron inspector: for one neuron, its incoming weights as a picture,
// its bias, the weighted sum z = w·a + b with the live numbers, σ(z) on the
// sigmoid curve, and what this drawing contributes (weight × input). A hidden neuron can be
// silenced here (held at 0: asked.js; silence.js shows it across the page).

import { drawSignedGrid } from './weight_image.js';
import { drawSigmoid } from './sigmoid_plot.js';
import { num, signed } from '../ui/format.js';
import { t } from '../ui/i18n.js';
import { palette } from '../ui/palette.js';
import { SidePanel } from './side_panel.js';
import { FONT } from '../ui/theme.js';
import { isSilenced, onAskedChange, setSilenced } from '../core/asked.js';

/**
 * A layer's inputs laid out as a grid: square when they are (784 -> 28x28, 16 -> 4x4), else the
 * squarest rows x columns they fill (30 -> 5x6, 24 -> 4x6), a row when nothing divides them.
 */
function gridShape(n) {
  for (let rows = Math.floor(Math.sqrt(n)); rows > 1; rows--) if (n % rows === 0) return [rows, n / rows];
  return [1, n];
}

export class Inspector {
  constructor(root, { sizes, onClose }) {
    this.root = root;
    this.sizes = sizes;
    this.onClose = onClose;
    this.net = null;
    this.reply = null;
    this.sel = null;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      title: $('[data-testid="inspector-title"]'),
      close: $('[data-testid="inspector-close"]'),
      weights: $('[data-testid="weight-image"]'),
      contrib: $('[data-testid="contribution-image"]'),
      from: $('[data-field="from"]'),
      wa: $('[data-field="wa"]'),
      bias: $('[data-field="bias"]'),
      z: $('[data-field="z"]'),
      a: $('[data-field="a"]'),
      sigmoid: $('[data-testid="sigmoid"]'),
      note: $('[data-testid="bias-note"]'),
      silenceRow: $('[data-testid="silence-row"]'),
      silence: $('[data-testid="silence-toggle"]'),
      silencedNote: $('[data-testid="silenced-note"]'),
      act: $('[data-field="a"]').parentElement,
    };
    // The switch: this neuron held at 0 (or back); the answer is asked again (main.js).
    this.el.silence.addEventListener('click', () => {
      if (!this.sel || this.#isOutput(this.sel.layer)) return;
      setSilenced(this.sel.layer, this.sel.index, !isSilenced(this.sel.layer, this.sel.index));
    });
    onAskedChange((what) => { if (what === 'silenced') this.#render(); });
    // Open, close, Escape and the focus: the same as the edge detector's panel.
    this.panel = new SidePanel(root, {
      title: this.el.title,
      close: this.el.close,
      onClose: () => {
        this.sel = null;
        this.onClose();
      },
    });
    // The panel's canvases follow its size (it is a column on a desktop, a sheet on a phone).
    new ResizeObserver(() => this.#render()).observe(root);
  }

  get isOpen() { return this.panel.isOpen; }

  setNetwork(net) {
    this.net = net;
    this.#render();
  }

  /** Show neuron `sel`; `focus`: move the keyboard focus into the panel (closing gives it back to `opener`). */
  open(sel, opener, { focus = false } = {}) {
    this.sel = sel;
    this.panel.open(opener, { focus });
    this.#render();
  }

  /** `restoreFocus`: if the focus was in the panel, give it back to the neuron that opened it. */
  close({ restoreFocus = true } = {}) {
    this.panel.close({ restoreFocus });
  }

  /** The language or the palette changed: the same neuron, told again. */
  refresh() {
    this.#render();
  }

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
    this.el.a.textContent = num(a, 3);
    drawSigmoid(this.el.sigmoid, z, FONT);
    this.el.note.textContent = b < 0
      ? t('inspector.biasNote.negative', { b: num(b), threshold: num(-b) })
      : t('inspector.biasNote.positive', { b: signed(b), threshold: num(-b) });
  }
}
