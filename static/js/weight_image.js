// Signed values as a picture, as in the video: green for positive, red for
// negative, brightness for size. Used for a neuron's incoming weights and for
// weight × input.

import { POS, NEG } from './colors.js';
import { fitCanvas } from './canvas.js';

/**
 * Paint `values` (row-major rows x cols) on `canvas`. Brightness is |v| / max|v|
 * so the strongest value is full colour; `max` can be given to share a scale.
 */
export function drawSignedGrid(canvas, values, rows, cols, { max } = {}) {
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
      ctx.fillStyle = `rgb(${Math.round(6 + R * t)}, ${Math.round(8 + G * t)}, ${Math.round(14 + B * t)})`;
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
}
