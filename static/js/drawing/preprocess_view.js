// The pre-processing, shown: on the pad, how a drawing becomes the network's 28x28 input.
// Stages: the drawing as drawn, its ink's bounding box, scaled so the box fits 20x20,
// its centre of mass moved to the middle (this much the page does, grid.js), averaged
// into 28x28 pixels, then the server's slant correction. The last picture is always the
// server's own activations[0] (what the network really saw), never a guess; the motion
// between the page's grid and it is only a slide of each row towards where its ink went.
// With the "without pre-processing" switch: the pad shrunk to 28x28, where it was drawn.
// A moment after the end state is reached it moves into the pad's corner (data-view="corner"),
// small, so the person sees their own strokes again beside what the network read;
// prefers-reduced-motion: the end state at once, in the corner. A new stroke, Clear or Undo hides it.

import { SIDE, BOX, CENTRE, PEN, bounds, strokesToGrid, strokesAsDrawn } from '../core/grid.js';
import { PAD_PEN, DOT } from './pad.js';
import { t } from '../ui/i18n.js';
import { INK_COLOUR, HILITE, rgba } from '../ui/colors.js';

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const BG = '#0a1022';
const GUIDE = rgba(HILITE, 0.9);           // the boxes and the centre of mass (the page's highlight)
const CELL_LINES = 'rgba(140, 170, 220, 0.16)';

// [stage, start ms] of each mode's timeline; the last entry is the end state.
const TIMELINES = {
  strokes: [['raw', 0], ['box', 450], ['scale', 1050], ['centre', 1850], ['grid', 2550], ['slant', 3100], ['done', 3900]],
  raw: [['raw', 0], ['raw28', 500], ['done', 1300]],
  image: [['image', 0], ['server', 500], ['done', 1400]],
};
const WAIT_FOR = { strokes: 'slant', raw: 'raw28', image: 'server' }; // stages that need the server's grid
const REST_MS = 1600; // the end state is shown over the whole pad this long, then moves to its corner

const ease = (x) => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));

export class PreprocessView {
  /** `canvas`: over the pad; `caption`: the stage's name; `onState(state)`: 'hidden' | 'playing' | 'done'. */
  constructor(canvas, caption, { onState = () => {} } = {}) {
    this.canvas = canvas;
    this.caption = caption;
    this.onState = onState;
    this.job = null;  // what is shown: {mode, strokes, image, sent, seen, ...}
    this.raf = 0;
    this.restTimer = 0;
    this.hide();
    new ResizeObserver(() => { if (this.job) this.#paint(); }).observe(canvas);
  }

  get state() { return this.canvas.dataset.state; }

  /** A drawing is being shown (or waits for the server's grid to be shown). */
  get active() { return this.job !== null; }

  /**
   * Show how this drawing becomes the input. `strokes` (pad fractions) or `image` (784 values);
   * `raw`: without pre-processing. The server's grid comes later (see `seen`).
   */
  play({ strokes = [], image = null, raw = false }) {
    const mode = raw ? 'raw' : image ? 'image' : 'strokes';
    const job = { mode, strokes, image, seen: null, t0: performance.now(), held: 0 };
    if (mode === 'strokes') Object.assign(job, fitOf(strokes));
    else if (mode === 'raw') job.sent = image || strokesAsDrawn(strokes, { pen: PAD_PEN * SIDE });
    else job.sent = image;
    this.job = job;
    clearTimeout(this.restTimer);
    this.restTimer = 0;
    // Reduced motion: nothing in between, the end state as soon as the server's grid is here, in the corner.
    this.canvas.dataset.view = reducedMotion.matches ? 'corner' : 'full';
    this.canvas.hidden = reducedMotion.matches;
    this.#step();
  }

  /** The server's reply for the drawing being shown: its activations[0] is the end state. */
  seen(input) {
    if (!this.job) return;
    this.job.seen = Array.from(input);
    this.job.straight = this.job.sent && this.job.sent.every((v, i) => Math.abs(v - input[i]) < 0.5 / 255);
    if (!this.raf) this.#step();
  }

  /** Straight to the end state (or as far as the server's answer allows). */
  skip() {
    if (!this.job) return;
    this.job.t0 = -Infinity;
    this.#step();
  }

  hide() {
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    clearTimeout(this.restTimer);
    this.restTimer = 0;
    delete this.canvas.dataset.view;
    this.job = null;
    this.canvas.hidden = true;
    this.caption.hidden = true;
    this.caption.textContent = '';
    delete this.canvas.dataset.stage;
    delete this.canvas.dataset.grid;
    this.#setState('hidden');
  }

  /** The language changed: the caption again. */
  relabel() {
    if (this.job) this.#paint();
  }

  /** The end state moves into the pad's corner: the person's own strokes are in view again. */
  #rest() {
    this.restTimer = 0;
    if (!this.job) return;
    this.canvas.dataset.view = 'corner';
    this.caption.hidden = true;
  }

  #setState(state) {
    if (this.canvas.dataset.state === state) return;
    this.canvas.dataset.state = state;
    this.onState(state);
  }

  #step() {
    this.raf = 0;
    const job = this.job;
    if (!job) return;
    if (reducedMotion.matches) {
      if (!job.seen) return; // seen() calls back
      this.canvas.hidden = false;
    }
    const line = TIMELINES[job.mode];
    const end = line[line.length - 1][1];
    let now = reducedMotion.matches ? Infinity : performance.now() - job.t0;
    // The server's grid is not here yet: wait at the stage before it needs it.
    const waitAt = line.find(([s]) => s === WAIT_FOR[job.mode])[1];
    if (!job.seen && now > waitAt) {
      if (Number.isFinite(job.t0)) job.t0 = performance.now() - waitAt;
      now = waitAt;
    }
    job.now = Math.min(now, end);
    this.#paint();
    const done = job.now >= end;
    this.#setState(done ? 'done' : 'playing');
    if (done && this.canvas.dataset.view === 'full' && !this.restTimer) this.restTimer = setTimeout(() => this.#rest(), REST_MS);
    if (!done && (job.seen || job.now < waitAt)) this.raf = requestAnimationFrame(() => this.#step());
  }

  #paint() {
    const job = this.job;
    const line = TIMELINES[job.mode];
    let k = 0;
    while (k + 1 < line.length && job.now >= line[k + 1][1]) k++;
    const [stage, start] = line[k];
    const p = k + 1 < line.length ? ease((job.now - start) / Math.max(1, line[k + 1][1] - start)) : 1;
    this.canvas.dataset.stage = stage;

    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(rect.width * dpr));
    if (this.canvas.width !== w || this.canvas.height !== w) this.canvas.width = this.canvas.height = w;
    const ctx = this.canvas.getContext('2d');
    const u = w / SIDE; // one grid pixel, in device pixels
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = BG;
    ctx.fillRect(0, 0, w, w);
    ctx.setTransform(u, 0, 0, u, 0, 0); // from here on, grid units

    if (job.mode === 'strokes') this.#paintStrokesJob(ctx, stage, p, u);
    else if (stage === 'raw') this.#paintVectors(ctx, job.strokes, (q) => ({ x: q.x * SIDE, y: q.y * SIDE }), PAD_PEN * SIDE);
    else if (stage === 'image') paintGrid(ctx, job.image, 1);
    else this.#paintMorph(ctx, job.sent, job.seen, stage === 'done' ? 1 : p);

    const name = stage === 'done' ? line[line.length - 2][0] : stage;
    const key = name === 'slant' && job.straight ? 'prep.stage.noSlant' : `prep.stage.${name}`;
    this.caption.textContent = t(key);
    this.caption.hidden = this.canvas.dataset.view === 'corner'; // the strokes are the pad's again: no words over them
    if (stage === 'done') this.canvas.dataset.grid = job.seen.map((v) => (Math.round(v * 1000) / 1000).toString()).join(',');
    else delete this.canvas.dataset.grid;
  }

  #paintStrokesJob(ctx, stage, p, u) {
    const job = this.job;
    const { box, fit, shift, com } = job;
    const rawAt = (q) => ({ x: q.x * SIDE, y: q.y * SIDE });
    const fitAt = (q) => ({ x: (q.x - fit.cx) * fit.scale + CENTRE, y: (q.y - fit.cy) * fit.scale + CENTRE });
    const padPen = PAD_PEN * SIDE;
    if (stage === 'raw' || stage === 'box') {
      this.#paintVectors(ctx, job.strokes, rawAt, padPen);
      if (stage === 'box') guideBox(ctx, box.x0 * SIDE - padPen / 2, box.y0 * SIDE - padPen / 2,
        (box.x1 - box.x0) * SIDE + padPen, (box.y1 - box.y0) * SIDE + padPen, p);
    } else if (stage === 'scale') {
      const at = (q) => { const a = rawAt(q), b = fitAt(q); return { x: a.x + (b.x - a.x) * p, y: a.y + (b.y - a.y) * p }; };
      this.#paintVectors(ctx, job.strokes, at, padPen + (PEN - padPen) * p);
      const half = BOX / 2;
      guideBox(ctx, CENTRE - half, CENTRE - half, BOX, BOX, 1); // MNIST's 20x20 box
    } else if (stage === 'centre') {
      const dx = shift.dx * p, dy = shift.dy * p;
      this.#paintVectors(ctx, job.strokes, (q) => { const b = fitAt(q); return { x: b.x + dx, y: b.y + dy }; }, PEN);
      cross(ctx, CENTRE + 0.5, CENTRE + 0.5, 'rgba(255, 255, 255, 0.45)');
      cross(ctx, com.x + 0.5 + dx, com.y + 0.5 + dy, GUIDE);
    } else if (stage === 'grid') {
      // The vectors fade into the 28x28 pixels the page sends.
      paintGrid(ctx, job.sent, p);
      ctx.globalAlpha = 1 - p;
      this.#paintVectors(ctx, job.strokes, (q) => { const b = fitAt(q); return { x: b.x + shift.dx, y: b.y + shift.dy }; }, PEN);
      ctx.globalAlpha = 1;
    } else {
      this.#paintMorph(ctx, job.sent, job.seen, stage === 'done' ? 1 : p);
    }
    void u;
  }

  #paintVectors(ctx, strokes, at, pen) {
    ctx.strokeStyle = ctx.fillStyle = `rgb(${INK_COLOUR.join(',')})`;
    ctx.lineWidth = pen;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const stroke of strokes) {
      const a = at(stroke[0]);
      ctx.beginPath();
      if (stroke.length === 1) {
        ctx.arc(a.x, a.y, pen / 2, 0, Math.PI * 2);
        ctx.fill();
        continue;
      }
      ctx.moveTo(a.x, a.y);
      for (let i = 1; i < stroke.length; i++) { const b = at(stroke[i]); ctx.lineTo(b.x, b.y); }
      ctx.stroke();
    }
  }

  /**
   * From `from` (the grid the page made) to `to` (the server's input) at `p`: each row of
   * `from` slides towards where that row's ink is in `to` and fades out as `to` fades in.
   */
  #paintMorph(ctx, from, to, p) {
    if (!to) { paintGrid(ctx, from, 1); return; }
    if (p >= 1) { paintGrid(ctx, to, 1); return; }
    const src = gridCanvas(from), dst = gridCanvas(to);
    ctx.imageSmoothingEnabled = false;
    for (let r = 0; r < SIDE; r++) {
      const a = rowCentre(from, r), b = rowCentre(to, r);
      const d = a !== null && b !== null ? b - a : 0;
      ctx.globalAlpha = 1 - p;
      ctx.drawImage(src, 0, r, SIDE, 1, d * p, r, SIDE, 1);
      ctx.globalAlpha = p;
      ctx.drawImage(dst, 0, r, SIDE, 1, -d * (1 - p), r, SIDE, 1);
    }
    ctx.globalAlpha = 1;
    cellLines(ctx);
  }
}

/** The page's box fit of these strokes (as grid.js does it), and where the centre of mass goes. */
function fitOf(strokes) {
  const box = bounds(strokes);
  const extent = Math.max(box.x1 - box.x0, box.y1 - box.y0);
  const fit = {
    cx: (box.x0 + box.x1) / 2, cy: (box.y0 + box.y1) / 2,
    scale: extent > DOT ? (BOX - PEN) / extent : 0, // a dot stays a dot
  };
  // The fitted drawing before it is centred, by the same rasterizer: its centre of mass.
  const fitted = strokes.map((s) => s.map((q) => ({
    x: ((q.x - fit.cx) * fit.scale + CENTRE) / SIDE, y: ((q.y - fit.cy) * fit.scale + CENTRE) / SIDE,
  })));
  const g = strokesAsDrawn(fitted, { pen: PEN });
  let total = 0, sr = 0, sc = 0;
  g.forEach((v, i) => { total += v; sr += Math.floor(i / SIDE) * v; sc += (i % SIDE) * v; });
  const com = total > 0 ? { x: sc / total, y: sr / total } : { x: CENTRE, y: CENTRE };
  const shift = { dx: Math.round(CENTRE - com.x), dy: Math.round(CENTRE - com.y) };
  return { box, fit, com, shift, sent: strokesToGrid(strokes, { minExtent: DOT }) };
}

function rowCentre(grid, r) {
  let m = 0, s = 0;
  for (let c = 0; c < SIDE; c++) { const v = grid[r * SIDE + c]; m += v; s += c * v; }
  return m > 0.05 ? s / m : null;
}

function gridCanvas(values) {
  const c = document.createElement('canvas');
  c.width = c.height = SIDE;
  const g = c.getContext('2d');
  const img = g.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) img.data.set([...INK_COLOUR, Math.round(Math.min(1, values[i]) * 255)], i * 4);
  g.putImageData(img, 0, 0);
  return c;
}

function paintGrid(ctx, values, alpha) {
  ctx.imageSmoothingEnabled = false;
  ctx.globalAlpha = alpha;
  ctx.drawImage(gridCanvas(values), 0, 0, SIDE, SIDE);
  ctx.globalAlpha = 1;
  cellLines(ctx);
}

function cellLines(ctx) {
  ctx.beginPath();
  for (let k = 1; k < SIDE; k++) { ctx.moveTo(k, 0); ctx.lineTo(k, SIDE); ctx.moveTo(0, k); ctx.lineTo(SIDE, k); }
  ctx.strokeStyle = CELL_LINES;
  ctx.lineWidth = 0.04;
  ctx.stroke();
}

function guideBox(ctx, x, y, w, h, alpha) {
  ctx.globalAlpha = alpha;
  ctx.setLineDash([0.5, 0.35]);
  ctx.strokeStyle = GUIDE;
  ctx.lineWidth = 0.12;
  ctx.strokeRect(x, y, w, h);
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
}

function cross(ctx, x, y, colour) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 0.15;
  ctx.beginPath();
  ctx.moveTo(x - 1, y); ctx.lineTo(x + 1, y); ctx.moveTo(x, y - 1); ctx.lineTo(x, y + 1);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(x, y, 0.45, 0, Math.PI * 2);
  ctx.stroke();
}
