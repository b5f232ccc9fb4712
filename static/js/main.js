// Wires the page together: the pad feeds the live predictor, whose replies
// drive the answer, the network view, the inspector and the experiments.
// The page's language is loaded first (i18n.js): every sentence comes from it.

import { initLanguage, onLanguageChange, t } from './i18n.js';
import { initPalette, onPaletteChange, palette } from './palette.js';
import { Pad } from './pad.js';
import { strokesToGrid } from './grid.js';
import { fetchNetwork, predict } from './api.js';
import { LivePredictor } from './live.js';
import { NetworkView } from './network_view.js';
import { Inspector } from './inspector.js';
import { showAnswer, clearAnswer, relabelAnswer } from './answer.js';
import { Share } from './share.js';
import { Announcer } from './a11y/announce.js';
import { NoiseNote, randomPixels } from './experiments/noise.js';
import { EdgeDetector } from './experiments/edge_detector.js';

await initLanguage();

const $ = (sel) => document.querySelector(sel);
const SIZES = document.body.dataset.sizes.split(',').map(Number); // from the server's network
const PHONE = window.matchMedia('(max-width: 860px), (max-height: 500px)'); // main.css's stacked layout
const FONT = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'sans-serif';

const pad = new Pad($('[data-testid="pad"]'));
const undoBtn = $('[data-testid="undo"]');
const clearBtn = $('[data-testid="clear"]');
const shareBtn = $('[data-testid="share"]');
const noiseBtn = $('[data-testid="noise"]');
const edgeBtn = $('[data-testid="edge-open"]');
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

// Spoken once the pen is up and the newest drawing's answer is on screen.
const announcer = new Announcer($('[data-testid="announcer"]'), {
  busy: () => pad.drawing || document.body.dataset.live !== 'idle',
});
const noiseNote = new NoiseNote($('[data-testid="noise-note"]'));
let noiseImage = null; // the pad's grid when it is the noise the button made
const showingNoise = () => noiseImage !== null && pad.image === noiseImage && !pad.strokes.length;

// One side panel at a time: the neuron inspector or the edge detector.
const syncPanels = () => layout.classList.toggle('inspecting', inspector.isOpen || edge.isOpen);

/**
 * On a phone a side panel is a sheet over the lower part of the screen: scroll the page
 * so that `el` (the neuron looked at) sits in the middle of what stays in view above it.
 * (main.css gives the page room below for that while a panel is open.)
 */
function keepAboveSheet(el, panel) {
  if (getComputedStyle(panel).position !== 'fixed') return; // a column beside the network
  const room = panel.getBoundingClientRect().top;
  const r = el.getBoundingClientRect();
  if (r.top >= 8 && r.bottom <= room - 8) return;
  window.scrollBy({ top: r.top + r.height / 2 - room / 2, behavior: 'instant' });
}

const view = new NetworkView(netCanvas, $('[data-testid="neurons"]'), {
  sizes: SIZES,
  onSelect: (sel, button, { keyboard }) => {
    edge.close({ restoreFocus: false });
    // From the keyboard, the focus goes into the panel; closing it brings it back to the neuron.
    inspector.open(sel, button, { focus: keyboard });
    view.select(sel);
    syncPanels();
    keepAboveSheet(button, inspector.root);
  },
});

const inspector = new Inspector($('[data-testid="inspector"]'), {
  sizes: SIZES,
  onClose: () => {
    view.select(null);
    syncPanels();
  },
});

const edge = new EdgeDetector($('[data-testid="edge-detector"]'), {
  font: FONT,
  onOpen: () => {
    edgeBtn.setAttribute('aria-expanded', 'true');
    syncPanels();
    // On a phone the panel is a sheet over the lower half: bring the pad into view above it.
    if (PHONE.matches) pad.canvas.scrollIntoView({ block: 'nearest' });
  },
  onClose: () => { edgeBtn.setAttribute('aria-expanded', 'false'); syncPanels(); },
});
edgeBtn.addEventListener('click', () => {
  if (edge.isOpen) { edge.close(); return; }
  inspector.close({ restoreFocus: false });
  edge.open(edgeBtn);
});

/** The neurons' buttons, named in the page's language. */
function labelNeurons() {
  const last = SIZES.length - 1;
  for (const b of view.buttons) {
    const layer = Number(b.dataset.layer), i = Number(b.dataset.index);
    b.setAttribute('aria-label', layer === last
      ? t('neuron.output', { digit: i })
      : t('neuron.hidden', { layer, n: i + 1 }));
  }
}
labelNeurons();

/** The layers' names painted under the network, in the page's language (wide and narrow canvas). */
function labelCanvas() {
  const hidden = (key) => SIZES.slice(1, -1).map((n, i) => t(key, { layer: i + 1, n }));
  const out = SIZES[SIZES.length - 1];
  view.setLabels({
    full: [t('net.canvas.input', { n: SIZES[0] }), ...hidden('net.canvas.hidden'), t('net.canvas.output', { n: out })],
    compact: [t('net.canvas.inputShort', { n: SIZES[0] }), ...hidden('net.canvas.hiddenShort'), t('net.canvas.outputShort', { n: out })],
  });
}
labelCanvas();

/** The legend's negative key: in the colour-blind palette it says the lines are dashed. */
const legendNeg = $('.key-neg');
function labelLegend() {
  const dashed = palette() === 'cb';
  legendNeg.dataset.i18n = dashed ? 'legend.negDashed' : 'legend.neg'; // a language switch re-renders it
  legendNeg.textContent = dashed ? t('legend.negDashed') : t('legend.neg');
}

let statusText = () => ''; // the status line, as a function: said again in a new language
const setStatus = (fn) => { statusText = fn; status.textContent = fn(); };

function announce(reply) {
  if (reply.empty || pad.isEmpty) {
    if (announcer.spoken) announcer.say(t('announce.empty'));
    return;
  }
  const digit = reply.prediction;
  announcer.say(showingNoise() ? t('announce.noise', { digit }) : t('announce.reads', { digit }));
}

const live = new LivePredictor({
  snapshot: currentGrid,
  send: predict,
  onReply: (reply) => {
    view.show(reply);
    inspector.update(reply);
    edge.setInput(reply.activations[0]); // the 28x28 input the network saw
    netCanvas.dataset.prediction = reply.empty ? '' : String(reply.prediction);
    inputGrid.textContent = reply.activations[0].map((v) => (Math.round(v * 1000) / 1000).toString()).join(',');
    if (reply.empty || pad.isEmpty) clearAnswer(); else showAnswer(reply);
    if (showingNoise()) noiseNote.update(reply);
    announce(reply);
  },
  onState: (state, err) => {
    document.body.dataset.live = state;
    if (state === 'idle') announcer.rest();
    setStatus(state === 'error' ? () => t('status.unreachable', { error: err.message }) : () => '');
  },
});

function syncControls() {
  undoBtn.disabled = clearBtn.disabled = shareBtn.disabled = pad.isEmpty;
  hint.hidden = !pad.isEmpty;
}

pad.addEventListener('change', (e) => {
  syncControls();
  const kind = e.detail.kind;
  const reset = kind !== 'ink';
  if (pad.isEmpty) clearAnswer(); // at once: no waiting for the server to say "nothing"
  if (kind === 'noise') noiseImage = pad.image;
  if (!showingNoise()) noiseNote.hide();
  else if (kind === 'noise' || !noiseNote.isShown) noiseNote.show(); // Undo can bring the noise back
  live.changed({ reset });
  // Mid-stroke the address bar waits for the pen to lift: one replaceState per stroke, not per move.
  share.changed({ settled: kind !== 'ink' && kind !== 'fresh', loaded: kind === 'load' });
});
pad.addEventListener('strokeend', () => {
  share.sync();
  announcer.rest(); // the pen is up: the answer may be spoken
});
undoBtn.addEventListener('click', () => pad.undo());
clearBtn.addEventListener('click', () => pad.clear());
noiseBtn.addEventListener('click', () => pad.showGrid(randomPixels(), { kind: 'noise' }));
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    pad.undo();
  }
});

initPalette($('[data-testid="palette"]'));
labelLegend();
onPaletteChange(() => {
  labelLegend();
  view.select(view.selected); // redraws the connections in the new colours (dashed negatives in cb)
  inspector.refresh();
  edge.refresh();
});

onLanguageChange(() => {
  labelNeurons();
  labelCanvas(); // and repaints
  relabelAnswer();
  inspector.refresh();
  edge.refresh();
  share.relabel();
  noiseNote.relabel();
  announcer.reset();
  status.textContent = statusText();
});

const shared = share.open(); // a drawing from the link in the address bar, if it holds a good one
if (shared) pad.showGrid(shared); // exactly the sender's 784 values: the same answer
syncControls();
live.changed(); // the drawing (or the blank pad: its resting state) through the network

fetchNetwork().then(
  (net) => { view.setNetwork(net); inspector.setNetwork(net); },
  (err) => { setStatus(() => t('status.weights', { error: err.message })); },
);
