// One colour convention for the whole page, as in the video:
// positive weights green, negative red, activations white with a blue glow.

export const POS = [131, 193, 103];   // 3Blue1Brown's green
export const NEG = [252, 98, 85];     // 3Blue1Brown's red
export const GLOW = [140, 205, 255];  // the halo around a lit neuron
export const DARK = [9, 12, 24];      // an unlit neuron / pixel
export const LIT = [246, 250, 255];   // a fully lit neuron / pixel
export const HILITE = '#ffd75e';      // the neuron being inspected

export const rgba = ([r, g, b], a = 1) => `rgba(${r}, ${g}, ${b}, ${a})`;

/** Mix two colours: t = 0 gives a, t = 1 gives b. */
export function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}
