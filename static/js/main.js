// Wires the page together: the pad feeds the live predictor, whose replies
// drive the answer, the network view and the inspector.

import { Pad } from './pad.js';
import { strokesToGrid } from './grid.js';
import { fetchNetwork, predict } from './api.js';
import { LivePredictor } from './live.js';
import { NetworkView } from './network_view.js';
import { Inspector } from './inspector.js';
import { showAnswer, clearAnswer } from './answer.js';

const $ = (sel) => document.querySelector(sel);
const SIZES = document.body.dataset.sizes.split(',').map(Number); // from the server's network

const pad = new Pad($('[data-testid="pad"]'));
const undoBtn = $('[data-testid="undo"]');
const clearBtn = $('[data-testid="clear"]');
const hint = $('[data-testid="hint"]');
const status = $('[data-testid="status"]');
const inputGrid = $('[data-testid="input-grid"]');
const netCanvas = $('[data-testid="network"]');
const layout = $('.layout');

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
  // Pad points are fractions of its side; closer than 0.4% of it is a dot, not a shape.
  snapshot: () => strokesToGrid(pad.strokes, { minExtent: 0.004 }),
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
  undoBtn.disabled = clearBtn.disabled = pad.isEmpty;
  hint.hidden = !pad.isEmpty;
}

pad.addEventListener('change', (e) => {
  syncControls();
  const reset = e.detail.kind !== 'ink';
  if (pad.isEmpty) clearAnswer(); // at once: no waiting for the server to say "nothing"
  live.changed({ reset });
});
undoBtn.addEventListener('click', () => pad.undo());
clearBtn.addEventListener('click', () => pad.clear());
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    pad.undo();
  }
});

syncControls();
live.changed(); // the blank pad through the network: its resting state

fetchNetwork().then(
  (net) => { view.setNetwork(net); inspector.setNetwork(net); },
  (err) => { status.textContent = `The network's weights could not be loaded: ${err.message}`; },
);
