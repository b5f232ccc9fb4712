// A list of silenced hidden neurons in its one form, [[layer, index], ...]: sorted by layer, then
// index, each once (the API's, the links' and the page's). The browser's normalizer; the server
// has its own (web/), and the e2e tests check that the links the two write agree.

/** `pairs` ([[layer, index], ...], any order, repeats allowed) sorted and each once, as new pairs. */
export function normalizeSilenced(pairs) {
  const unique = new Map(pairs.map(([layer, index]) => [`${layer}.${index}`, [layer, index]]));
  return [...unique.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
