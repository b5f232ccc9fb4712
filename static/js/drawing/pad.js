// The drawing pad: records strokes as vectors (the grid is made from these,
// not from the pad's pixels) and paints them, sharp on high-DPI screens.
// Points are kept as fractions of the pad's side, so a resize keeps the drawing.
// A drawing opened from a share link has no strokes, only its 28x28 grid: the
// pad shows that grid as it is (784 square pixels), and the first new stroke starts afresh.

import { onPixelRatioChange } from '../ui/canvas.js';
import { BLUE, INK_COLOUR, rgba } from '../ui/colors.js';
import { SIDE as GRID_SIDE } from '../core/digit.js'; // a shared drawing is the network's 28x28 input

export const PAD_PEN = 0.05;  // pen width on the pad, as a fraction of its side (not the digit's PEN)
export const DOT = 0.004; // strokes within this fraction of the pad are a dot, not a shape (the grid's minExtent)
const MIN_STEP = 0.002;   // ignore moves shorter than this: they add points, not shape
const CELL_LINES = 'rgba(140, 170, 220, 0.16)'; // its pixels' edges, as on the network's input grid

export class Pad extends EventTarget {
  constructor(canvas) {
    super();
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.strokes = [];
    this.image = null;     // 784 values (k/255) of a shared drawing shown instead of strokes
    this.replaced = null;  // the shared drawing a new stroke replaced: Undo brings it back
    this.pointerId = null;
    this.rect = null;
    this.side = 0;
    this.paintFrame = 0;
    // Strokes already finished (and a shared drawing under them), painted once on
    // `baked`: a frame repaints only the stroke under way on top of it. With the
    // glow (a shadow blur) and no GPU, repainting every stroke on every frame grew
    // with the drawing and took much of the frame.
    this.baked = document.createElement('canvas');
    this.bakedCount = 0;        // strokes painted on `baked`...
    this.bakedImage = undefined; // ...over this shared drawing (or none): another one, and it is made again
    this.#listen();
    new ResizeObserver(() => this.#resize()).observe(canvas);
    onPixelRatioChange(() => this.#resize()); // a sharper screen needs a bigger backing store
    this.#resize();
  }

  get isEmpty() { return this.strokes.length === 0 && this.image === null; }

  /** A stroke is under way (the pen, finger or mouse button is down). */
  get drawing() { return this.pointerId !== null; }

  /**
   * Show a drawing known only as its 28x28 grid (from a share link), replacing everything;
   * painted as the grid it is. `kind` names the change ('load': a link; 'noise': random pixels).
   */
  showGrid(values, { kind = 'load' } = {}) {
    this.strokes = [];
    this.image = Array.from(values);
    this.replaced = null;
    this.pointerId = null;
    this.#redraw();
    this.#emit(kind);
  }

  /**
   * What the pad holds now, to be put back later with put(): its strokes (copied), or a shared drawing's
   * grid (the same array: a grid is never changed in place, and the noise note knows its noise by it).
   */
  contents() {
    return { strokes: this.strokes.map((s) => s.map((p) => ({ ...p }))), image: this.image, replaced: this.replaced };
  }

  /**
   * Show `contents` (what contents() gave, or a sample's strokes: points as fractions of the pad's
   * side) in place of the drawing, as one change of `kind` ('sample': the lesson's; 'restore': put back).
   */
  put({ strokes = [], image = null, replaced = null }, { kind }) {
    this.strokes = strokes.map((s) => s.map((p) => ({ x: p.x, y: p.y })));
    this.image = image;
    this.replaced = replaced;
    this.pointerId = null;
    this.bakedCount = Infinity; // other strokes, maybe as many: everything is painted afresh
    this.#redraw();
    this.#emit(kind);
  }

  /** Remove the last stroke (the one being drawn, if any); the first one gives back a shared drawing it replaced. */
  undo() {
    if (this.isEmpty) return;
    if (this.strokes.length) {
      this.strokes.pop();
      if (!this.strokes.length && this.replaced) [this.image, this.replaced] = [this.replaced, null];
    } else {
      this.image = null;
    }
    this.pointerId = null;
    this.#redraw();
    this.#emit('undo');
  }

  clear() {
    if (this.isEmpty) return;
    this.strokes = [];
    this.image = this.replaced = null;
    this.pointerId = null;
    this.#redraw();
    this.#emit('clear');
  }

  #emit(kind) {
    this.dispatchEvent(new CustomEvent('change', { detail: { kind } }));
  }

  #resize() {
    const rect = this.canvas.getBoundingClientRect();
    if (this.pointerId !== null) this.rect = rect; // mid-stroke: the rest of it in the new place
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(rect.width * dpr));
    const h = Math.max(1, Math.round(rect.height * dpr));
    if (w === this.canvas.width && h === this.canvas.height) return;
    this.canvas.width = w; // the backing store in device pixels: crisp strokes
    this.canvas.height = h;
    this.side = w; // square pad: one side is enough
    this.#redraw();
  }

  #point(e) {
    const r = this.rect;
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  }

  #listen() {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (this.pointerId !== null) return;            // one stroke at a time (ignore a second finger)
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      e.preventDefault();
      c.setPointerCapture(e.pointerId);                // keep the stroke even if it leaves the pad
      this.pointerId = e.pointerId;
      this.rect = c.getBoundingClientRect();           // once per stroke: no layout reads per move
      const p = this.#point(e);
      const fresh = this.image !== null;
      if (fresh) {
        // Strokes cannot be added to a picture: a new drawing starts on a clean pad.
        this.replaced = this.image;
        this.image = null;
      }
      this.strokes.push([p]);
      this.#requestPaint();
      this.#emit(fresh ? 'fresh' : 'ink');
    });
    c.addEventListener('pointermove', (e) => {
      if (e.pointerId !== this.pointerId) return;
      const stroke = this.strokes[this.strokes.length - 1];
      // Coalesced events carry the in-between positions a fast pen visits within one frame.
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      let added = false;
      for (const ev of events.length ? events : [e]) {
        const p = this.#point(ev);
        const last = stroke[stroke.length - 1];
        if (Math.hypot(p.x - last.x, p.y - last.y) < MIN_STEP) continue;
        stroke.push(p);
        added = true;
      }
      if (added) {
        this.#requestPaint();
        this.#emit('ink');
      }
    });
    const end = (e) => {
      if (e.pointerId !== this.pointerId) return;
      this.pointerId = null;
      this.dispatchEvent(new CustomEvent('strokeend'));
    };
    // The pad moved (the window was resized or scrolled) in the middle of a stroke: the rest
    // of the stroke is measured where the pad is now, so the stroke keeps its shape.
    const moved = () => { if (this.pointerId !== null) this.rect = c.getBoundingClientRect(); };
    window.addEventListener('resize', moved);
    window.addEventListener('scroll', moved, { passive: true, capture: true });
    c.addEventListener('contextmenu', (e) => e.preventDefault()); // a long press draws, it does not open a menu
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('lostpointercapture', end);
  }

  #style(ctx) {
    ctx.lineWidth = PAD_PEN * this.side;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = rgba(INK_COLOUR);
    ctx.shadowColor = rgba(BLUE, 0.55); // a soft blue glow, as the video's chalk
    ctx.shadowBlur = 0.02 * this.side;
  }

  // Repaint whole strokes, once per frame: painting segment by segment would
  // stack the glow at every joint and show beads along the line.
  #requestPaint() {
    if (this.paintFrame) return;
    this.paintFrame = requestAnimationFrame(() => {
      this.paintFrame = 0;
      this.#redraw();
    });
  }

  #redraw() {
    const { ctx, canvas, baked } = this;
    const finished = Math.max(0, this.strokes.length - 1); // the last stroke may still grow
    const bctx = baked.getContext('2d');
    if (this.bakedCount > finished || this.bakedImage !== this.image
        || baked.width !== canvas.width || baked.height !== canvas.height) {
      // Undo, Clear, another shared drawing or a resize: paint what stays from scratch.
      baked.width = canvas.width; // (also clears it)
      baked.height = canvas.height;
      this.#style(bctx);
      if (this.image) this.#paintImage(bctx);
      this.bakedCount = 0;
      this.bakedImage = this.image;
    }
    for (; this.bakedCount < finished; this.bakedCount++) this.#paintStroke(bctx, this.strokes[this.bakedCount]);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.shadowBlur = 0; // the baked strokes have their glow already
    ctx.drawImage(baked, 0, 0);
    if (this.strokes.length > finished) {
      this.#style(ctx);
      this.#paintStroke(ctx, this.strokes[finished]);
    }
  }

  /** One whole stroke as one path (its glow painted once, with no beads at the joints). */
  #paintStroke(ctx, stroke) {
    const s = this.side;
    ctx.beginPath();
    ctx.moveTo(stroke[0].x * s, stroke[0].y * s);
    if (stroke.length === 1) ctx.lineTo(stroke[0].x * s + 0.01, stroke[0].y * s);
    for (let i = 1; i < stroke.length; i++) ctx.lineTo(stroke[i].x * s, stroke[i].y * s);
    ctx.stroke();
  }

  // The grid as it is: 784 square pixels, no smoothing (a shared drawing is exactly
  // what the network reads; random noise is no ink to smooth), with faint cell edges.
  #paintImage(ctx) {
    const small = this.#gridCanvas();
    const s = this.canvas.width, cell = s / GRID_SIDE;
    ctx.save();
    ctx.shadowBlur = 0;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, s, this.canvas.height);
    ctx.beginPath();
    for (let k = 1; k < GRID_SIDE; k++) {
      const at = Math.round(k * cell) + 0.5; // on a device pixel: one crisp line
      ctx.moveTo(at, 0); ctx.lineTo(at, s);
      ctx.moveTo(0, at); ctx.lineTo(s, at);
    }
    ctx.strokeStyle = CELL_LINES;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.restore();
  }

  // The 784 values of this.image as a 28x28 canvas: ink in the pen's colour, its value as alpha.
  #gridCanvas() {
    const small = document.createElement('canvas');
    small.width = small.height = GRID_SIDE;
    const sctx = small.getContext('2d');
    const img = sctx.createImageData(GRID_SIDE, GRID_SIDE);
    for (let i = 0; i < GRID_SIDE * GRID_SIDE; i++) img.data.set([...INK_COLOUR, Math.round(this.image[i] * 255)], i * 4);
    sctx.putImageData(img, 0, 0);
    return small;
  }
}
