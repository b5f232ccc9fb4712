// One colour convention for the whole page, as in the video:
// positive weights green, negative red, activations white with a blue glow.
// The colour-blind palette (palette.js) swaps green/red for blue/orange: POS and
// NEG are changed in place, so every view that draws with them follows.

export const PALETTES = {
  default: { pos: [131, 193, 103], neg: [252, 98, 85] },  // 3Blue1Brown's green and red
  cb: { pos: [86, 180, 233], neg: [240, 160, 30] },       // Okabe-Ito sky blue and orange
};

export const POS = [...PALETTES.default.pos];
export const NEG = [...PALETTES.default.neg];
export const GLOW = [140, 205, 255];  // the halo around a lit neuron
export const DARK = [9, 12, 24];      // an unlit neuron / pixel
export const LIT = [246, 250, 255];   // a fully lit neuron / pixel
export const HILITE = '#ffd75e';      // the neuron being inspected

/** Use the palette `name` ('default' or 'cb') for POS and NEG. */
export function usePalette(name) {
  const p = PALETTES[name] || PALETTES.default;
  POS.splice(0, 3, ...p.pos);
  NEG.splice(0, 3, ...p.neg);
}

export const rgba = ([r, g, b], a = 1) => `rgba(${r}, ${g}, ${b}, ${a})`;

/** Mix two colours: t = 0 gives a, t = 1 gives b. */
export function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}
