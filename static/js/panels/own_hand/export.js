// The learner's drawings out of the browser, made here (nothing goes to the server):
// a CSV (one row per drawing) and one PNG sheet of all the 28x28 grids with labels.

import { SIDE } from '../../core/digit.js'; // the digit's side, as the server states it (mlp/digit.py)

export { SIDE };
// The sheet: each grid at SCALE x SCALE pixels per grey level, with a label band below.
export const SHEET = { columns: 10, scale: 2, gap: 6, label: 16, head: 20 };
const CELL_W = SIDE * SHEET.scale + SHEET.gap;
const CELL_H = SIDE * SHEET.scale + SHEET.label + SHEET.gap;

/** Where drawing `i`'s grid starts on the sheet (its top-left pixel). */
export function cellOrigin(i) {
  return {
    x: SHEET.gap + (i % SHEET.columns) * CELL_W,
    y: SHEET.head + SHEET.gap + Math.floor(i / SHEET.columns) * CELL_H,
  };
}

/** The sheet's size in pixels for `n` drawings (at least one empty cell). */
export function sheetSize(n) {
  const rows = Math.max(1, Math.ceil(n / SHEET.columns));
  const cols = Math.max(1, Math.min(n, SHEET.columns));
  return { width: Math.max(240, SHEET.gap + cols * CELL_W), height: SHEET.head + SHEET.gap + rows * CELL_H };
}

/**
 * time, meant, read, network (the id of the network that read it), out_0..out_9, px_0..px_783
 * (grey levels 0-255, row by row): one row per drawing. (A network id needs no CSV quoting: store.js checks it.)
 */
export function toCSV(drawings) {
  const head = ['time', 'meant', 'read', 'network',
    ...Array.from({ length: 10 }, (_, d) => `out_${d}`),
    ...Array.from({ length: SIDE * SIDE }, (_, i) => `px_${i}`)];
  const rows = drawings.map((d) => [new Date(d.time).toISOString(), d.meant, d.read, d.network, ...d.outputs, ...d.grid].join(','));
  return [head.join(','), ...rows].join('\r\n') + '\r\n';
}

/**
 * One PNG of every grid (white ink on black, as MNIST's digits), oldest first, with `title` (the
 * key) on top and `label(d)` under each, misread ones in `wrongColour`. Grid pixels are written
 * exactly (no smoothing), so the sheet gives back each drawing's 784 grey levels.
 */
export function drawSheet(canvas, drawings, { title, label, font = 'sans-serif', rightColour = '#cfeaf3', wrongColour = '#fc6255' }) {
  const { width, height } = sheetSize(drawings.length);
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#05060d';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = rightColour;
  ctx.font = `12px ${font}`;
  ctx.textBaseline = 'top';
  ctx.fillText(title, SHEET.gap, 4, width - 2 * SHEET.gap);
  const s = SHEET.scale;
  drawings.forEach((d, i) => {
    const { x, y } = cellOrigin(i);
    const img = ctx.createImageData(SIDE * s, SIDE * s);
    for (let r = 0; r < SIDE * s; r++) {
      for (let c = 0; c < SIDE * s; c++) {
        const v = d.grid[Math.floor(r / s) * SIDE + Math.floor(c / s)];
        const k = (r * SIDE * s + c) * 4;
        img.data[k] = img.data[k + 1] = img.data[k + 2] = v;
        img.data[k + 3] = 255;
      }
    }
    ctx.putImageData(img, x, y);
    ctx.fillStyle = d.read === d.meant ? rightColour : wrongColour;
    ctx.font = `11px ${font}`;
    ctx.textBaseline = 'top';
    ctx.fillText(label(d), x, y + SIDE * s + 3, SIDE * s + SHEET.gap - 1);
  });
  return canvas;
}

/** Hand `blob` to the browser as a download named `name` (a link clicked here, then let go). */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name stamped with the date: own-hand-2026-12-01.csv */
export const fileName = (ext, now = new Date()) => `own-hand-${now.toISOString().slice(0, 10)}.${ext}`;
