// The lesson's sample digit: a 3, as the video's first example, written as a hand would write it
// (one stroke: the top bowl, then the bottom one), as strokes on the pad (points as fractions of
// its side), so it is drawn, pre-processed and read like any drawing.

/** Points along an ellipse's arc (centre cx, cy; radii rx, ry; from `start` to `end` degrees). */
function arc(cx, cy, rx, ry, start, end, n) {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = ((start + ((end - start) * i) / n) * Math.PI) / 180;
    return { x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) };
  });
}

/** Unit-box points into the pad's middle (15 %..85 % across, 10 %..90 % down). */
const onPad = (p) => ({ x: 0.15 + p.x * 0.7, y: 0.1 + p.y * 0.8 });

export const SAMPLE = [[...arc(0.48, 0.28, 0.28, 0.23, 210, 450, 20), ...arc(0.48, 0.72, 0.3, 0.23, 270, 510, 20)].map(onPad)];
