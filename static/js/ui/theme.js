// What the page's canvases and scripts need of main.css, read from it (its custom properties
// are the one home): the font a canvas writes in (a canvas does not inherit CSS), how big it
// writes (the canvas element's own font-size, which grows on large screens and in classroom mode),
// and whether the layout is the stacked one of phones (main.css's media query sets --stacked: 1).
// The colours are read by colors.js. Not for workers: they have no document (they are told).

const rootStyle = () => getComputedStyle(document.documentElement);

/** The page's font stack (main.css's --font, for the page's language as it loaded). */
export const FONT = rootStyle().getPropertyValue('--font').trim() || 'sans-serif';

/** Whether the page shows its stacked (phone) layout now: main.css's breakpoint, not a copy of it. */
export const stacked = () => rootStyle().getPropertyValue('--stacked').trim() === '1';

/**
 * How big `canvas` writes its words, from its CSS: {px: its font-size, min: the smallest size a
 * name that does not fit may shrink to (its --text-shrink times px: classroom.css's 1 never shrinks)}.
 */
export function canvasText(canvas) {
  const style = getComputedStyle(canvas);
  const px = parseFloat(style.fontSize) || 12;
  const shrink = parseFloat(style.getPropertyValue('--text-shrink'));
  return { px, min: px * (Number.isFinite(shrink) ? shrink : 0) };
}
