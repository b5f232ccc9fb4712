// Wires the page together: the pad feeds the live predictor, whose replies
// drive the answer, the network view and the inspector.

import { Pad } from './pad.js';
import { strokesToGrid } from './grid.js';
import { fetchNetwork, predict } from './api.js';
import { LivePredictor } from './live.js';
import { NetworkView } from './network_view.js';
import { Inspector } from './inspector.js';
import { showAnswer, clearAnswer } from './answer.js';
import { Share } from './share.js';

const $ = (sel) => document.querySelector(sel);
const SIZES = document.body.dataset.sizes.split(',').map(Number); // from the server's network

const pad = new Pad($('[data-testid="pad"]'));
const undoBtn = $('[data-testid="undo"]');
const clearBtn = $('[data-testid="clear"]');
const shareBtn = $('[data-testid="share"]');
const hint = $('[data-testid="hint"]');
const status = $('[data-testid="status"]');
const inputGrid = $('[data-testid="input-grid"]');
const netCanvas = $('[data-testid="network"]');
const layout = $('.layout');

// What the network reads: a shared drawing's own grid, or the strokes made into one.
// Pad points are fractions of its side; closer than 0.4% of it is a dot, not a shape.
const currentGrid = () => (pad.image ? pad.image.slice() : strokesToGrid(pad.strokes, { minExtent: 0.004 }));

const share = new Share({
  button: shareBtn,
  status: $('[data-testid="share-status"]'),
  fallback: $('[data-testid="share-fallback"]'),
  field: $('[data-testid="share-link"]'),
  close: $('[data-testid="share-fallback-close"]'),
  note: $('[data-testid="link-note"]'),
}, { grid: () => (pad.isEmpty ? null : currentGrid()) });

const view = new NetworkView(netCanvas, $('[data-testid="neurons"]'), {
  sizes: SIZES,
  onSelect: (sel, button) => {
    inspector.open(sel, button);
    view.select(sel);
    layout.classList.add('inspecting');
  },
});

const inspector = new Inspector($('[data-testid="inspector"]'), {
  sizes: SIZES,
  onClose: () => {
    view.select(null);
    layout.classList.remove('inspecting');
  },
});

const live = new LivePredictor({
  snapshot: currentGrid,
  send: predict,
  onReply: (reply) => {
    view.show(reply);
    inspector.update(reply);
    netCanvas.dataset.prediction = reply.empty ? '' : String(reply.prediction);
    inputGrid.textContent = reply.activations[0].map((v) => (Math.round(v * 1000) / 1000).toString()).join(',');
    if (reply.empty || pad.isEmpty) clearAnswer(); else showAnswer(reply);
  },
  onState: (state, err) => {
    document.body.dataset.live = state;
    status.textContent = state === 'error' ? `The network could not be reached: ${err.message}` : '';
  },
});

function syncControls() {
  undoBtn.disabled = clearBtn.disabled = shareBtn.disabled = pad.isEmpty;
  hint.hidden = !pad.isEmpty;
}

pad.addEventListener('change', (e) => {
  syncControls();
  const reset = e.detail.kind !== 'ink';
  if (pad.isEmpty) clearAnswer(); // at once: no waiting for the server to say "nothing"
  live.changed({ reset });
  // Mid-stroke the address bar waits for the pen to lift: one replaceState per stroke, not per move.
  const kind = e.detail.kind;
  share.changed({ settled: kind !== 'ink' && kind !== 'fresh', loaded: kind === 'load' });
});
pad.addEventListener('strokeend', () => share.sync());
undoBtn.addEventListener('click', () => pad.undo());
clearBtn.addEventListener('click', () => pad.clear());
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    pad.undo();
  }
});

const shared = share.open(); // a drawing from the link in the address bar, if it holds a good one
if (shared) pad.showGrid(shared); // exactly the sender's 784 values: the same answer
syncControls();
live.changed(); // the drawing (or the blank pad: its resting state) through the network

fetchNetwork().then(
  (net) => { view.setNetwork(net); inspector.setNetwork(net); },
  (err) => { status.textContent = `The network's weights could not be loaded: ${err.message}`; },
);
