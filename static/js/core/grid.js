// Turns the vector strokes of a drawing into the 28x28 grid the network reads,
// the way MNIST digits were made: ink box fitted to 20x20, centre of mass at the
// middle. Working from vectors (not from the pad's pixels) means a small drawing
// is scaled up before it is rasterized, so it keeps its detail.

import { SIDE, BOX, CENTRE, SUPERSAMPLE, PEN, MIN_EXTENT, quantize } from './digit.js';

// The digit's facts (side 28, box 20, centre 14, pen 2.4 grid pixels, supersampling 10) are the
// server's (mlp/digit.py, via digit.js); re-exported here for the modules that draw grids.
export { SIDE, BOX, CENTRE, SUPERSAMPLE, PEN };

let scratch = null; // one offscreen canvas, reused: making one per frame is wasteful

function scratchContext(size) {
  if (!scratch) {
    scratch = typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(size, size)
      : Object.assign(document.createElement('canvas'), { width: size, height: size });
  }
  // willReadFrequently keeps the canvas on the CPU: we read it back every frame.
  return scratch.getContext('2d', { willReadFrequently: true });
}

/** Bounding box of every point of every stroke, or null when there are none. */
export function bounds(strokes) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const stroke of strokes) {
    for (const p of stroke) {
      if (p.x < x0) x0 = p.x;
      if (p.x > x1) x1 = p.x;
      if (p.y < y0) y0 = p.y;
      if (p.y > y1) y1 = p.y;
    }
  }
  return x0 === Infinity ? null : { x0, y0, x1, y1 };
}

/**
 * Strokes -> an Array of 784 values in 0..1 (row-major, 0 = background), each k/255.
 * `strokes` is a list of point lists {x, y} in any unit (y down). Points closer
 * together than `minExtent` count as a single dot (nothing to scale up).
 */
export function strokesToGrid(strokes, { pen = PEN, minExtent = MIN_EXTENT } = {}) {
  const box = bounds(strokes);
  if (!box) return quantize(new Float32Array(SIDE * SIDE));

  // Scale so centre-lines plus the pen's width fill BOX pixels on the longer side.
  const extent = Math.max(box.x1 - box.x0, box.y1 - box.y0);
  const scale = extent > minExtent ? (BOX - pen) / extent : 0; // a dot stays a dot
  const cx = (box.x0 + box.x1) / 2, cy = (box.y0 + box.y1) / 2;
  const k = SUPERSAMPLE;
  const toX = (x) => ((x - cx) * scale + SIDE / 2) * k;
  const toY = (y) => ((y - cy) * scale + SIDE / 2) * k;
  const isTap = (stroke) => !stroke.some((p) => (p.x - stroke[0].x) * scale !== 0 || (p.y - stroke[0].y) * scale !== 0);
  return quantize(centreByMass(rasterize(strokes, pen, toX, toY, isTap)));
}

/**
 * The strokes drawn white on black at SUPERSAMPLE x the grid with a round pen `pen` grid
 * pixels wide, then each k x k block area-averaged (drawImage's smoothing is not an area
 * filter at 10x): 784 values in 0..1, not yet rounded. `toX`, `toY` place a point on the
 * big canvas; `isTap(stroke)` says a stroke never moved (canvas strokes nothing for a
 * zero-length path, so its round cap is drawn as a disc).
 */
function rasterize(strokes, pen, toX, toY, isTap) {
  const k = SUPERSAMPLE, size = SIDE * k;
  const ctx = scratchContext(size);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = '#fff';
  ctx.fillStyle = '#fff';
  ctx.lineWidth = pen * k;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const stroke of strokes) {
    if (stroke.length === 0) continue;
    ctx.beginPath();
    if (isTap(stroke)) {
      ctx.arc(toX(stroke[0].x), toY(stroke[0].y), (pen * k) / 2, 0, Math.PI * 2);
      ctx.fill();
      continue;
    }
    ctx.moveTo(toX(stroke[0].x), toY(stroke[0].y));
    for (let i = 1; i < stroke.length; i++) ctx.lineTo(toX(stroke[i].x), toY(stroke[i].y));
    ctx.stroke();
  }
  const grid = new Float32Array(SIDE * SIDE);
  const { data } = ctx.getImageData(0, 0, size, size);
  const norm = 1 / (k * k * 255);
  for (let y = 0; y < size; y++) {
    const rowBase = ((y / k) | 0) * SIDE;
    let i = y * size * 4;
    for (let x = 0; x < size; x++, i += 4) grid[rowBase + ((x / k) | 0)] += data[i];
  }
  for (let i = 0; i < grid.length; i++) grid[i] *= norm;
  return grid;
}

/** Shift by whole pixels so the centre of mass is at (CENTRE, CENTRE); ink pushed off the edge is lost. */
export function centreByMass(grid) {
  let total = 0, sumR = 0, sumC = 0;
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const v = grid[r * SIDE + c];
      total += v; sumR += r * v; sumC += c * v;
    }
  }
  if (total <= 0) return grid;
  const dy = Math.round(CENTRE - sumR / total);
  const dx = Math.round(CENTRE - sumC / total);
  if (dy === 0 && dx === 0) return grid;
  const out = new Float32Array(grid.length);
  for (let r = 0; r < SIDE; r++) {
    const rr = r + dy;
    if (rr < 0 || rr >= SIDE) continue;
    for (let c = 0; c < SIDE; c++) {
      const cc = c + dx;
      if (cc >= 0 && cc < SIDE) out[rr * SIDE + cc] = grid[r * SIDE + c];
    }
  }
  return out;
}

/**
 * Strokes -> 784 values (k/255) drawn exactly where they are, with no fitting and no
 * centring: points are fractions of the 28x28 field (0..1, y down), `pen` is in grid
 * pixels. The pad shrunk to 28x28 as it was drawn (the "without pre-processing" input,
 * with the pad's own pen scaled down), and the pre-processing view's in-between pictures.
 */
export function strokesAsDrawn(strokes, { pen }) {
  const size = SIDE * SUPERSAMPLE;
  const at = (v) => v * size;
  const isTap = (stroke) => stroke.every((p) => p.x === stroke[0].x && p.y === stroke[0].y);
  return quantize(rasterize(strokes, pen, at, at, isTap));
}
