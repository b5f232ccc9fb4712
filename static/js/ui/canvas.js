// Canvas helpers shared by the views.

/** Size the canvas's backing store to its CSS box times devicePixelRatio; returns the CSS size. */
export function fitCanvas(canvas) {
  const rect = canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(rect.width * dpr));
  const h = Math.max(1, Math.round(rect.height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(w / Math.max(1, rect.width), 0, 0, h / Math.max(1, rect.height), 0, 0);
  return { ctx, width: rect.width, height: rect.height };
}

/** Call `callback` whenever devicePixelRatio changes (browser zoom, a window moved to another screen). */
export function onPixelRatioChange(callback) {
  const arm = () => {
    const query = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    query.addEventListener('change', () => { callback(); arm(); }, { once: true });
  };
  arm();
}
