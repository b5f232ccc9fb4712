// What the network is asked besides the drawing, in one place: which network, which
// hidden neurons are silenced, and which snapshot of its training (null: the trained one).
// The inspector's silence switch, the silence bar and watch-it-learn set these; the live prediction
// asks again whenever one changes (core/shown.js), so every view shows the same question's answer.

import { normalizeSilenced } from './silenced.js';

const listeners = new Set();

/** The neurons a link silenced, as the server rendered them (checked against the network there). */
function silencedByLink() {
  try {
    const pairs = JSON.parse(document.body.dataset.silenced || '[]');
    if (!Array.isArray(pairs)) return [];
    return normalizeSilenced(pairs.filter((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isInteger)));
  } catch {
    return [];
  }
}

const state = {
  network: document.body.dataset.network || null, // the page's network, as the server rendered it
  silenced: silencedByLink(), // [[layer, index], ...]: hidden layers from 1, neurons from 0 (the API's form)
  snapshot: null,
};

/** The current question's options, as the API takes them (only those that are set). */
export function asked() {
  const out = {};
  if (state.network) out.network = state.network;
  if (state.silenced.length) out.silenced = state.silenced.map((pair) => pair.slice());
  if (state.snapshot !== null) out.snapshot = state.snapshot;
  return out;
}

export const network = () => state.network;
export const snapshot = () => state.snapshot;
export const silenced = () => state.silenced.map((pair) => pair.slice());
export const isSilenced = (layer, index) => state.silenced.some(([l, i]) => l === layer && i === index);

function changed(what) {
  for (const fn of listeners) fn(what);
}

/** Silence (or bring back) one hidden neuron. */
export function setSilenced(layer, index, off) {
  const has = isSilenced(layer, index);
  if (off === has) return;
  state.silenced = off ? normalizeSilenced([...state.silenced, [layer, index]])
    : state.silenced.filter(([l, i]) => l !== layer || i !== index);
  changed('silenced');
}

/** Every neuron back on. */
export function resetSilenced() {
  if (!state.silenced.length) return;
  state.silenced = [];
  changed('silenced');
}

/** Ask a snapshot of the training (an index into /api/snapshots), or null for the trained network. */
export function setSnapshot(k) {
  if (state.snapshot === k) return;
  state.snapshot = k;
  changed('snapshot');
}

/** fn(what) after every change: what is 'silenced' or 'snapshot' (the network is the page's: another opens another page). Returns the unsubscribe. */
export function onAskedChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
