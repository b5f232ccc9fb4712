// Paints the network picture (network/view.js) onto a 2D context: the 28x28
// input the network saw, then a column per layer of neurons, whatever the weights
// file holds (the video's: two hidden layers of 16, and 10 outputs).
// Brightness = activation (a ReLU neuron above 1 is at full brightness, its value written on it);
// lines coloured by the weight's sign, opacity by how
// much they contribute now (|w·a|); in the colour-blind palette the negative
// ones are also dashed (the sign without colour). No DOM here: the same code paints
// on the page or in network/worker.js, off the page's main thread. The layer names
// come from the page's language (setLabels): none are written here.
//
// A transition repaints every animation frame, so a frame is kept cheap
// (benchmarks/page_speed.py measures it). Without a GPU the browser rasterizes
// a canvas on the thread that draws it, and the connections are most of that work:
// - every line's ends are worked out once per layout (typed arrays); each frame
//   only sorts lines into opacity buckets: one path per bucket, no per-line allocations;
// - a line's hidden parts are not drawn: lines from the input start just inside
//   the grid's edge where they leave it (the grid is painted over them);
// - lines end in butt caps, and lines wider than a device pixel are filled as the
//   quadrilaterals a stroke would make (the same pixels, without the stroker);
//   dashed lines (the colour-blind palette's negatives) are stroked, with a dash pattern;
// - the glow around a neuron is a sprite made once, blitted (not a gradient fill per
//   neuron per frame); the grid's pixels go into a reused buffer, its cell lines are
//   painted once.

import { GLOW, DARK, LIT, rgba } from '../ui/colors.js';

const LEVELS = 12;          // opacity buckets: lines are batched into few paths, so it stays fast
export const FAINT_INPUT = 0.08; // input pixels dimmer than this send no lines (nothing to see)
const INSET = 2;            // lines from the input start this far (px) inside the grid's edge
const HALO_IN = 0.5, HALO_OUT = 2.8; // the glow's radii, in neuron radii
const RING = 'rgba(205, 225, 255, 0.55)';
const CELL_LINES = 'rgba(140, 170, 220, 0.10)';
const FRAME = 'rgba(160, 190, 240, 0.45)';
const LABEL = 'rgba(170, 185, 215, 0.85)';
const LABEL_GAP = 16;      // px kept free between two layer names (they read as one line when closer)
const LABEL_SHIFT = 0.3;   // how far (a share of its width) a name may move off its layer's centre
const DASH = [4, 3];        // negative weights' lines when state.negDashed (CSS px: dash, gap)
const NO_DASH = [];
const SILENCED = 'rgba(235, 240, 255, 0.9)'; // a silenced neuron's dashed ring and slash
const SILENCED_DASH = [3, 2.5];
const NONE = [];
const VALUE_INK = 'rgba(5, 6, 13, 0.92)'; // the value written on a neuron above 1 (it is at full brightness)
const VALUE_MIN_R = 5;      // smaller neurons get no value written (their button and the inspector say it)

/** One channel of the mix of DARK (t = 0) and LIT (t = 1). */
const mixChannel = (c, t) => Math.round(DARK[c] + (LIT[c] - DARK[c]) * t);

function makeCanvas(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

/**
 * Where the hidden layers' columns go, as shares of the room between the input grid and the
 * outputs: the video's two at 0.42 and 0.73; more start further left, one sits in the middle.
 */
function hiddenShares(n) {
  if (n === 1) return [0.55];
  const first = Math.max(0.22, 0.42 - 0.1 * (n - 2)), last = 0.73;
  return Array.from({ length: n }, (_, i) => first + ((last - first) * i) / (n - 1));
}

/**
 * Where everything goes, in CSS pixels, for a canvas of width x height; `side`: the input grid's;
 * `text`: how big the words are ({px: the canvas's font-size, 12 on a laptop, more on a large screen
 * and in classroom mode; min: no name is shrunk below it (0: as small as it takes)}).
 */
export function networkLayout(W, H, sizes, font, side, text = { px: 12, min: 0 }) {
  const k = text.px / 12;                       // the words' scale: 1 for the page's own 12 px
  const compact = W < 560;
  const top = compact ? 6 : 12;
  const bottom = Math.round((compact ? 24 : 34) * k); // room for the layer names
  const usable = H - top - bottom;
  const hidden = sizes.slice(1, -1), nOut = sizes[sizes.length - 1];
  const sp = usable / Math.max(16, ...hidden);    // the hidden neurons' spacing: the video's 16 fill the height
  const r = Math.max(3, Math.min(sp * 0.36, 14 * Math.max(1, k)));
  const digitPx = Math.round(Math.max(11 * k, text.min, r * 1.25));
  const labelW = compact ? 24 : Math.max(40, Math.round(digitPx * 1.2 + 26)); // room for the output digits
  const g = Math.max(40, Math.min(usable * 0.6, W * 0.33)); // the input grid's side
  const gx = compact ? 2 : 6;
  const gy = top + (usable - g) / 2;
  const start = gx + g, end = W - labelW;
  const so = Math.min(usable / Math.max(10, nOut), sp * 1.5); // the outputs spread out more
  const xs = [...hiddenShares(hidden.length).map((f) => start + (end - start) * f), end - r];
  const col = (x, n, step) => Array.from({ length: n }, (_, i) => ({ x, y: top + (usable - step * n) / 2 + step * (i + 0.5) }));
  // The names' sizes and wordings to try, roomiest first: the first that fits is used (#fitLabels);
  // never below text.min (classroom mode's names keep their size, and take the short wording).
  const sizesToTry = compact ? [['compact', 10], ['compact', 9]]
    : [['full', 12], ['full', 11], ['compact', 12], ['compact', 11], ['compact', 10]];
  let tries = sizesToTry.map(([set, px]) => ({ set, px: px * k })).filter(({ px }) => px >= text.min - 0.01);
  if (!tries.length) tries = [{ set: 'compact', px: Math.max(text.min, 10 * k) }];
  return {
    W, H, compact, top, bottom, g, gx, gy, cell: g / side, r, digitPx,
    layers: [null, ...xs.map((x, i) => col(x, sizes[i + 1], i === xs.length - 1 ? so : sp))],
    steps: [null, ...xs.map((_, i) => (i === xs.length - 1 ? so : sp))], // neuron to neuron, per column
    labelX: [gx + g / 2, ...xs],
    digitFonts: [`500 ${digitPx}px ${font}`, `700 ${digitPx}px ${font}`], // output digits: plain, the winner
    labelY: H - Math.round((compact ? 7 : 12) * k), // the names' baseline
    labelTries: tries.map(({ set, px }) => ({ set, font: `500 ${Math.round(px * 10) / 10}px ${font}` })),
  };
}

export class NetworkPainter {
  /**
   * `sizes`: neurons per layer (the input's first: side x side pixels); `font`: the page's
   * font stack (a canvas does not inherit CSS); `side`: the input grid's side (the digit's, 28).
   */
  constructor(sizes, { font, side }) {
    this.sizes = sizes;
    this.font = font;
    this.side = side;
    this.layers = null;  // [{weights, nIn}] per layer of weights
    this.geo = null;
    this.lines = null;
    this.pixels = makeCanvas(side, side);                 // the 28x28 input, drawn scaled up
    this.pixelsCtx = this.pixels.getContext('2d');
    this.pixelData = this.pixelsCtx.createImageData(side, side);
    this.cells = makeCanvas(1, 1);                        // the grid's faint cell lines
    this.halo = makeCanvas(1, 1);                         // one neuron's glow, at full strength
    this.labels = { full: [], compact: [] };              // the layers' names (setLabels)
    this.labelFit = null;                                 // where the names go (#fitLabels), per layout
    this.painted = { labels: [], labelFont: '', labelBoxes: [], negatives: 'solid', pixelLines: 0, pulses: 0, silenced: 0 }; // what draw() put in the picture
  }

  /**
   * The layers' names under the picture, in the page's language: `full` for a wide
   * canvas, `compact` for a narrow one, a string per layer (input, hidden 1, ..., output).
   */
  setLabels({ full, compact }) {
    this.labels = { full: [...full], compact: [...compact] };
    this.labelFit = null;
  }

  /** The network's weights: per layer, `weights` (n_out x n_in, row-major) and `nIn`. */
  setNetwork(layers) {
    this.layers = layers.map(({ weights, nIn }) => ({ weights, nIn }));
    this.#layoutLines();
  }

  /** The canvas is width x height CSS pixels, `dpr` device pixels each; `text`: its words' size (networkLayout). */
  resize(width, height, dpr, text) {
    this.dpr = dpr;
    this.geo = networkLayout(width, height, this.sizes, this.font, this.side, text);
    this.labelFit = null;
    this.#layoutLines();
    this.#makeSprites();
  }

  /**
   * Paint everything (the context's transform maps CSS pixels to the canvas).
   * state: shown (activations per layer), prediction (digit or null),
   * selected ({layer, index} or null), pos, neg and hilite (the weights' and the highlight's colours, [r, g, b]),
   * negDashed (true: negative weights' lines are dashed), silenced ([[layer, index], ...]: hidden
   * neurons held at 0, marked with a dashed ring and a slash), litUpTo (stepping: the last layer
   * lit; the connections into later layers are not drawn; null: all). Afterwards this.painted says
   * which labels and which style of negative lines the picture holds.
   */
  draw(ctx, state) {
    if (!this.geo) return;
    this.painted = {
      labels: [], labelFont: '', labelBoxes: [], negatives: state.negDashed ? 'dashed' : 'solid', pixelLines: 0, pulses: 0,
      silenced: 0,
    };
    ctx.clearRect(0, 0, this.geo.W, this.geo.H);
    if (this.layers && this.lines) {
      const upTo = state.litUpTo === null || state.litUpTo === undefined ? Infinity : state.litUpTo;
      if (upTo >= 1) this.#inputLines(ctx, state);
      for (let l = 2; l < this.sizes.length && l <= upTo; l++) this.#denseLines(ctx, l, state);
      if (state.flow) this.#pulses(ctx, state);
    }
    this.#inputGrid(ctx, state.shown[0]);
    if (this.layers && state.pixel !== null && state.pixel !== undefined) this.#pixelWeights(ctx, state);
    for (let l = 1; l < this.sizes.length; l++) this.#neurons(ctx, l, state);
    this.#labels(ctx);
  }

  /**
   * Both ends of every connection, once per layout: per layer (from 1), x0 y0 x1 y1
   * for each line in drawing order (input lines pixel by pixel, then the others
   * neuron by neuron), with typed arrays for the bucket sort each frame.
   */
  #layoutLines() {
    this.lines = null;
    if (!this.geo || !this.layers) return;
    const { gx, gy, g, cell, r, layers } = this.geo;
    const SIDE = this.side;
    const lines = [null];
    // Into hidden layer 1, from each input pixel's centre. The grid is painted over
    // them, so a line is drawn only from INSET px inside the grid's edge where it
    // leaves it (the right edge, or the top or bottom for a steep one). Index: pixel * n + neuron.
    const to = layers[1], n = to.length;
    const xy = new Float32Array(SIDE * SIDE * n * 4);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const px = gx + (i % SIDE + 0.5) * cell, py = gy + (Math.floor(i / SIDE) + 0.5) * cell;
      for (let j = 0; j < n; j++) {
        const tx = to[j].x - r, ty = to[j].y, k = (i * n + j) * 4;
        const dx = tx - px, dy = ty - py, len = Math.hypot(dx, dy);
        let t = 0; // how far along the line it starts: 0 = the pixel's centre, 1 = the neuron
        if (dx > 0 && len > 0) {
          // Where it leaves the grid, and the edge's share of the line's direction.
          let exit = (gx + g - px) / dx, across = dx / len;
          if (dy < 0 && (gy - py) / dy < exit) { exit = (gy - py) / dy; across = -dy / len; }
          if (dy > 0 && (gy + g - py) / dy < exit) { exit = (gy + g - py) / dy; across = dy / len; }
          t = Math.max(0, Math.min(1, exit - INSET / (across * len)));
        }
        xy[k] = px + dx * t;
        xy[k + 1] = py + dy * t;
        xy[k + 2] = tx;
        xy[k + 3] = ty;
      }
    }
    lines.push(xy);
    // Dense layers: index to * nFrom + from (the order the weights are stored in).
    for (let layer = 2; layer < this.sizes.length; layer++) {
      const from = layers[layer - 1], dest = layers[layer];
      const d = new Float32Array(from.length * dest.length * 4);
      for (let j = 0; j < dest.length; j++) {
        for (let i = 0; i < from.length; i++) {
          const k = (j * from.length + i) * 4;
          d[k] = from[i].x + r; d[k + 1] = from[i].y; d[k + 2] = dest[j].x - r; d[k + 3] = dest[j].y;
        }
      }
      lines.push(d);
    }
    const most = Math.max(...lines.slice(1).map((a) => a.length / 4));
    this.lines = lines;
    this.key = new Int8Array(most);      // per line this frame: ±level (sign of the weight), 0 = not drawn
    this.alpha = new Float64Array(most); // per line this frame: its opacity before any selection boost
    this.order = new Int32Array(most);   // lines sorted by bucket
    this.count = new Int32Array(2 * LEVELS + 2);  // lines per bucket (index: key + LEVELS + 1)
    this.starts = new Int32Array(2 * LEVELS + 2);
    this.firstSeen = new Int8Array(2 * LEVELS + 1); // bucket keys, in the order they first occur
  }

  /** Sprites made once per layout: the glow and the input grid's cell lines. */
  #makeSprites() {
    const { r, g, cell, gx, gy } = this.geo, dpr = this.dpr, SIDE = this.side;
    // The glow: a radial gradient from GLOW at 0.6 (HALO_IN radii) to nothing (HALO_OUT radii).
    const side = Math.ceil(2 * HALO_OUT * r * dpr) + 2;
    this.halo.width = this.halo.height = side;
    this.haloSide = side / dpr;
    const h = this.halo.getContext('2d');
    const c = side / 2;
    const grad = h.createRadialGradient(c, c, r * HALO_IN * dpr, c, c, r * HALO_OUT * dpr);
    grad.addColorStop(0, rgba(GLOW, 0.6));
    grad.addColorStop(1, rgba(GLOW, 0));
    h.fillStyle = grad;
    h.fillRect(0, 0, side, side);
    // Faint pixel boundaries: it is a grid of 784 neurons, not a photo. Painted at the
    // same device-pixel offset as on the canvas, so they land exactly where they would.
    const ox = Math.floor(gx * dpr), oy = Math.floor(gy * dpr);
    this.cellsAt = [ox / dpr, oy / dpr];
    this.cells.width = Math.ceil((gx + g) * dpr) - ox + 2;
    this.cells.height = Math.ceil((gy + g) * dpr) - oy + 2;
    const cc = this.cells.getContext('2d');
    cc.setTransform(dpr, 0, 0, dpr, -ox, -oy);
    cc.beginPath();
    for (let k = 1; k < SIDE; k++) {
      cc.moveTo(gx + k * cell, gy); cc.lineTo(gx + k * cell, gy + g);
      cc.moveTo(gx, gy + k * cell); cc.lineTo(gx + g, gy + k * cell);
    }
    cc.strokeStyle = CELL_LINES;
    cc.lineWidth = 0.5;
    cc.stroke();
  }

  /** Lines into `layer` from every neuron of the layer before, opacity by |w·a|. */
  #denseLines(ctx, layer, state) {
    const { weights } = this.layers[layer - 1];
    const prev = state.shown[layer - 1];
    const nFrom = prev.length, n = this.sizes[layer] * nFrom;
    const alpha = this.alpha;
    let max = 1e-6;
    for (let k = 0; k < n; k++) {
      const c = Math.abs(weights[k] * prev[k % nFrom]);
      if (c > max) max = c;
      alpha[k] = c;
    }
    for (let k = 0; k < n; k++) alpha[k] = 0.04 + 0.9 * (alpha[k] / max) ** 0.75;
    this.#strokeBuckets(ctx, layer, n, (k) => weights[k], (k) => Math.floor(k / nFrom), 1.1, state);
  }

  /** Lines from the inked input pixels to hidden layer 1 (only those: nothing to see from the rest). */
  #inputLines(ctx, state) {
    const { weights, nIn } = this.layers[0];
    const a = state.shown[0];
    const n = this.sizes[1], alpha = this.alpha;
    const quiet = state.pixel !== null && state.pixel !== undefined ? 0.3 : 0.9; // a pixel looked at: the rest step back
    let max = 1e-6;
    for (let i = 0; i < a.length; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        if (a[i] < FAINT_INPUT) { alpha[k] = -1; continue; } // not drawn
        const c = Math.abs(weights[j * nIn + i] * a[i]);
        if (c > max) max = c;
        alpha[k] = c;
      }
    }
    const m = a.length * n;
    for (let k = 0; k < m; k++) if (alpha[k] >= 0) alpha[k] = quiet * (alpha[k] / max) ** 1.2; // only the strong ones stand out
    this.#strokeBuckets(ctx, 1, m, (k) => weights[(k % n) * nIn + Math.floor(k / n)], (k) => k % n, 0.7, state);
  }

  /**
   * Batch lines by sign and opacity level: a handful of paths instead of thousands.
   * Lines 0..m-1 of `layer` (ends in this.lines, opacity in this.alpha, < 0: not drawn);
   * `weight(k)` is line k's weight, `dest(k)` the neuron it goes to. Buckets are
   * painted in the order their first line comes up (lines of different buckets overlap).
   */
  #strokeBuckets(ctx, layer, m, weight, dest, width, state) {
    const { selected } = state;
    const sel = selected && selected.layer === layer ? selected.index : null;
    const dim = selected ? 0.35 : 1; // while inspecting, the other lines step back
    const { alpha, key, order, count, starts, firstSeen } = this;
    const xy = this.lines[layer];
    count.fill(0);
    let kinds = 0;
    for (let k = 0; k < m; k++) {
      key[k] = 0;
      if (alpha[k] < 0) continue;
      const boost = sel === null ? dim : (dest(k) === sel ? 1.6 : 0.12);
      const level = Math.min(LEVELS, Math.round(alpha[k] * boost * LEVELS));
      if (level <= 0) continue;
      const kk = (weight(k) >= 0 ? 1 : -1) * level;
      key[k] = kk;
      if (count[kk + LEVELS + 1]++ === 0) firstSeen[kinds++] = kk;
    }
    // Counting sort: line numbers grouped by bucket, each bucket in drawing order.
    let at = 0;
    for (let b = 0; b < count.length; b++) { const c = count[b]; starts[b] = at; count[b] = at; at += c; }
    for (let k = 0; k < m; k++) if (key[k] !== 0) order[count[key[k] + LEVELS + 1]++] = k;
    ctx.lineCap = 'butt';
    const dashed = !!state.negDashed;
    for (let q = 0; q < kinds; q++) {
      const kk = firstSeen[q], level = Math.abs(kk);
      const s = starts[kk + LEVELS + 1], end = count[kk + LEVELS + 1];
      const colour = rgba(kk > 0 ? state.pos : state.neg, level / LEVELS);
      const w = width * (0.6 + level / LEVELS);
      ctx.beginPath();
      if (dashed && kk < 0) {
        // The colour-blind palette's negatives: stroked dashed, whatever their width.
        for (let t = s; t < end; t++) {
          const o = order[t] * 4;
          ctx.moveTo(xy[o], xy[o + 1]);
          ctx.lineTo(xy[o + 2], xy[o + 3]);
        }
        ctx.setLineDash(DASH);
        ctx.strokeStyle = colour;
        ctx.lineWidth = w;
        ctx.stroke();
        ctx.setLineDash(NO_DASH);
      } else if (w * this.dpr <= 1) {
        // Thinner than a device pixel: the browser draws a faint hairline (the cheap way).
        for (let t = s; t < end; t++) {
          const o = order[t] * 4;
          ctx.moveTo(xy[o], xy[o + 1]);
          ctx.lineTo(xy[o + 2], xy[o + 3]);
        }
        ctx.strokeStyle = colour;
        ctx.lineWidth = w;
        ctx.stroke();
      } else {
        // Wider: each line as the quadrilateral a butt-capped stroke would make, filled
        // in one go (the same pixels, without the browser's stroker).
        const h = w / 2;
        for (let t = s; t < end; t++) {
          const o = order[t] * 4;
          const x0 = xy[o], y0 = xy[o + 1], x1 = xy[o + 2], y1 = xy[o + 3];
          const len = Math.hypot(x1 - x0, y1 - y0) || 1;
          const nx = ((y0 - y1) / len) * h, ny = ((x1 - x0) / len) * h;
          ctx.moveTo(x0 + nx, y0 + ny);
          ctx.lineTo(x1 + nx, y1 + ny);
          ctx.lineTo(x1 - nx, y1 - ny);
          ctx.lineTo(x0 - nx, y0 - ny);
          ctx.closePath();
        }
        ctx.fillStyle = colour;
        ctx.fill();
      }
    }
  }

  /**
   * The signal flowing: on each of the strongest connections into a layer (state.flow.tops),
   * a bright pulse runs from its start to the neuron in the moments before that layer lights.
   */
  #pulses(ctx, { flow, pos, neg }) {
    const { time, tops, light, pulse, only } = flow;
    let drawn = 0;
    for (let l = 1; l < this.sizes.length; l++) {
      if (only !== undefined && l !== only) continue; // a step: only the pulses into its layer
      const s = (time - (light[l] - pulse)) / pulse; // 0..1 along the line
      if (s <= 0 || s >= 1.15 || !tops[l]) continue;
      const xy = this.lines[l], { lines, strength } = tops[l];
      const { weights, nIn } = this.layers[l - 1];
      const u = Math.min(1, s), back = Math.max(0, u - 0.22);
      const fade = s > 1 ? 1 - (s - 1) / 0.15 : 1;
      ctx.lineCap = 'round';
      for (let q = 0; q < lines.length; q++) {
        const k = lines[q], o = k * 4;
        const w = l === 1 ? weights[(k % this.sizes[1]) * nIn + Math.floor(k / this.sizes[1])] : weights[k];
        const x0 = xy[o], y0 = xy[o + 1], dx = xy[o + 2] - x0, dy = xy[o + 3] - y0;
        const a = fade * (0.45 + 0.55 * strength[q]);
        // A short bright streak with a white head: the signal, coloured by its weight's sign.
        ctx.strokeStyle = rgba(w >= 0 ? pos : neg, a);
        ctx.lineWidth = 1.5 + 2 * strength[q];
        ctx.beginPath();
        ctx.moveTo(x0 + dx * back, y0 + dy * back);
        ctx.lineTo(x0 + dx * u, y0 + dy * u);
        ctx.stroke();
        ctx.fillStyle = `rgba(255, 255, 255, ${a})`;
        ctx.beginPath();
        ctx.arc(x0 + dx * u, y0 + dy * u, 1.5 + 1.5 * strength[q], 0, Math.PI * 2);
        ctx.fill();
        drawn++;
      }
    }
    this.painted.pulses = drawn;
  }

  /** Input pixel state.pixel: its cell outlined, and its weights into the first layer (16 in the video's) drawn bold. */
  #pixelWeights(ctx, { pixel, pos, neg, hilite }) {
    const { gx, gy, cell, layers, r } = this.geo;
    const SIDE = this.side;
    const { weights, nIn } = this.layers[0];
    const to = layers[1];
    const px = gx + (pixel % SIDE + 0.5) * cell, py = gy + (Math.floor(pixel / SIDE) + 0.5) * cell;
    let max = 1e-6;
    for (let j = 0; j < to.length; j++) max = Math.max(max, Math.abs(weights[j * nIn + pixel]));
    ctx.lineCap = 'round';
    for (let j = 0; j < to.length; j++) {
      const w = weights[j * nIn + pixel], m = Math.abs(w) / max;
      ctx.strokeStyle = rgba(w >= 0 ? pos : neg, 0.35 + 0.65 * m);
      ctx.lineWidth = 0.8 + 2.6 * m;
      ctx.beginPath();
      ctx.moveTo(px, py);
      ctx.lineTo(to[j].x - r, to[j].y);
      ctx.stroke();
    }
    ctx.strokeStyle = rgba(hilite);
    ctx.lineWidth = 2;
    ctx.strokeRect(gx + (pixel % SIDE) * cell - 1, gy + Math.floor(pixel / SIDE) * cell - 1, cell + 2, cell + 2);
    this.painted.pixelLines = to.length;
  }

  #inputGrid(ctx, a) {
    const { gx, gy, g } = this.geo;
    const d = this.pixelData.data;
    for (let i = 0; i < a.length; i++) {
      const t = Math.min(1, Math.max(0, a[i]));
      d[i * 4] = mixChannel(0, t);
      d[i * 4 + 1] = mixChannel(1, t);
      d[i * 4 + 2] = mixChannel(2, t);
      d[i * 4 + 3] = 255;
    }
    this.pixelsCtx.putImageData(this.pixelData, 0, 0);
    ctx.imageSmoothingEnabled = false; // crisp pixels, as the network sees them
    ctx.drawImage(this.pixels, gx, gy, g, g);
    ctx.drawImage(this.cells, this.cellsAt[0], this.cellsAt[1], this.cells.width / this.dpr, this.cells.height / this.dpr);
    ctx.imageSmoothingEnabled = true;
    ctx.strokeStyle = FRAME;
    ctx.lineWidth = 1;
    ctx.strokeRect(gx, gy, g, g);
  }

  #neurons(ctx, layer, { shown, selected, prediction, hilite, silenced }) {
    const { r, digitFonts } = this.geo;
    const acts = shown[layer];
    // This layer's silenced neurons (a few at most: no lookup table per frame).
    const off = silenced && silenced.length ? silenced.filter(([l]) => l === layer).map(([, i]) => i) : NONE;
    const last = layer === this.sizes.length - 1;
    const points = this.geo.layers[layer];
    const hs = this.haloSide;
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const a = Math.min(1, Math.max(0, acts[i]));
      if (a > 0.03) {
        ctx.globalAlpha = a;
        ctx.drawImage(this.halo, p.x - hs / 2, p.y - hs / 2, hs, hs);
        ctx.globalAlpha = 1;
      }
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
      ctx.fillStyle = `rgb(${mixChannel(0, a)}, ${mixChannel(1, a)}, ${mixChannel(2, a)})`;
      ctx.fill();
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = RING;
      ctx.stroke();
      if (off.length && off.includes(i)) this.#silencedMark(ctx, p, r);
      else if (acts[i] > 1) this.#valueMark(ctx, p, r, acts[i]);
      const isSel = !!selected && selected.layer === layer && selected.index === i;
      const isWinner = last && prediction === i;
      if (isSel || isWinner) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, r + 3.5, 0, Math.PI * 2);
        ctx.lineWidth = 2;
        ctx.strokeStyle = isSel ? rgba(hilite) : rgba(GLOW, 0.95);
        ctx.stroke();
      }
      if (isWinner) {
        // The winner boxed, neuron and digit together, as in the video.
        const pad = r + 5, wide = r + 8 + this.geo.digitPx * 0.7 + 3;
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = rgba(GLOW, 0.8);
        ctx.strokeRect(p.x - pad, p.y - pad, pad + wide, 2 * pad);
      }
      if (last) {
        ctx.font = digitFonts[isWinner ? 1 : 0];
        ctx.textBaseline = 'middle';
        ctx.textAlign = 'left';
        ctx.fillStyle = isWinner ? '#ffffff' : `rgba(220, 230, 250, ${0.45 + 0.55 * a})`;
        ctx.fillText(String(i), p.x + r + 8, p.y);
      }
    }
  }

  /**
   * A neuron above 1 (a ReLU's: it has no ceiling) is drawn at full brightness, as 1 would be; its
   * value is written on it, so 1.2 and 7 do not look the same.
   */
  #valueMark(ctx, p, r, a) {
    this.painted.overOne = (this.painted.overOne || 0) + 1; // (draw() starts each picture without one)
    if (r < VALUE_MIN_R) return;
    const text = a < 9.95 ? a.toFixed(1) : String(Math.round(a));
    let px = Math.max(7, Math.round(r * 0.95));
    ctx.font = `700 ${px}px ${this.font}`;
    const room = 2 * r - 2;
    const w = ctx.measureText(text).width;
    if (w > room) {
      px = Math.max(6, Math.floor((px * room) / w));
      ctx.font = `700 ${px}px ${this.font}`;
    }
    ctx.fillStyle = VALUE_INK;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, p.x, p.y + 0.5);
  }

  /** A silenced neuron: dark, with a dashed ring and a slash (it is held at 0, whatever comes in). */
  #silencedMark(ctx, p, r) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
    ctx.fillStyle = `rgb(${DARK[0]}, ${DARK[1]}, ${DARK[2]})`;
    ctx.fill();
    ctx.strokeStyle = SILENCED;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(SILENCED_DASH);
    ctx.stroke();
    ctx.setLineDash(NO_DASH);
    const d = r * 0.62;
    ctx.beginPath();
    ctx.moveTo(p.x - d, p.y + d);
    ctx.lineTo(p.x + d, p.y - d);
    ctx.lineCap = 'round';
    ctx.lineWidth = Math.max(1.5, r * 0.22);
    ctx.stroke();
    this.painted.silenced += 1;
  }

  #labels(ctx) {
    if (!this.labelFit) this.labelFit = this.#fitLabels(ctx);
    const { names, font, xs, boxes } = this.labelFit;
    Object.assign(this.painted, { labels: names, labelFont: font, labelBoxes: boxes });
    ctx.font = font;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillStyle = LABEL;
    for (let l = 0; l < names.length; l++) ctx.fillText(names[l], xs[l], this.geo.labelY);
  }

  /**
   * Where the layers' names go: each centred under its layer, then nudged sideways
   * (inside the canvas, LABEL_GAP px from its neighbours, at most LABEL_SHIFT of its
   * width from its layer), in the first wording and font size (labelTries) that fits.
   * Measured in the font they are painted in, so an English name that would run into
   * the next one is shortened, never overlapped. Boxes: [left, top, right, bottom] of
   * each name's ink, in CSS pixels.
   */
  #fitLabels(ctx) {
    const { labelX, labelTries, labelY, W } = this.geo;
    let fit = null;
    for (const { set, font } of labelTries) {
      const names = this.labels[set].slice(0, labelX.length);
      ctx.font = font;
      const metrics = names.map((n) => ctx.measureText(n));
      const w = metrics.map((m) => m.width), last = names.length - 1;
      const xs = names.map((_, l) => Math.max(2, Math.min(W - 2 - w[l], labelX[l] - w[l] / 2)));
      for (let l = 1; l <= last; l++) xs[l] = Math.max(xs[l], xs[l - 1] + w[l - 1] + LABEL_GAP);
      if (xs[last] + w[last] > W - 2) xs[last] = W - 2 - w[last];
      for (let l = last - 1; l >= 0; l--) xs[l] = Math.min(xs[l], xs[l + 1] - LABEL_GAP - w[l]);
      const boxes = metrics.map((m, l) => [
        xs[l], labelY - m.actualBoundingBoxAscent, xs[l] + w[l], labelY + m.actualBoundingBoxDescent,
      ].map((v) => Math.round(v * 10) / 10));
      fit = { names, font, xs, boxes };
      const near = xs.every((x, l) => Math.abs(x + w[l] / 2 - labelX[l]) <= LABEL_SHIFT * w[l] + 2);
      if (xs[0] >= 2 && near) break;
    }
    return fit;
  }
}
