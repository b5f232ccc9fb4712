// The running score of the learner's labelled drawings: how many the network
// read as the digit meant, overall and per digit meant.

/** {right, total, perDigit: [{right, total}] x10, misread: drawings read wrong (newest first)}. */
export function tally(drawings) {
  const perDigit = Array.from({ length: 10 }, () => ({ right: 0, total: 0 }));
  let right = 0;
  for (const d of drawings) {
    const ok = d.read === d.meant;
    perDigit[d.meant].total += 1;
    if (ok) { perDigit[d.meant].right += 1; right += 1; }
  }
  const misread = drawings.filter((d) => d.read !== d.meant).reverse();
  return { right, total: drawings.length, perDigit, misread };
}

/** A share as a whole percentage, to one decimal: 7 of 9 -> "77.8". */
export const percent = (right, total) => (total ? ((100 * right) / total).toFixed(1) : '');
