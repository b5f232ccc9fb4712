// The colour-blind palette: blue/orange instead of green/red for the weights'
// signs, everywhere (connections, weight images, legend, brushes), remembered
// in localStorage. The CSS follows body[data-palette]; the canvases follow
// colors.js (which reads them from the CSS), and whoever draws them redraws on the change event.

import { readPageColours } from './colors.js';
import { t } from './i18n.js';

const STORE = 'nn-palette';
const events = new EventTarget();
let current = 'default';

export const palette = () => current;

export function onPaletteChange(listener) {
  events.addEventListener('change', () => listener(current));
}

/** Texts that name the colours ("green +"): their key ends in the palette's name. */
export function relabel(root = document) {
  for (const el of root.querySelectorAll('[data-sign]')) {
    el.dataset.i18n = `sign.${el.dataset.sign}.${current}`;
    el.textContent = t(el.dataset.i18n);
  }
}

export function setPalette(name, { remember = false } = {}) {
  current = name === 'cb' ? 'cb' : 'default';
  document.body.dataset.palette = current;
  readPageColours(); // main.css's colours for this palette
  if (remember) {
    try { window.localStorage.setItem(STORE, current); } catch { /* not kept: fine */ }
  }
  relabel();
  events.dispatchEvent(new Event('change'));
}

/** The remembered palette, and the toggle button that switches it. */
export function initPalette(button) {
  let saved = null;
  try { saved = window.localStorage.getItem(STORE); } catch { /* none */ }
  setPalette(saved);
  const sync = () => button.setAttribute('aria-pressed', current === 'cb' ? 'true' : 'false');
  sync();
  button.addEventListener('click', () => {
    setPalette(current === 'cb' ? 'default' : 'cb', { remember: true });
    sync();
  });
}
