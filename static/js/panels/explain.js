// "Why this answer?": for the drawing on the pad, the winning digit and the runner-up, each
// with a 28x28 map of how much every pixel of the network's input pushed that digit's
// weighted sum up (green) or down (red) — POST /api/explain, gradient × input on the server —
// drawn smoothed over a faint, outlined copy of that input, and what one touch of the pen would
// change: only advice the server tried on the network and found to work, else "no close second".
// It asks the same question as the live prediction (the same pixels and pre-processing
// switch, and asked.js's network, silenced neurons and snapshot), once the pen is up.

import { explain } from '../core/api.js';
import { asked, onAskedChange } from '../core/asked.js';
import { POS, NEG, HILITE, rgba } from '../ui/colors.js';
import { SIDE } from '../core/digit.js';
import { t } from '../ui/i18n.js';
import { palette } from '../ui/palette.js';
import { SidePanel } from './side_panel.js';
import { drawMarks } from './weight_image.js';

// A pixel's place in words, as mlp/explain.py's region() names it (its REGION_ROWS and
// REGION_COLS, the one home of the words: the reply's sentence regions come from there;
// the maps' descriptions use this copy, and the e2e test checks they agree).
const ROWS = ['top', 'middle', 'bottom'];
const COLS = ['left', 'centre', 'right'];
const WAIT_MS = 250; // after the pen lifts (or the question changes): one request, not one per stroke
const FAINT = 0.3;   // the input's ink under the map: this share of full white

/** (row word, column word) of pixel `i`, as mlp.explain.region. */
export function region(i) {
  const r = Math.floor(i / SIDE), c = i % SIDE;
  return [ROWS[Math.min(Math.floor((r * 3) / SIDE), 2)], COLS[Math.min(Math.floor((c * 3) / SIDE), 2)]];
}

/** "the top right", in the page's language, for a [row, col] pair of region words. */
export const place = ([row, col]) => t(`explain.place.${row}.${col}`);

/** The index of the largest (`sign` 1) or the most negative (`sign` -1) value; -1 when none has that sign. */
function strongest(values, sign) {
  let best = -1, most = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] * sign;
    if (v > most) { most = v; best = i; }
  }
  return best;
}

/**
 * Paint a map (784 signed values) over a faint copy of `input` (784 values 0..1) on `canvas`:
 * each cell starts as the input's grey and turns to the sign's colour as |value| / max|value|
 * grows (max: the map's own largest). The 28x28 picture is drawn smoothed (a person sees where
 * the pushes are, not a speckle), then the drawing's outline over it (where the ink is). The
 * backing store is a whole, odd number of device pixels per cell, so the pixel at each cell's
 * centre is that cell's own colour (the e2e tests read it). `ring`: a pixel to circle (where
 * the sentence says to add or take away ink; -1: none). Returns the scale used.
 */
function paintMap(canvas, values, input, { ring = -1 } = {}) {
  const dpr = window.devicePixelRatio || 1;
  const box = canvas.getBoundingClientRect();
  let cell = Math.max(1, Math.floor((box.width * dpr) / SIDE));
  if (cell > 1 && cell % 2 === 0) cell -= 1;
  const side = SIDE * cell;
  if (canvas.width !== side || canvas.height !== side) canvas.width = canvas.height = side;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  const scale = m || 1;
  const small = new ImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = values[i], ink = Math.min(1, Math.max(0, input ? input[i] : 0));
    const s = Math.min(1, Math.abs(v) / scale) ** 0.8; // a little lift so mid values stay visible
    const base = 8 + 255 * FAINT * ink;
    const [R, G, B] = v >= 0 ? POS : NEG;
    small.data.set([Math.round(base + (R - base) * s), Math.round(base + 4 + (G - base - 4) * s),
      Math.round(base + 12 + (B - base - 12) * s), 255], i * 4);
  }
  const tiny = document.createElement('canvas');
  tiny.width = tiny.height = SIDE;
  tiny.getContext('2d').putImageData(small, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'low'; // bilinear: exact at each cell's centre
  ctx.clearRect(0, 0, side, side);
  ctx.drawImage(tiny, 0, 0, side, side);
  if (input) outline(ctx, input, cell, dpr);
  // The sign without colour in the colour-blind palette: "+" and "−" on the strong cells.
  if (palette() === 'cb') drawMarks(ctx, values, SIDE, SIDE, cell, cell, scale);
  if (ring >= 0) {
    const x = (ring % SIDE + 0.5) * cell, y = (Math.floor(ring / SIDE) + 0.5) * cell;
    ctx.strokeStyle = rgba(HILITE);
    ctx.lineWidth = 2 * dpr;
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.beginPath();
    ctx.arc(x, y, 1.7 * cell, 0, Math.PI * 2); // the 3x3 patch the server tried
    ctx.stroke();
    ctx.setLineDash([]);
  }
  return m;
}

/** The drawing's outline: a line along every cell edge between ink (half or more) and no ink. */
function outline(ctx, input, cell, dpr) {
  const inked = (r, c) => r >= 0 && c >= 0 && r < SIDE && c < SIDE && input[r * SIDE + c] >= 0.5;
  const path = new Path2D();
  for (let r = 0; r <= SIDE; r++) {
    for (let c = 0; c <= SIDE; c++) {
      if (inked(r, c) !== inked(r - 1, c) && c < SIDE) { path.moveTo(c * cell, r * cell); path.lineTo((c + 1) * cell, r * cell); }
      if (inked(r, c) !== inked(r, c - 1) && r < SIDE) { path.moveTo(c * cell, r * cell); path.lineTo(c * cell, (r + 1) * cell); }
    }
  }
  ctx.lineWidth = Math.max(1, 1.25 * dpr);
  ctx.strokeStyle = 'rgba(235, 240, 255, 0.75)';
  ctx.stroke(path);
}

/** A glow (0..1) as the page's bars say it: a whole percentage. */
const pct = (a) => Math.round(a * 100);

/**
 * What would change the answer, in words: each piece of advice the server tried and found to
 * flip the answer to the runner-up, or nearly (mlp/explain.py); else that there is no close second.
 */
export function adviceText(r) {
  const [winner, runnerUp] = r.digits;
  const parts = [];
  for (const [tip, where] of [[r.add_ink, 'add'], [r.remove_ink, 'remove']]) {
    if (tip.result !== 'flips' && tip.result !== 'nearly') continue;
    const params = {
      [where]: place(tip.region), towards: runnerUp, reads: tip.reads,
      pReads: pct(tip.after[0]), pTowards: pct(tip.after[1]),
    };
    parts.push(t(`explain.${where}.${tip.result}`, params)); // explain.add.flips, explain.remove.nearly...
  }
  if (parts.length === 2) return t('explain.both', { first: parts[0], second: parts[1] });
  if (parts.length) return parts[0];
  return t('explain.noClose', { from: winner, towards: runnerUp, pFrom: pct(r.outputs[0]), pRunner: pct(r.outputs[1]) });
}

/** Whether the server found this piece of advice to work (the ring is drawn only then). */
const works = (tip) => tip.result === 'flips' || tip.result === 'nearly';

export class ExplainPanel extends SidePanel {
  /**
   * @param {HTMLElement} root  the panel (starts hidden)
   * @param {object} options  drawing (drawing.js): asked as the live prediction asks it (the same
   *                          pixels and pre-processing switch), once the pen is up
   */
  constructor(root, { drawing }) {
    super(root);
    this.drawing = drawing;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      status: $('[data-testid="explain-status"]'),
      maps: [$('[data-testid="explain-map-0"]'), $('[data-testid="explain-map-1"]')],
      captions: [$('[data-testid="explain-caption-0"]'), $('[data-testid="explain-caption-1"]')],
      sentence: $('[data-testid="explain-sentence"]'),
      figures: $('.explain-maps'),
    };
    this.reply = null;  // the newest explanation shown: {..., input}
    this.asking = 0;    // the newest request's number: older replies are dropped
    this.pending = false; // a request is on its way
    this.timer = null;
    this.stale = true;  // the drawing or the question changed since the reply shown
    this.state = 'empty';
    this.error = '';    // why the last request failed
    new ResizeObserver(() => this.#render()).observe(root);
    onAskedChange(() => this.changed()); // a neuron silenced, another snapshot: another question
    // While the pen is down the maps shown are an older drawing's; it is asked again once the pen lifts.
    drawing.onChange((kind) => { if (kind === 'ink' || kind === 'fresh') this.drawingNow(); else this.changed(); });
    drawing.onStrokeEnd(() => this.changed());
    drawing.onInputChange(() => this.changed());
  }

  /** Open the panel, the focus on its title (Escape gives it back to `opener`), and ask at once. */
  open(opener, options) {
    super.open(opener, options);
    if (this.stale || !this.reply) this.#ask(); else this.#render();
  }

  onClose() { this.#cancel(); }

  /** The pen is down: the maps shown are of an older drawing until it lifts. */
  drawingNow() {
    this.stale = true;
    this.#cancel();
    if (this.isOpen) this.#setState('drawing');
  }

  /** The drawing (pen up, undo, clear...) or the question (asked.js) changed: ask again, shortly. */
  changed() {
    this.stale = true;
    this.#cancel();
    if (!this.isOpen) return;
    this.#setState('asking');
    this.timer = setTimeout(() => { this.timer = null; this.#ask(); }, WAIT_MS);
  }

  /** The language: the same explanation, told again. */
  relabel() { this.#render(); }

  /** The palette: the same explanation, in its colours. */
  repaint() { this.#render(); }

  /** No question waits, and the answer to one on its way will be dropped (it is of an older drawing). */
  #cancel() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending) {
      this.asking += 1;
      this.pending = false;
      this.stale = true;
    }
  }

  #setState(state) {
    this.state = state;
    this.root.dataset.state = state;
    this.#status();
  }

  async #ask() {
    const pixels = this.drawing.grid(), preprocess = !this.drawing.raw, empty = this.drawing.isEmpty;
    const n = ++this.asking;
    this.stale = false;
    if (empty) {
      this.reply = null;
      this.#setState('empty');
      this.#render();
      return;
    }
    this.#setState('asking');
    this.pending = true;
    const options = { preprocess, ...asked() };
    try {
      // One question: the reply carries the input the network saw (after the pre-processing) too.
      const why = await explain(pixels, options);
      if (n !== this.asking) return; // a newer question is on its way
      this.pending = false;
      this.reply = why;
      this.#setState(why.empty ? 'empty' : 'ready');
      this.#render();
    } catch (err) {
      if (n !== this.asking) return;
      this.pending = false;
      this.stale = true; // ask again next time
      this.error = err.message;
      this.#setState('error');
    }
  }

  #status() {
    const { status } = this.el;
    // While drawing or asking again, the maps shown dim (explain.css) and nothing is said: a
    // screen reader hears the new sentence when it comes, not a status on every stroke.
    const quiet = this.reply && (this.state === 'drawing' || this.state === 'asking');
    const key = quiet ? null
      : { empty: 'explain.empty', asking: 'explain.asking', drawing: 'explain.drawing', error: 'explain.error' }[this.state];
    status.textContent = key ? t(key, { error: this.error || '' }) : '';
    status.hidden = !key;
  }

  #render() {
    this.#status();
    if (!this.isOpen) return;
    const r = this.reply;
    const shown = !!r && !r.empty;
    this.el.figures.hidden = !shown;
    this.el.sentence.hidden = !shown;
    if (!shown) {
      this.el.sentence.textContent = '';
      for (const c of this.el.maps) delete c.dataset.values;
      return;
    }
    const [winner, runnerUp] = r.digits;
    r.maps.forEach((values, k) => {
      const canvas = this.el.maps[k], digit = r.digits[k];
      const tip = k === 0 ? r.remove_ink : r.add_ink;
      const ring = works(tip) ? tip.pixel : -1;
      const max = paintMap(canvas, values, r.input, { ring });
      Object.assign(canvas.dataset, { digit: String(digit), max: String(max), values: values.join(','), ring: String(ring) });
      this.el.captions[k].textContent = t(k === 0 ? 'explain.winner' : 'explain.runnerUp', { digit });
      canvas.setAttribute('aria-label', this.#describe(values, digit, k, ring >= 0));
    });
    this.el.sentence.dataset.digits = `${winner},${runnerUp}`;
    this.el.sentence.dataset.close = String(works(r.add_ink) || works(r.remove_ink)); // a close second
    const sentence = adviceText(r);
    // Written only when it changes: a repaint (a resize) must not make a screen reader say it again.
    if (this.el.sentence.textContent !== sentence) this.el.sentence.textContent = sentence;
  }

  /** A map for a screen reader: the digit, where its strongest green and red are, and its ring if drawn. */
  #describe(values, digit, k, ringed) {
    const up = strongest(values, 1), down = strongest(values, -1);
    const role = t(k === 0 ? 'explain.winner' : 'explain.runnerUp', { digit });
    const parts = [
      up >= 0 ? t('explain.map.up', { digit, place: place(region(up)) }) : t('explain.map.noUp', { digit }),
      down >= 0 ? t('explain.map.down', { digit, place: place(region(down)) }) : t('explain.map.noDown', { digit }),
    ];
    if (ringed) parts.push(t(k === 0 ? 'explain.map.ringRemove' : 'explain.map.ringAdd'));
    return t('explain.map.label', { role, parts: parts.join(t('explain.map.join')) });
  }
}
