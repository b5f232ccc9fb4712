// Signed values as a picture, as in the video: green for positive, red for
// negative (blue/orange in the colour-blind palette), brightness for size.
// Used for a neuron's incoming weights, for weight × input, and for the
// edge detector's painted weights. With `marks`, each clearly signed cell also
// carries a "+" or "−", so the sign can be read without telling colours apart
// (cells too small for a "+" carry only the "−": a dash, as on a negative line).

import { POS, NEG } from '../ui/colors.js';
import { fitCanvas } from '../ui/canvas.js';

const MARK_MIN = 0.25;   // cells weaker than this (of the strongest) get no mark: noise, not a sign
const MARK_CELL = 6;     // CSS pixels: smaller cells are too small for a "+", and get only the "−"
const DASH_CELL = 3;     // ...and smaller than this, nothing

/**
 * Paint `values` (row-major rows x cols) on `canvas`. Brightness is |v| / max|v|
 * so the strongest value is full colour; `max` can be given to share a scale.
 * `marks`: draw "+"/"−" on the cells (where they are big enough to read).
 * `clear`: no background: a cell's colour is as opaque as it is bright, a zero cell is not painted
 * (to lie over something else: the edge detector's weights on the pad).
 * Returns the geometry ({ctx, width, height, cw, ch}) for drawing on top.
 */
export function drawSignedGrid(canvas, values, rows, cols, { max, marks = false, clear = false } = {}) {
  canvas.dataset.rows = String(rows);
  canvas.dataset.cols = String(cols);
  const { ctx, width, height } = fitCanvas(canvas);
  let m = max || 0;
  if (!m) for (const v of values) m = Math.max(m, Math.abs(v));
  m = m || 1;
  ctx.clearRect(0, 0, width, height);
  const cw = width / cols, ch = height / rows;
  const gap = rows <= 8 ? Math.max(2, cw * 0.08) : 0; // few big cells: show them as separate neurons
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      const t = Math.min(1, Math.abs(v) / m) ** 0.8; // a little lift so mid values stay visible
      const [R, G, B] = v >= 0 ? POS : NEG;
      if (clear && !t) continue;
      ctx.fillStyle = clear ? `rgba(${R}, ${G}, ${B}, ${t})`
        : `rgb(${Math.round(6 + R * t)}, ${Math.round(8 + G * t)}, ${Math.round(14 + B * t)})`;
      // Whole-pixel edges: no hairline seams between neighbouring cells.
      const x0 = Math.round(c * cw + gap / 2), y0 = Math.round(r * ch + gap / 2);
      const x1 = Math.round((c + 1) * cw - gap / 2), y1 = Math.round((r + 1) * ch - gap / 2);
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    }
  }
  if (gap) {
    ctx.strokeStyle = 'rgba(170, 190, 230, 0.25)';
    ctx.lineWidth = 1;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        ctx.strokeRect(Math.round(c * cw + gap / 2) + 0.5, Math.round(r * ch + gap / 2) + 0.5,
          Math.round(cw - gap) - 1, Math.round(ch - gap) - 1);
      }
    }
  }
  if (marks && Math.min(cw, ch) >= DASH_CELL) drawMarks(ctx, values, rows, cols, cw, ch, m);
  return { ctx, width, height, cw, ch };
}

/** "+" and "−" in the middle of the clearly signed cells, dark on the bright ones (also for explain.js's maps). */
export function drawMarks(ctx, values, rows, cols, cw, ch, m) {
  const s = Math.min(cw, ch);
  const small = s < MARK_CELL;
  const arm = small ? s * 0.34 : Math.max(1.5, s * 0.2);
  const plus = new Path2D(), minus = new Path2D();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      if (Math.abs(v) / m < MARK_MIN || (small && v > 0)) continue;
      const x = (c + 0.5) * cw, y = (r + 0.5) * ch;
      const path = v > 0 ? plus : minus;
      path.moveTo(x - arm, y); path.lineTo(x + arm, y);
      if (v > 0) { path.moveTo(x, y - arm); path.lineTo(x, y + arm); }
    }
  }
  ctx.lineCap = 'round';
  ctx.lineWidth = small ? Math.max(1, s * 0.22) : Math.max(1, s * 0.11);
  ctx.strokeStyle = 'rgba(4, 7, 16, 0.72)';
  ctx.stroke(plus);
  ctx.stroke(minus);
}
