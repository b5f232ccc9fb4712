// One colour convention for the whole page, as in the video:
// positive weights green, negative red, activations white with a blue glow.
// The colours the page's CSS also uses (the signs, the highlight, the blue, the ink) are read
// from main.css's custom properties, their one home; the colour-blind palette (palette.js)
// swaps green/red for blue/orange there, and readPageColours() updates POS and NEG in place,
// so every view that draws with them follows. The canvas-only colours are stated here.
// network/worker.js imports this module too: nothing here touches the page until it is called.

// Read from main.css (readPageColours), [r, g, b]; empty in a worker, which is told them.
export const POS = [];     // a positive weight: --pos (the palette's)
export const NEG = [];     // a negative one: --neg
export const HILITE = [];  // the neuron or pixel being inspected: --hilite
export const BLUE = [];    // 3Blue1Brown's blue: the pen's glow, the sigmoid curve: --blue-rgb
export const INK_COLOUR = []; // the pen's ink on the pad: --ink
export const GLOW = [140, 205, 255];  // the halo around a lit neuron
export const DARK = [9, 12, 24];      // an unlit neuron / pixel
export const LIT = [246, 250, 255];   // a fully lit neuron / pixel

/** A CSS colour as main.css writes them ("#rrggbb", "#rgb" or "r, g, b") -> [r, g, b], or null. */
export function parseColour(text) {
  const s = String(text).trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]].map((c) => parseInt(c + c, 16));
  m = /^(?:rgba?\()?\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,[^)]*)?\)?$/.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** POS, NEG, HILITE, BLUE and INK_COLOUR take main.css's values for the page as it is now (after a palette change). */
export function readPageColours() {
  const css = getComputedStyle(document.body || document.documentElement);
  for (const [colour, name] of [[POS, '--pos'], [NEG, '--neg'], [HILITE, '--hilite'], [BLUE, '--blue-rgb'], [INK_COLOUR, '--ink']]) {
    const rgb = parseColour(css.getPropertyValue(name));
    if (!rgb) throw new Error(`main.css: no colour ${name}`); // for developers, not shown
    colour.splice(0, 3, ...rgb);
  }
}

if (typeof document !== 'undefined') readPageColours();

export const rgba = ([r, g, b], a = 1) => `rgba(${r}, ${g}, ${b}, ${a})`;
