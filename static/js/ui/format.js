// Numbers as people read them: a real minus sign, a few decimals.

export function num(v, digits = 2) {
  if (!Number.isFinite(v)) return '–';
  const s = Math.abs(v).toFixed(digits);
  return (v < 0 && Number(s) !== 0 ? '−' : '') + s;
}

export function signed(v, digits = 2) {
  return (v >= 0 ? '+' : '') + num(v, digits);
}
