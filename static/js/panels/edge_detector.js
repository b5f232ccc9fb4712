// The first video's example of what one neuron could do: an edge detector.
// Its 784 weights are painted on a 28x28 grid (positive on a short horizontal
// bar, negative around it, as in the video's picture), its bias is a slider,
// and its weighted sum z = w·a + b is computed here, in the browser, from the
// 28x28 input the network saw for the current drawing. σ(z) is shown on the
// sigmoid curve. Mouse, finger and keyboard all paint.
// Its input is the drawing where it was drawn (the pad shrunk to 28x28: drawing.js's asDrawn), not
// the network's re-centred input: a stroke drawn on the painted bar is seen on the bar. So while the
// panel is open, a faint copy of the painted weights lies on the pad under the strokes (`overlay`):
// where to draw, following the painting.

import { drawSignedGrid } from './weight_image.js';
import { drawSigmoid, sigmoid } from './sigmoid_plot.js';
import { HILITE, rgba } from '../ui/colors.js';
import { num, signed } from '../ui/format.js';
import { t } from '../ui/i18n.js';
import { SidePanel } from './side_panel.js';
import { SIDE } from '../core/digit.js';
import { FONT } from '../ui/theme.js';

// The video's edge detector: a bar of positive weights with a ring of negative ones.
// Rows 7-9, columns 8-19: a quarter of the way down the pad, across its middle (it is
// also where a 7's top stroke lands once fitted to MNIST's 20x20 box and centred).
export const PRESET = { rows: [7, 9], cols: [8, 19], bias: -6 };
const BIAS_RANGE = 20;

/** The preset's 784 weights: +1 on the bar, −1 on the cells around it, 0 elsewhere. */
export function edgePreset({ rows: [r0, r1], cols: [c0, c1] } = PRESET) {
  const w = new Float32Array(SIDE * SIDE);
  for (let r = r0 - 1; r <= r1 + 1; r++) {
    for (let c = c0 - 1; c <= c1 + 1; c++) {
      w[r * SIDE + c] = r >= r0 && r <= r1 && c >= c0 && c <= c1 ? 1 : -1;
    }
  }
  return w;
}

/** w·a (without the bias). */
export function dot(w, a) {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * (a[i] || 0);
  return s;
}

export class EdgeDetector extends SidePanel {
  /**
   * @param {HTMLElement} root  the panel
   * @param {object} options  drawing (drawing.js: its input), overlay (a canvas under the pad's
   *                          strokes, as big as the pad), font (for the sigmoid plot)
   */
  constructor(root, { drawing, overlay, font = FONT }) {
    super(root);
    this.drawing = drawing;
    this.overlay = overlay;
    this.font = font;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      grid: $('[data-testid="edge-weights"]'),
      cursor: $('[data-testid="edge-cursor"]'),
      brushes: [...root.querySelectorAll('[data-brush]')],
      preset: $('[data-testid="edge-preset"]'),
      clear: $('[data-testid="edge-clear"]'),
      bias: $('[data-testid="edge-bias"]'),
      biasValue: $('[data-testid="edge-bias-value"]'),
      wa: $('[data-testid="edge-wa"]'),
      b: $('[data-testid="edge-b"]'),
      z: $('[data-testid="edge-z"]'),
      a: $('[data-testid="edge-a"]'),
      sigmoid: $('[data-testid="edge-sigmoid"]'),
      verdict: $('[data-testid="edge-verdict"]'),
    };
    this.weights = edgePreset();
    this.bias = PRESET.bias;
    this.input = new Float32Array(SIDE * SIDE);
    this.brush = 1;
    this.cursor = { r: PRESET.rows[0], c: PRESET.cols[0] };
    this.focused = false;
    this.stroke = null; // the cell the pointer last painted, during a drag
    this.el.bias.min = String(-BIAS_RANGE);
    this.el.bias.max = String(BIAS_RANGE);
    this.el.bias.value = String(this.bias);
    this.#listen();
    new ResizeObserver(() => this.#render()).observe(root);
    new ResizeObserver(() => this.#renderOverlay()).observe(overlay.parentElement); // the pad's size
  }

  /** Open the panel on the drawing as it is now; the focus goes to its title (Escape gives it back to `opener`). */
  open(opener, options) {
    this.input = Float32Array.from(this.drawing.asDrawn());
    super.open(opener, options);
    this.#render();
  }

  onOpen() { this.overlay.hidden = false; }

  onClose() { this.overlay.hidden = true; }

  /** A new reply: the drawing changed, so does the neuron's input (while it is open). */
  update() {
    if (this.isOpen) this.setInput(this.drawing.asDrawn());
  }

  relabel() { this.#render(); }

  repaint() { this.#render(); }

  /** The neuron's 28x28 input: the drawing where it was drawn (784 values, 0..1). */
  setInput(values) {
    this.input = Float32Array.from(values);
    this.#render();
  }

  setWeights(values) {
    this.weights = Float32Array.from(values);
    this.#render();
  }

  setBias(b) {
    this.bias = Math.max(-BIAS_RANGE, Math.min(BIAS_RANGE, b));
    this.el.bias.value = String(this.bias);
    this.#render();
  }

  #listen() {
    const { el } = this;
    for (const b of el.brushes) {
      b.addEventListener('click', () => {
        this.brush = Number(b.dataset.brush);
        for (const o of el.brushes) o.setAttribute('aria-pressed', o === b ? 'true' : 'false');
      });
    }
    el.preset.addEventListener('click', () => {
      this.weights = edgePreset();
      this.setBias(PRESET.bias);
    });
    el.clear.addEventListener('click', () => this.setWeights(new Float32Array(SIDE * SIDE)));
    el.bias.addEventListener('input', () => this.setBias(Number(el.bias.value)));

    // Painting with a pointer: every cell between two moves, so a quick drag leaves no gaps.
    const grid = el.grid;
    const cellAt = (e) => {
      const r = grid.getBoundingClientRect();
      const c = Math.floor(((e.clientX - r.left) / r.width) * SIDE);
      const row = Math.floor(((e.clientY - r.top) / r.height) * SIDE);
      return { r: Math.max(0, Math.min(SIDE - 1, row)), c: Math.max(0, Math.min(SIDE - 1, c)) };
    };
    grid.addEventListener('pointerdown', (e) => {
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      e.preventDefault();
      grid.setPointerCapture(e.pointerId);
      this.stroke = cellAt(e);
      this.#paint([this.stroke]);
    });
    grid.addEventListener('pointermove', (e) => {
      if (!this.stroke || !grid.hasPointerCapture(e.pointerId)) return;
      const to = cellAt(e);
      this.#paint(line(this.stroke, to));
      this.stroke = to;
    });
    const end = () => { this.stroke = null; };
    grid.addEventListener('pointerup', end);
    grid.addEventListener('pointercancel', end);
    grid.addEventListener('lostpointercapture', end);
    grid.addEventListener('contextmenu', (e) => e.preventDefault());

    // The keyboard: arrows move a cursor, Space or Enter paints, Shift+arrow paints as it moves.
    grid.addEventListener('keydown', (e) => {
      const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      if (e.key in moves) {
        e.preventDefault();
        const [dr, dc] = moves[e.key];
        this.cursor = {
          r: Math.max(0, Math.min(SIDE - 1, this.cursor.r + dr)),
          c: Math.max(0, Math.min(SIDE - 1, this.cursor.c + dc)),
        };
        if (e.shiftKey) this.#paint([this.cursor]); else this.#render();
      } else if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        this.#paint([this.cursor]);
      }
    });
    grid.addEventListener('focus', () => { this.focused = true; this.#render(); });
    grid.addEventListener('blur', () => { this.focused = false; this.#render(); });
  }

  #paint(cells) {
    for (const { r, c } of cells) this.weights[r * SIDE + c] = this.brush;
    this.#render();
  }

  /** The painted weights on the pad, faint (main.css), where the drawing meets them: green/red as on the grid. */
  #renderOverlay() {
    if (!this.isOpen) return;
    drawSignedGrid(this.overlay, this.weights, SIDE, SIDE, { max: 1, clear: true });
    this.overlay.dataset.weights = String(this.weights.reduce((n, w) => n + (w ? 1 : 0), 0)); // cells painted, for the tests
  }

  #render() {
    if (!this.isOpen) return;
    this.#renderOverlay();
    const { el } = this;
    const { ctx, cw, ch } = drawSignedGrid(el.grid, this.weights, SIDE, SIDE, { max: 1, marks: true });
    // The input on top, as white dots: where the drawing's ink meets the weights.
    ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
    const rad = Math.min(cw, ch) * 0.3;
    for (let i = 0; i < this.input.length; i++) {
      const a = this.input[i];
      if (a < 0.05) continue;
      ctx.globalAlpha = Math.min(1, 0.25 + 0.75 * a);
      ctx.beginPath();
      ctx.arc((i % SIDE + 0.5) * cw, (Math.floor(i / SIDE) + 0.5) * ch, rad * Math.sqrt(a), 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    const w = this.weights[this.cursor.r * SIDE + this.cursor.c];
    if (this.focused) {
      ctx.strokeStyle = rgba(HILITE);
      ctx.lineWidth = 2;
      ctx.strokeRect(this.cursor.c * cw + 1, this.cursor.r * ch + 1, cw - 2, ch - 2);
      el.cursor.textContent = t('edge.cursor', { row: this.cursor.r + 1, col: this.cursor.c + 1, w: w ? signed(w, 0) : '0' });
    } else if (el.cursor.textContent) {
      el.cursor.textContent = '';
    }

    const wa = dot(this.weights, this.input);
    const z = wa + this.bias;
    const a = sigmoid(z);
    el.biasValue.textContent = signed(this.bias, 1);
    el.bias.setAttribute('aria-valuetext', signed(this.bias, 1));
    el.wa.textContent = num(wa);
    el.b.textContent = signed(this.bias);
    el.z.textContent = num(z);
    el.a.textContent = num(a, 3);
    el.grid.dataset.z = String(z);
    drawSigmoid(el.sigmoid, z, this.font);
    const key = a > 0.6 ? 'edge.verdict.on' : a < 0.4 ? 'edge.verdict.off' : 'edge.verdict.half';
    el.verdict.dataset.state = key.split('.').pop();
    el.verdict.textContent = t(key, { a: num(a, 2) });
  }
}

/** The cells on the straight line from `a` to `b` (both included). */
function line(a, b) {
  const n = Math.max(Math.abs(b.r - a.r), Math.abs(b.c - a.c));
  const cells = [];
  for (let i = 0; i <= n; i++) {
    const f = n ? i / n : 0;
    cells.push({ r: Math.round(a.r + (b.r - a.r) * f), c: Math.round(a.c + (b.c - a.c) * f) });
  }
  return cells;
}
