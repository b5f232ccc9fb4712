// The drawing pad: records strokes as vectors (the grid is made from these,
// not from the pad's pixels) and paints them, sharp on high-DPI screens.
// Points are kept as fractions of the pad's side, so a resize keeps the drawing.

import { onPixelRatioChange } from './canvas.js';

const PEN = 0.05;         // pen width on the pad, as a fraction of its side
const MIN_STEP = 0.002;   // ignore moves shorter than this: they add points, not shape

export class Pad extends EventTarget {
  constructor(canvas) {
    super();
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.strokes = [];
    this.pointerId = null;
    this.rect = null;
    this.side = 0;
    this.paintFrame = 0;
    this.#listen();
    new ResizeObserver(() => this.#resize()).observe(canvas);
    onPixelRatioChange(() => this.#resize()); // a sharper screen needs a bigger backing store
    this.#resize();
  }

  get isEmpty() { return this.strokes.length === 0; }

  /** Remove the last stroke (the one being drawn, if any). */
  undo() {
    if (this.isEmpty) return;
    this.strokes.pop();
    this.pointerId = null;
    this.#redraw();
    this.#emit('undo');
  }

  clear() {
    if (this.isEmpty) return;
    this.strokes = [];
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
      this.strokes.push([p]);
      this.#requestPaint();
      this.#emit('ink');
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
    };
    c.addEventListener('contextmenu', (e) => e.preventDefault()); // a long press draws, it does not open a menu
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('lostpointercapture', end);
  }

  #style() {
    const ctx = this.ctx;
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
    const ctx = this.ctx, s = this.side;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.#style();
    for (const stroke of this.strokes) {
      ctx.beginPath();
      ctx.moveTo(stroke[0].x * s, stroke[0].y * s);
      if (stroke.length === 1) ctx.lineTo(stroke[0].x * s + 0.01, stroke[0].y * s);
      for (let i = 1; i < stroke.length; i++) ctx.lineTo(stroke[i].x * s, stroke[i].y * s);
      ctx.stroke();
    }
  }
}
