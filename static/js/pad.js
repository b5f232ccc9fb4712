// The drawing pad: records strokes as vectors (the grid is made from these,
// not from the pad's pixels) and paints them, sharp on high-DPI screens.
// Points are kept as fractions of the pad's side, so a resize keeps the drawing.
// A drawing opened from a share link has no strokes, only its 28x28 grid: the
// pad shows that grid scaled up, and the first new stroke starts afresh.

import { onPixelRatioChange } from './canvas.js';

const PEN = 0.05;         // pen width on the pad, as a fraction of its side
const MIN_STEP = 0.002;   // ignore moves shorter than this: they add points, not shape
const GRID_SIDE = 28;     // a shared drawing is the network's 28x28 input...
const UPSCALE = 8;        // ...painted from a copy 8 times larger, edges sharpened

export class Pad extends EventTarget {
  constructor(canvas) {
    super();
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.strokes = [];
    this.image = null;     // 784 values (k/255) of a shared drawing shown instead of strokes
    this.replaced = null;  // the shared drawing a new stroke replaced: Undo brings it back
    this.tile = null;      // `image`, scaled up and sharpened, ready to paint
    this.tileOf = null;    // the image `tile` was made from
    this.crisp = null;     // the image to paint as square pixels (random noise), if `image` is that
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
   * Show a drawing known only as its 28x28 grid (from a share link), replacing everything.
   * `kind` names the change ('load': a link; 'noise': random pixels); `crisp` paints the
   * grid as the network's square pixels instead of smoothing it back into ink.
   */
  showGrid(values, { kind = 'load', crisp = false } = {}) {
    this.strokes = [];
    this.image = Array.from(values);
    this.crisp = crisp ? this.image : null;
    this.replaced = null;
    this.pointerId = null;
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
    c.addEventListener('contextmenu', (e) => e.preventDefault()); // a long press draws, it does not open a menu
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('lostpointercapture', end);
  }

  #style(ctx) {
    ctx.lineWidth = PEN * this.side;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#f4f8ff';
    ctx.shadowColor = 'rgba(88, 196, 221, 0.55)'; // a soft blue glow, as the video's chalk
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

  // The shared grid, smoothly scaled up to the whole pad, in the pen's colour and glow.
  // Bilinear alone blurs 28 pixels into fog; sharpening the interpolated edge
  // (a soft threshold, keeping faint pixels faint) makes it read as ink again.
  #paintImage(ctx) {
    if (this.crisp === this.image) {
      this.#paintPixels(ctx);
      return;
    }
    if (this.tileOf !== this.image) {
      const up = GRID_SIDE * UPSCALE;
      const small = this.#gridCanvas();
      this.tile = this.tile || document.createElement('canvas');
      this.tile.width = this.tile.height = up;
      const tctx = this.tile.getContext('2d', { willReadFrequently: true });
      tctx.imageSmoothingEnabled = true;
      tctx.imageSmoothingQuality = 'high';
      tctx.clearRect(0, 0, up, up);
      tctx.drawImage(small, 0, 0, up, up);
      const big = tctx.getImageData(0, 0, up, up);
      const d = big.data;
      for (let i = 3; i < d.length; i += 4) {
        const a = d[i] / 255;
        const t = Math.min(1, Math.max(0, (a - 0.2) / 0.3));
        d[i] = Math.round(255 * Math.max(0.45 * a, t * t * (3 - 2 * t)));
      }
      tctx.putImageData(big, 0, 0);
      this.tileOf = this.image;
    }
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.tile, 0, 0, this.canvas.width, this.canvas.height);
  }

  // The grid as it is: 784 square pixels (random noise is no ink to smooth).
  #paintPixels(ctx) {
    const small = this.#gridCanvas();
    ctx.save();
    ctx.shadowBlur = 0;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
    ctx.restore();
  }

  // The 784 values of this.image as a 28x28 canvas: ink in the pen's colour, its value as alpha.
  #gridCanvas() {
    const small = document.createElement('canvas');
    small.width = small.height = GRID_SIDE;
    const sctx = small.getContext('2d');
    const img = sctx.createImageData(GRID_SIDE, GRID_SIDE);
    for (let i = 0; i < GRID_SIDE * GRID_SIDE; i++) img.data.set([244, 248, 255, Math.round(this.image[i] * 255)], i * 4);
    sctx.putImageData(img, 0, 0);
    return small;
  }
}
