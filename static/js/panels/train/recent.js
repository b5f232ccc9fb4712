// The trained networks this browser has shown (kept in localStorage, the newest first): the page
// lists them in its two network lists (the picker and Compare's) beside the server's own, so a
// network trained a minute ago can be opened again or compared with the one on the page (the
// video's recipe with sigmoid, then with ReLU). Each is remembered as the server labelled it on
// its own page (web/pages.py: the picker's option of the shown network, its catalog key and
// arguments: sizes, recipe, MNIST figure; and the page's parameter count): the label's one home is the server.

import { t } from '../../ui/i18n.js';

const STORE = 'mlp.trainedNetworks';
const KEEP = 8; // the newest this many

function load() {
  try {
    const list = JSON.parse(window.localStorage.getItem(STORE) || '[]');
    return Array.isArray(list) ? list.filter(valid) : [];
  } catch {
    return []; // storage off, or not ours: nothing remembered
  }
}

/** Only what this module wrote: strings where strings go, and a catalog key of Train your own's. */
function valid(entry) {
  return entry && typeof entry.id === 'string' && typeof entry.key === 'string' && entry.key.startsWith('train.')
    && entry.args && typeof entry.args === 'object' && typeof entry.sizes === 'string' && typeof entry.params === 'string';
}

function save(list) {
  try { window.localStorage.setItem(STORE, JSON.stringify(list.slice(0, KEEP))); } catch { /* private mode: this page only */ }
}

/**
 * Remember the page's network if it is a trained one: `option` is its option in the picker (the server's
 * label), `params` its parameter count as the page's facts write it ("13,002").
 */
export function rememberShown(option, { params }) {
  const key = option && (option.dataset.longKey || option.dataset.i18n); // its full label's, not one cut to fit
  if (!(key || '').startsWith('train.')) return;
  let args = {};
  try { args = JSON.parse(option.dataset.i18nArgs || '{}'); } catch { return; }
  const entry = {
    id: option.value, key, args, sizes: String(args.sizes || ''), params: String(params || ''),
    pct: args.pct ? String(args.pct) : '',
  };
  const before = load().find((e) => e.id === entry.id);
  if (before && before.pct && !entry.pct) return; // a page that had not its figure yet: keep the one with it
  save([entry, ...load().filter((e) => e.id !== entry.id)]);
}

/** The remembered networks, newest first. */
export const recent = () => load();

/**
 * Add the remembered networks that `select` does not list yet (nor `except`, the page's own in
 * Compare's list), after the server's own, labelled as the server labelled them (data-i18n: a
 * language switch says them again).
 */
export function addRecent(select, { except = null } = {}) {
  const have = new Set([...select.options].map((o) => o.value));
  for (const entry of load()) {
    if (have.has(entry.id) || entry.id === except) continue;
    const option = document.createElement('option');
    option.value = entry.id;
    Object.assign(option.dataset, {
      sizes: entry.sizes, params: entry.params, pct: entry.pct, i18n: entry.key, i18nArgs: JSON.stringify(entry.args),
      recent: 'true',
    });
    option.textContent = t(entry.key, entry.args);
    select.append(option);
  }
}
