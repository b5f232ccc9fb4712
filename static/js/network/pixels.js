// The 784 input pixels under the network's input grid: click one (or move with the arrow keys)
// to see its value and its weights into the first hidden layer; Escape, Tab or a click
// elsewhere lets go. The note follows the drawing live and the page's language.

import { SIDE } from '../core/digit.js';
import { lastReply, onReply } from '../core/shown.js';
import { num, signed } from '../ui/format.js';
import { t, onLanguageChange } from '../ui/i18n.js';

export class PixelInspector {
  /**
   * @param {HTMLElement} layer  the input grid's focusable layer  @param {HTMLElement} info  the note
   * @param {object} options  view (the NetworkView: its weights, the input grid's place), sizes
   */
  constructor(layer, info, { view, sizes }) {
    Object.assign(this, { layer, info, view, sizes });
    this.cursor = null; // the pixel looked at (0..783), or null
    layer.addEventListener('pointerdown', (e) => {
      const r = layer.getBoundingClientRect();
      const c = Math.min(SIDE - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * SIDE)));
      const row = Math.min(SIDE - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * SIDE)));
      this.show(row * SIDE + c);
    });
    layer.addEventListener('focus', () => {
      // From the keyboard: start at the brightest pixel (or the middle of an empty grid).
      if (this.cursor !== null) return;
      const reply = lastReply();
      const a = reply ? reply.activations[0] : [];
      let i = Math.floor(SIDE / 2) * (SIDE + 1);
      for (let k = 0; k < a.length; k++) if (a[k] > (a[i] || 0)) i = k;
      this.show(i);
    });
    layer.addEventListener('keydown', (e) => this.#key(e));
    layer.addEventListener('blur', () => this.show(null)); // Tab or a click elsewhere lets go
    onReply(() => { if (this.cursor !== null) this.show(this.cursor); });
    onLanguageChange(() => { if (this.cursor !== null) this.show(this.cursor); });
  }

  /** Look at pixel `i` (0..783): its value and its weights into layer 1, beside the grid; null: none. */
  show(i) {
    const { info, view, sizes } = this;
    this.cursor = i;
    view.selectPixel(i);
    if (i === null) { info.hidden = true; info.textContent = ''; delete info.dataset.weights; return; }
    const reply = lastReply();
    const a = reply ? reply.activations[0][i] : 0;
    let best = 0;
    const weights = view.net ? Array.from({ length: sizes[1] }, (_, j) => view.net.layers[0].weights[j * sizes[0] + i]) : [];
    weights.forEach((w, j) => { if (Math.abs(w) > Math.abs(weights[best])) best = j; });
    info.dataset.pixel = String(i);
    info.dataset.value = String(a);
    info.dataset.weights = weights.map((w) => w.toFixed(4)).join(',');
    info.textContent = t('pixels.info', {
      row: Math.floor(i / SIDE) + 1, col: (i % SIDE) + 1, a: num(a, 3),
      w: weights.length ? signed(weights[best]) : '', n: best + 1, count: sizes[1],
    });
    info.hidden = false;
    // Beside the grid, above it: CSSOM writes (allowed by the page's CSP).
    const box = view.inputBox;
    info.style.left = `${box.x}px`;
    info.style.maxWidth = `${Math.max(220, box.side * 1.7)}px`;
    info.style.bottom = `${view.canvas.clientHeight - box.y + 8}px`;
  }

  #key(e) {
    const moves = { ArrowUp: -SIDE, ArrowDown: SIDE, ArrowLeft: -1, ArrowRight: 1 };
    if (e.key === 'Escape' && this.cursor !== null) { e.preventDefault(); this.show(null); return; }
    if (!(e.key in moves) || this.cursor === null) return;
    e.preventDefault();
    const i = this.cursor, r = Math.floor(i / SIDE), c = i % SIDE;
    const to = e.key === 'ArrowLeft' ? (c > 0 ? i - 1 : i) : e.key === 'ArrowRight' ? (c < SIDE - 1 ? i + 1 : i)
      : e.key === 'ArrowUp' ? (r > 0 ? i - SIDE : i) : (r < SIDE - 1 ? i + SIDE : i);
    this.show(to);
  }
}
