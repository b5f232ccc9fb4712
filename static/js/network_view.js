// The network as in the video, on one canvas: the 28x28 input the network saw,
// two hidden layers of 16 neurons, 10 outputs. Brightness = activation; lines
// coloured by the weight's sign, opacity by how much they contribute now (|w·a|).
// A layer of real <button>s sits over the neurons so each one can be clicked,
// tapped or reached with Tab.

import { SIDE } from './grid.js';
import { POS, NEG, GLOW, DARK, LIT, HILITE, rgba, mix } from './colors.js';
import { fitCanvas, onPixelRatioChange } from './canvas.js';

const EASE_MS = 150;
const LEVELS = 12;          // opacity buckets: lines are batched into few paths, so it stays fast
const INK = 0.08;           // input pixels dimmer than this send no lines (nothing to see)
const LAYER_NAMES = ['input', 'hidden layer 1', 'hidden layer 2', 'output'];

// The same system font stack as the page (canvas does not inherit CSS).
const FONT = getComputedStyle(document.documentElement).getPropertyValue('--font').trim()
  || 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

export class NetworkView {
  constructor(canvas, buttonLayer, { sizes, onSelect }) {
    this.canvas = canvas;
    this.buttonLayer = buttonLayer;
    this.sizes = sizes;
    this.onSelect = onSelect;
    this.net = null;
    this.prediction = null;
    this.selected = null; // {layer, index}
    this.shown = sizes.map((n) => new Float32Array(n));   // what is on screen now
    this.from = this.shown.map((a) => a.slice());         // where the transition started
    this.target = this.shown.map((a) => a.slice());       // where it is going
    this.t0 = 0;
    this.raf = null;
    this.pixels = document.createElement('canvas');       // the 28x28 input, drawn scaled up
    this.pixels.width = this.pixels.height = SIDE;
    this.#makeButtons();
    new ResizeObserver(() => this.#resize()).observe(canvas);
    onPixelRatioChange(() => this.#resize());
  }

  setNetwork(net) {
    this.net = net;
    this.#draw();
  }

  /** New activations from the server: glide to them (or jump, for reduced motion). */
  show(reply) {
    this.prediction = reply.empty ? null : reply.prediction;
    this.target = reply.activations.map((a) => Float32Array.from(a));
    if (reducedMotion.matches) {
      this.shown = this.target.map((a) => a.slice());
      this.#draw();
      return;
    }
    this.from = this.shown.map((a) => a.slice());
    this.t0 = performance.now();
    if (this.raf === null) this.raf = requestAnimationFrame((t) => this.#step(t));
  }

  select(sel) {
    this.selected = sel;
    for (const b of this.buttons) {
      const on = !!sel && sel.layer === +b.dataset.layer && sel.index === +b.dataset.index;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
    this.#draw();
  }

  button(layer, index) {
    return this.buttons.find((b) => +b.dataset.layer === layer && +b.dataset.index === index);
  }

  #step(now) {
    const t = Math.min(1, (now - this.t0) / EASE_MS);
    const e = 1 - (1 - t) ** 3; // ease-out: quick to react, gentle to settle
    for (let l = 0; l < this.shown.length; l++) {
      const s = this.shown[l], f = this.from[l], g = this.target[l];
      for (let i = 0; i < s.length; i++) s[i] = f[i] + (g[i] - f[i]) * e;
    }
    this.#draw();
    this.raf = t < 1 ? requestAnimationFrame((n) => this.#step(n)) : null;
  }

  #makeButtons() {
    this.buttons = [];
    for (let layer = 1; layer < this.sizes.length; layer++) {
      for (let i = 0; i < this.sizes[layer]; i++) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'neuron-btn';
        b.dataset.layer = String(layer);
        b.dataset.index = String(i);
        b.dataset.testid = `neuron-${layer}-${i}`;
        const last = layer === this.sizes.length - 1;
        b.setAttribute('aria-label', last ? `Output neuron for the digit ${i}` : `${LAYER_NAMES[layer]}, neuron ${i + 1}`);
        b.setAttribute('aria-pressed', 'false');
        b.addEventListener('click', () => this.onSelect({ layer, index: i }, b));
        this.buttonLayer.append(b);
        this.buttons.push(b);
      }
    }
  }

  #resize() {
    const { width, height } = fitCanvas(this.canvas);
    this.width = width;
    this.height = height;
    this.#layout();
    this.#placeButtons();
    this.#draw();
  }

  /** Where everything goes, in CSS pixels, for the canvas's current size. */
  #layout() {
    const W = this.width, H = this.height;
    const compact = W < 560;
    const top = compact ? 6 : 12;
    const bottom = compact ? 24 : 34;             // room for the layer names
    const labelW = compact ? 24 : 40;             // room for the output digits
    const usable = H - top - bottom;
    const g = Math.max(40, Math.min(usable * 0.6, W * 0.33)); // the input grid's side
    const gx = compact ? 2 : 6;
    const gy = top + (usable - g) / 2;
    const start = gx + g, end = W - labelW;
    const sp = usable / 16;
    const r = Math.max(3, Math.min(sp * 0.36, 14));
    const so = Math.min(usable / 10, sp * 1.5);
    const x1 = start + (end - start) * 0.42;
    const x2 = start + (end - start) * 0.73;
    const x3 = end - r;
    const col = (x, n, step) => Array.from({ length: n }, (_, i) => ({ x, y: top + (usable - step * n) / 2 + step * (i + 0.5) }));
    this.geo = {
      compact, top, bottom, g, gx, gy, cell: g / SIDE, r,
      layers: [null, col(x1, this.sizes[1], sp), col(x2, this.sizes[2], sp), col(x3, this.sizes[3], so)],
      labelX: [gx + g / 2, x1, x2, x3],
    };
  }

  #placeButtons() {
    const { layers, r } = this.geo;
    const side = Math.max(2 * r + 6, 22);
    for (const b of this.buttons) {
      const p = layers[+b.dataset.layer][+b.dataset.index];
      // CSSOM writes, not style attributes: allowed under style-src 'self'.
      b.style.left = `${p.x - side / 2}px`;
      b.style.top = `${p.y - side / 2}px`;
      b.style.width = b.style.height = `${side}px`;
    }
  }

  #draw() {
    if (!this.geo) return;
    const ctx = this.canvas.getContext('2d');
    ctx.clearRect(0, 0, this.width, this.height);
    if (this.net) {
      this.#inputLines(ctx);
      for (let l = 2; l < this.sizes.length; l++) this.#denseLines(ctx, l);
    }
    this.#inputGrid(ctx);
    for (let l = 1; l < this.sizes.length; l++) this.#neurons(ctx, l);
    this.#labels(ctx);
  }

  /** Lines into `layer` from every neuron of the layer before, opacity by |w·a|. */
  #denseLines(ctx, layer) {
    const { weights } = this.net.layers[layer - 1];
    const prev = this.shown[layer - 1];
    const from = this.geo.layers[layer - 1], to = this.geo.layers[layer];
    const segs = [];
    let max = 1e-6;
    for (let j = 0; j < to.length; j++) {
      for (let i = 0; i < from.length; i++) {
        const w = weights[j * from.length + i];
        const c = Math.abs(w * prev[i]);
        if (c > max) max = c;
        segs.push([from[i], to[j], w, c, j]);
      }
    }
    this.#strokeBuckets(ctx, layer, segs.map(([a, b, w, c, j]) =>
      [a.x + this.geo.r, a.y, b.x - this.geo.r, b.y, w, 0.04 + 0.9 * (c / max) ** 0.75, j]), 1.1);
  }

  /** Lines from the inked input pixels to hidden layer 1 (only those: it stays fast). */
  #inputLines(ctx) {
    const { weights, nIn } = this.net.layers[0];
    const a = this.shown[0];
    const { gx, gy, cell, r } = this.geo;
    const to = this.geo.layers[1];
    const segs = [];
    let max = 1e-6;
    for (let i = 0; i < a.length; i++) {
      if (a[i] < INK) continue;
      const px = gx + (i % SIDE + 0.5) * cell, py = gy + (Math.floor(i / SIDE) + 0.5) * cell;
      for (let j = 0; j < to.length; j++) {
        const w = weights[j * nIn + i];
        const c = Math.abs(w * a[i]);
        if (c > max) max = c;
        segs.push([px, py, to[j].x - r, to[j].y, w, c, j]);
      }
    }
    for (const s of segs) s[5] = 0.9 * (s[5] / max) ** 1.2; // only the strong ones stand out
    this.#strokeBuckets(ctx, 1, segs, 0.7);
  }

  /** Batch lines by sign and opacity level: a handful of strokes instead of thousands. */
  #strokeBuckets(ctx, layer, segs, width) {
    const sel = this.selected && this.selected.layer === layer ? this.selected.index : null;
    const dim = this.selected ? 0.35 : 1; // while inspecting, the other lines step back
    const buckets = new Map();
    for (const [x0, y0, x1, y1, w, alpha, j] of segs) {
      const boost = sel === null ? dim : (j === sel ? 1.6 : 0.12);
      const level = Math.min(LEVELS, Math.round(alpha * boost * LEVELS));
      if (level <= 0) continue;
      const key = (w >= 0 ? 1 : -1) * level;
      let path = buckets.get(key);
      if (!path) buckets.set(key, (path = new Path2D()));
      path.moveTo(x0, y0);
      path.lineTo(x1, y1);
    }
    ctx.lineCap = 'round';
    for (const [key, path] of buckets) {
      const level = Math.abs(key);
      ctx.strokeStyle = rgba(key > 0 ? POS : NEG, level / LEVELS);
      ctx.lineWidth = width * (0.6 + level / LEVELS);
      ctx.stroke(path);
    }
  }

  #inputGrid(ctx) {
    const { gx, gy, g, cell } = this.geo;
    const a = this.shown[0];
    const pctx = this.pixels.getContext('2d');
    const img = pctx.createImageData(SIDE, SIDE);
    for (let i = 0; i < a.length; i++) {
      const [r, gg, b] = mix(DARK, LIT, Math.min(1, Math.max(0, a[i])));
      img.data.set([r, gg, b, 255], i * 4);
    }
    pctx.putImageData(img, 0, 0);
    ctx.save();
    ctx.imageSmoothingEnabled = false; // crisp pixels, as the network sees them
    ctx.drawImage(this.pixels, gx, gy, g, g);
    ctx.restore();
    // Faint pixel boundaries: it is a grid of 784 neurons, not a photo.
    ctx.beginPath();
    for (let k = 1; k < SIDE; k++) {
      ctx.moveTo(gx + k * cell, gy); ctx.lineTo(gx + k * cell, gy + g);
      ctx.moveTo(gx, gy + k * cell); ctx.lineTo(gx + g, gy + k * cell);
    }
    ctx.strokeStyle = 'rgba(140, 170, 220, 0.10)';
    ctx.lineWidth = 0.5;
    ctx.stroke();
    ctx.strokeStyle = 'rgba(160, 190, 240, 0.45)';
    ctx.lineWidth = 1;
    ctx.strokeRect(gx, gy, g, g);
  }

  #neurons(ctx, layer) {
    const { r } = this.geo;
    const acts = this.shown[layer];
    const last = layer === this.sizes.length - 1;
    this.geo.layers[layer].forEach((p, i) => {
      const a = Math.min(1, Math.max(0, acts[i]));
      if (a > 0.03) {
        const halo = ctx.createRadialGradient(p.x, p.y, r * 0.5, p.x, p.y, r * 2.8);
        halo.addColorStop(0, rgba(GLOW, 0.6 * a));
        halo.addColorStop(1, rgba(GLOW, 0));
        ctx.fillStyle = halo;
        ctx.fillRect(p.x - r * 2.8, p.y - r * 2.8, r * 5.6, r * 5.6);
      }
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
      ctx.fillStyle = rgba(mix(DARK, LIT, a));
      ctx.fill();
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = 'rgba(205, 225, 255, 0.55)';
      ctx.stroke();
      const isSel = this.selected && this.selected.layer === layer && this.selected.index === i;
      const isWinner = last && this.prediction === i;
      if (isSel || isWinner) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, r + 3.5, 0, Math.PI * 2);
        ctx.lineWidth = 2;
        ctx.strokeStyle = isSel ? HILITE : rgba(GLOW, 0.95);
        ctx.stroke();
      }
      if (last) {
        ctx.font = `${isWinner ? 700 : 500} ${Math.round(Math.max(11, r * 1.25))}px ${FONT}`;
        ctx.textBaseline = 'middle';
        ctx.textAlign = 'left';
        ctx.fillStyle = isWinner ? '#ffffff' : `rgba(220, 230, 250, ${0.45 + 0.55 * a})`;
        ctx.fillText(String(i), p.x + r + 8, p.y);
      }
    });
  }

  #labels(ctx) {
    const { labelX, compact } = this.geo;
    const names = compact
      ? ['input 28×28', 'hidden 16', 'hidden 16', 'output']
      : ['input: 28×28 = 784 pixels', 'hidden layer 1 · 16', 'hidden layer 2 · 16', 'output · 10'];
    ctx.font = `500 ${compact ? 10 : 12}px ${FONT}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.fillStyle = 'rgba(170, 185, 215, 0.85)';
    const y = this.height - (compact ? 7 : 12);
    names.forEach((name, l) => ctx.fillText(name, labelX[l], y));
  }
}
