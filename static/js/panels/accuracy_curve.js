// The test-accuracy curve of a network's training, as inline SVG: accuracy (0..100 %) up,
// the training step across on a log scale (the snapshots are log-spaced: most change comes
// early, and a linear axis would crowd them all at its left edge), the snapshot shown now
// marked. Built with DOM calls and presentation attributes only (the page's CSP allows no
// inline style); learn.css gives it its colours and fonts.

const SVG = 'http://www.w3.org/2000/svg';
const PAD = { left: 34, right: 12, top: 20, bottom: 32 }; // room for the tick labels and the axis names

/** Where a step sits on the log axis, 0..1: log10(step + 1) over that of the last step (step 0 is the start). */
export function logPosition(step, lastStep) {
  const end = Math.log10(lastStep + 1);
  return end > 0 ? Math.log10(step + 1) / end : 0;
}

/** The ticks of the step axis: 0 and the powers of ten up to the last step. */
export function stepTicks(lastStep) {
  const ticks = [0];
  for (let p = 10; p <= lastStep; p *= 10) ticks.push(p);
  return ticks;
}

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

/** 1000 -> "1k", 100000 -> "100k": short tick labels (numbers, the same in both languages). */
const shortStep = (s) => (s >= 1000 ? `${s / 1000}k` : String(s));

/**
 * Draw the curve in `svg` (its CSS size decides the drawing's size).
 * @param {SVGSVGElement} svg
 * @param {{step: number, test_accuracy: number}[]} snapshots  in training order
 * @param {number} current  the index of the snapshot shown now
 * @param {{stepAxis: string, accuracyAxis: string}} labels  the axes' names, in the page's language
 * @returns the geometry, to map a click back to a snapshot: {x(index), plotLeft, plotRight}
 */
export function drawAccuracyCurve(svg, snapshots, current, labels) {
  const width = Math.max(120, svg.clientWidth || 260);
  const height = Math.max(80, svg.clientHeight || 120);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.replaceChildren();
  if (!snapshots.length) return null;
  const lastStep = snapshots[snapshots.length - 1].step;
  const x0 = PAD.left, x1 = width - PAD.right, y0 = height - PAD.bottom, y1 = PAD.top;
  const xOf = (step) => x0 + (x1 - x0) * logPosition(step, lastStep);
  const yOf = (acc) => y0 - (y0 - y1) * Math.max(0, Math.min(1, acc));

  const grid = el('g', { class: 'curve-grid' });
  for (const acc of [0, 0.5, 1]) {
    grid.append(el('line', { x1: x0, x2: x1, y1: yOf(acc), y2: yOf(acc) }));
    grid.append(el('text', { x: x0 - 5, y: yOf(acc) + 3.5, 'text-anchor': 'end', class: 'curve-tick' }, `${acc * 100}%`));
  }
  for (const s of stepTicks(lastStep)) {
    grid.append(el('line', { x1: xOf(s), x2: xOf(s), y1: y0, y2: y0 + 3 }));
    grid.append(el('text', { x: xOf(s), y: y0 + 13, 'text-anchor': 'middle', class: 'curve-tick' }, shortStep(s)));
  }
  grid.append(el('line', { x1: x0, x2: x0, y1: y1, y2: y0, class: 'curve-axis' }));
  grid.append(el('line', { x1: x0, x2: x1, y1: y0, y2: y0, class: 'curve-axis' }));
  svg.append(grid);

  svg.append(el('text', { x: (x0 + x1) / 2, y: height - 4, 'text-anchor': 'middle', class: 'curve-label' }, labels.stepAxis));
  // The accuracy axis's name above it, level (a turned label would crowd the ticks of a small plot).
  svg.append(el('text', { x: 2, y: 10, 'text-anchor': 'start', class: 'curve-label' }, labels.accuracyAxis));

  const points = snapshots.map((s) => `${xOf(s.step).toFixed(1)},${yOf(s.test_accuracy).toFixed(1)}`).join(' ');
  svg.append(el('polyline', { points, class: 'curve-line', fill: 'none' }));
  const dots = el('g', { class: 'curve-dots' });
  snapshots.forEach((s) => dots.append(el('circle', { cx: xOf(s.step), cy: yOf(s.test_accuracy), r: 2.2 })));
  svg.append(dots);

  const now = snapshots[Math.max(0, Math.min(snapshots.length - 1, current))];
  const cx = xOf(now.step), cy = yOf(now.test_accuracy);
  svg.append(el('line', { x1: cx, x2: cx, y1: y1, y2: y0, class: 'curve-now-line' }));
  svg.append(el('circle', { cx, cy, r: 5, class: 'curve-now', 'data-testid': 'learn-curve-now' }));
  return { x: (i) => xOf(snapshots[i].step), plotLeft: x0, plotRight: x1, width };
}
