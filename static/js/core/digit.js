// The digit's facts as the server states them (mlp/digit.py, the one home): the grid's side,
// the 20x20 box and its centre, the pen, the supersampling, the ink threshold... read from the
// page's <meta name="digit-facts">, never written here. The page's modules import them from here.
// (Not for workers: they have no document. network/worker.js is told what it needs.)
//
// And the one rounding of a value in [0, 1] to a grey level k/255, NumPy's (halves to the even
// neighbour, as mlp.preprocess.to_bytes does): the grid the page sends and the share links agree.
// toLevels gives the levels as bytes (what the API and the links carry), quantize as values k/255.

const meta = document.querySelector('meta[name="digit-facts"]');
if (!meta) throw new Error('no <meta name="digit-facts">'); // for developers, not shown

export const FACTS = Object.freeze(JSON.parse(meta.content));
export const {
  SIDE, N_PIXELS, N_CLASSES, BOX, CENTRE, PEN, SUPERSAMPLE, MIN_EXTENT, INK, GREY_LEVELS,
} = FACTS;

/** NumPy's round: halves go to the even neighbour (Math.round would send 76.5 to 77, NumPy to 76). */
export function roundHalfEven(x) {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Values in [0, 1] (NaN as 0) -> grey levels 0..GREY_LEVELS, as bytes (mlp.preprocess.to_bytes). */
export function toLevels(values) {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    out[i] = roundHalfEven(Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)) * GREY_LEVELS);
  }
  return out;
}

/** Each value to exactly k/255 (as a double, not float32), as an 8-bit image would hold it. */
export function quantize(values) {
  return Array.from(toLevels(values), (k) => k / GREY_LEVELS);
}
