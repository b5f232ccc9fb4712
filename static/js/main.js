// Wires the page together: the pad feeds the live predictor, whose replies
// drive the answer, the network view, the inspector and the experiments.
// The page's language is loaded first (i18n.js): every sentence comes from it.

import { initLanguage, onLanguageChange, t } from './ui/i18n.js';
import { initPalette, onPaletteChange, palette } from './ui/palette.js';
import { Pad } from './drawing/pad.js';
import { strokesToGrid, strokesAsDrawn, SIDE as GRID_SIDE } from './core/grid.js';
import { PAD_PEN, DOT } from './drawing/pad.js';
import { PreprocessView } from './drawing/preprocess_view.js';
import { num, signed } from './ui/format.js';
import { fetchNetwork, predict } from './core/api.js';
import { LivePredictor } from './core/live.js';
import { NetworkView } from './network/view.js';
import { Inspector } from './panels/inspector.js';
import { showAnswer, clearAnswer, relabelAnswer } from './drawing/answer.js';
import { Share } from './drawing/share.js';
import { NetworkPicker } from './network/picker.js';
import { Compare } from './panels/compare.js';
import { Announcer } from './ui/announce.js';
import { NoiseNote, randomPixels } from './drawing/noise.js';
import { EdgeDetector } from './panels/edge_detector.js';
import { FONT, stacked } from './ui/theme.js'; // main.css's font, and whether its layout is the stacked one
import { OwnHand } from './panels/own_hand/panel.js';
import { Learn } from './panels/learn.js';
import { asked, network as askedNetwork, onAskedChange, isSilenced } from './core/asked.js';
import { ExplainPanel } from './panels/explain.js';
import { SilenceBar } from './network/silence.js';

await initLanguage();

const $ = (sel) => document.querySelector(sel);
const SIZES = document.body.dataset.sizes.split(',').map(Number); // from the server's network

const pad = new Pad($('[data-testid="pad"]'));
const undoBtn = $('[data-testid="undo"]');
const clearBtn = $('[data-testid="clear"]');
const shareBtn = $('[data-testid="share"]');
const noiseBtn = $('[data-testid="noise"]');
const edgeBtn = $('[data-testid="edge-open"]');
const ownBtn = $('[data-testid="own-hand-open"]');
const explainBtn = $('[data-testid="explain-open"]');
const hint = $('[data-testid="hint"]');
const status = $('[data-testid="status"]');
const inputGrid = $('[data-testid="input-grid"]');
const netCanvas = $('[data-testid="network"]');
const layout = $('.layout');

const withoutPrep = $('[data-testid="without-preprocessing"]');
const prepShowBtn = $('[data-testid="preprocess-show"]');
const prepSkipBtn = $('[data-testid="preprocess-skip"]');
const playBtn = $('[data-testid="play"]');
const pixelLayer = $('[data-testid="input-pixels"]');
const pixelInfo = $('[data-testid="pixel-info"]');
withoutPrep.checked = false; // a reload starts with the pre-processing on (browsers restore checkboxes)

// What the network reads: a shared drawing's own grid, or the strokes made into one.
// Pad points are fractions of its side; closer than DOT (0.4%) of it is a dot, not a shape.
const processedGrid = () => (pad.image ? pad.image.slice() : strokesToGrid(pad.strokes, { minExtent: DOT }));
// The drawing where it was drawn: the pad shrunk to 28x28, with the pad's pen scaled down.
const asDrawnGrid = () => (pad.image ? pad.image.slice() : strokesAsDrawn(pad.strokes, { pen: PAD_PEN * GRID_SIDE }));
const raw = () => withoutPrep.checked;
const currentGrid = () => (raw() ? asDrawnGrid() : processedGrid());

const share = new Share({
  button: shareBtn,
  status: $('[data-testid="share-status"]'),
  fallback: $('[data-testid="share-fallback"]'),
  field: $('[data-testid="share-link"]'),
  close: $('[data-testid="share-fallback-close"]'),
  note: $('[data-testid="link-note"]'),
}, { grid: () => (pad.isEmpty ? null : processedGrid()) });

// Spoken once the pen is up and the newest drawing's answer is on screen.
const announcer = new Announcer($('[data-testid="announcer"]'), {
  busy: () => pad.drawing || document.body.dataset.live !== 'idle',
});
const noiseNote = new NoiseNote($('[data-testid="noise-note"]'));
let noiseImage = null; // the pad's grid when it is the noise the button made
const showingNoise = () => noiseImage !== null && pad.image === noiseImage && !pad.strokes.length;

// One side panel at a time (the neuron inspector, the edge detector, the test on your own hand, ...):
// each is listed in sidePanels once made; opening one closes the others.
const sidePanels = [];
const syncPanels = () => layout.classList.toggle('inspecting', sidePanels.some((p) => p.isOpen));
/** Close every side panel but `keep` (the one about to open), leaving the focus where it goes next. */
const closeOthers = (keep) => { for (const p of sidePanels) if (p !== keep) p.close({ restoreFocus: false }); };

/** A panel's chip says whether its panel is open; on a phone the panel is a sheet over the lower half,
 * so opening it brings the pad into view above it, or `keep.el` when it fits above the sheet
 * `keep.panel`. The panel's onOpen and onClose. */
const chipState = (chip, keep = null) => ({
  onOpen: () => {
    chip.setAttribute('aria-expanded', 'true');
    syncPanels();
    if (!stacked()) return;
    if (keep && fitsAboveSheet(keep.el, keep.panel)) keepAboveSheet(keep.el, keep.panel);
    else pad.canvas.scrollIntoView({ block: 'nearest' });
  },
  onClose: () => { chip.setAttribute('aria-expanded', 'false'); syncPanels(); },
});

/** The chip opens its panel (closing any other; `beforeOpen` readies it) or closes it; the panel joins sidePanels. */
function chipOpens(chip, panel, beforeOpen = () => {}) {
  sidePanels.push(panel);
  chip.addEventListener('click', () => {
    if (panel.isOpen) { panel.close(); return; }
    closeOthers(panel);
    beforeOpen();
    panel.open(chip);
  });
}

/** Where a phone's sheet begins: its top now, or higher once its content (fetched after it opens) fills it. */
function sheetTop(panel) {
  const max = parseFloat(getComputedStyle(panel).maxHeight); // NaN for 'none'
  const top = panel.getBoundingClientRect().top;
  return Number.isFinite(max) ? Math.min(top, window.innerHeight - max) : top;
}

/** Whether `el` fits whole in the room a phone's sheet `panel` leaves above it. */
function fitsAboveSheet(el, panel) {
  return getComputedStyle(panel).position === 'fixed' && el.getBoundingClientRect().height <= sheetTop(panel) - 16;
}

/**
 * On a phone a side panel is a sheet over the lower part of the screen: scroll the page
 * so that `el` (the neuron looked at) sits in the middle of what stays in view above it.
 * (main.css gives the page room below for that while a panel is open.)
 */
function keepAboveSheet(el, panel) {
  if (getComputedStyle(panel).position !== 'fixed') return; // a column beside the network
  const room = sheetTop(panel);
  const r = el.getBoundingClientRect();
  if (r.top >= 8 && r.bottom <= room - 8) return;
  window.scrollBy({ top: r.top + r.height / 2 - room / 2, behavior: 'instant' });
}

const view = new NetworkView(netCanvas, $('[data-testid="neurons"]'), {
  sizes: SIZES,
  onSelect: (sel, button, { keyboard }) => {
    closeOthers(inspector);
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

const edge = new EdgeDetector($('[data-testid="edge-detector"]'), { font: FONT, ...chipState(edgeBtn) });
chipOpens(edgeBtn, edge, () => edge.setInput(asDrawnGrid()));

/** The neurons' buttons, named in the page's language. */
function labelNeurons() {
  const last = SIZES.length - 1;
  for (const b of view.buttons) {
    const layer = Number(b.dataset.layer), i = Number(b.dataset.index);
    b.setAttribute('aria-label', layer === last
      ? t('neuron.output', { digit: i })
      : t(isSilenced(layer, i) ? 'silence.neuron' : 'neuron.hidden', { layer, n: i + 1 }));
  }
}
labelNeurons();

// Silenced neurons (asked.js): how many, Reset all, their marks and their buttons' names (silence.js).
const silenceBar = new SilenceBar($('[data-testid="silence-bar"]'), {
  view,
  relabel: labelNeurons,
  afterReset: () => (inspector.isOpen ? $('[data-testid="silence-toggle"]') : view.neurons.current).focus(),
});

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

// The pre-processing, shown over the pad: on pen-up and on demand (and skippable).
const prep = new PreprocessView($('[data-testid="preprocess"]'), $('[data-testid="preprocess-stage"]'), {
  onState: (state) => { prepSkipBtn.hidden = state !== 'playing'; },
});
let lastReply = null, lastVersion = -1; // the newest reply shown, and its drawing's version
const currentReply = () => (lastReply && lastVersion === live.version ? lastReply : null);

function showPreprocessing() {
  if (pad.isEmpty) return;
  prep.play({ strokes: pad.strokes.map((s) => s.slice()), image: pad.image, raw: raw() });
  const reply = currentReply();
  if (reply) prep.seen(reply.activations[0]);
}

// The signal flowing forward: when the pen lifts (once its answer is in) and on Play.
let flowPending = false;
function flowWhenAnswered() {
  const reply = currentReply();
  if (!reply) { flowPending = true; return; }
  flowPending = false;
  if (!reply.empty) view.flow();
}

// The 784 input pixels: click one (or move with the arrow keys) to see its value and its weights into layer 1.
let pixelCursor = null;
function showPixel(i) {
  pixelCursor = i;
  view.selectPixel(i);
  if (i === null) { pixelInfo.hidden = true; pixelInfo.textContent = ''; delete pixelInfo.dataset.weights; return; }
  const reply = lastReply;
  const a = reply ? reply.activations[0][i] : 0;
  let best = 0;
  const weights = view.net ? Array.from({ length: SIZES[1] }, (_, j) => view.net.layers[0].weights[j * SIZES[0] + i]) : [];
  weights.forEach((w, j) => { if (Math.abs(w) > Math.abs(weights[best])) best = j; });
  pixelInfo.dataset.pixel = String(i);
  pixelInfo.dataset.value = String(a);
  pixelInfo.dataset.weights = weights.map((w) => w.toFixed(4)).join(',');
  pixelInfo.textContent = t('pixels.info', {
    row: Math.floor(i / GRID_SIDE) + 1, col: (i % GRID_SIDE) + 1, a: num(a, 3),
    w: weights.length ? signed(weights[best]) : '', n: best + 1, count: SIZES[1],
  });
  pixelInfo.hidden = false;
  // Beside the grid, above it: CSSOM writes (allowed by the page's CSP).
  const box = view.inputBox;
  pixelInfo.style.left = `${box.x}px`;
  pixelInfo.style.maxWidth = `${Math.max(220, box.side * 1.7)}px`;
  pixelInfo.style.bottom = `${netCanvas.clientHeight - box.y + 8}px`;
}
pixelLayer.addEventListener('pointerdown', (e) => {
  const r = pixelLayer.getBoundingClientRect();
  const c = Math.min(GRID_SIDE - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * GRID_SIDE)));
  const row = Math.min(GRID_SIDE - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * GRID_SIDE)));
  showPixel(row * GRID_SIDE + c);
});
pixelLayer.addEventListener('focus', () => {
  // From the keyboard: start at the brightest pixel (or the middle of an empty grid).
  if (pixelCursor !== null) return;
  const a = lastReply ? lastReply.activations[0] : [];
  let i = Math.floor(GRID_SIDE / 2) * (GRID_SIDE + 1);
  for (let k = 0; k < a.length; k++) if (a[k] > (a[i] || 0)) i = k;
  showPixel(i);
});
pixelLayer.addEventListener('keydown', (e) => {
  const moves = { ArrowUp: -GRID_SIDE, ArrowDown: GRID_SIDE, ArrowLeft: -1, ArrowRight: 1 };
  if (e.key === 'Escape' && pixelCursor !== null) { e.preventDefault(); showPixel(null); return; }
  if (!(e.key in moves) || pixelCursor === null) return;
  e.preventDefault();
  const i = pixelCursor, r = Math.floor(i / GRID_SIDE), c = i % GRID_SIDE;
  const to = e.key === 'ArrowLeft' ? (c > 0 ? i - 1 : i) : e.key === 'ArrowRight' ? (c < GRID_SIDE - 1 ? i + 1 : i)
    : e.key === 'ArrowUp' ? (r > 0 ? i - GRID_SIDE : i) : (r < GRID_SIDE - 1 ? i + GRID_SIDE : i);
  showPixel(to);
});
pixelLayer.addEventListener('blur', () => showPixel(null)); // Tab or a click elsewhere lets go

const live = new LivePredictor({
  snapshot: currentGrid,
  send: (pixels) => predict(pixels, { preprocess: !raw(), ...asked() }),
  onReply: (reply, version) => {
    lastReply = reply;
    lastVersion = version;
    view.show(reply, version);
    inspector.update(reply);
    // The edge detector's neuron sees the drawing where it was drawn (not re-centred): its own text says so.
    if (edge.isOpen) edge.setInput(asDrawnGrid());
    if (prep.active && version === live.version) prep.seen(reply.activations[0]);
    if (pixelCursor !== null) showPixel(pixelCursor);
    netCanvas.dataset.prediction = reply.empty ? '' : String(reply.prediction);
    inputGrid.textContent = reply.activations[0].map((v) => (Math.round(v * 1000) / 1000).toString()).join(',');
    if (reply.empty || pad.isEmpty) clearAnswer(); else showAnswer(reply);
    if (showingNoise()) noiseNote.update(reply);
    announce(reply);
    if (compare) compare.update(reply);
    if (flowPending && version === live.version && !pad.drawing) flowWhenAnswered();
    ownHand.update();
    learn.update(reply.empty || pad.isEmpty ? null : reply);
  },
  onState: (state, err) => {
    document.body.dataset.live = state;
    if (state === 'idle') announcer.rest();
    setStatus(state === 'error' ? () => t('status.unreachable', { error: err.message }) : () => '');
  },
});

// Test it on your own hand (own_hand/): the learner labels the drawing whose answer is on screen,
// once the pen is up; the labels stay in this browser.
const ownHand = new OwnHand($('[data-testid="own-hand"]'), {
  font: FONT,
  next: () => pad.clear(),
  current: () => {
    const reply = currentReply();
    return reply && !reply.empty && !pad.isEmpty && !pad.drawing ? reply : null;
  },
  ...chipState(ownBtn),
});
sidePanels.push(inspector);
chipOpens(ownBtn, ownHand);

// Which network reads the drawing (network_picker.js: the page opens again for the chosen one, the
// drawing carried along), and a second one beside it answering the same drawing at once (compare.js).
new NetworkPicker($('[data-testid="network-form"]'), { grid: () => (pad.isEmpty ? null : processedGrid()) });
const compareBtn = $('[data-testid="compare-open"]'); // there when the server has more than one network
const compare = compareBtn && new Compare($('[data-testid="compare"]'), {
  opener: compareBtn, pad, grid: currentGrid, preprocess: () => !raw(), inputSwitch: withoutPrep, closeOthers,
  onOpen: () => { syncPanels(); if (stacked()) pad.canvas.scrollIntoView({ block: 'nearest' }); }, // the pad above the sheet
  onClose: syncPanels,
});
if (compare) sidePanels.push(compare);

// Why this answer? (experiments/explain.js): the same drawing and question as the live prediction.
const why = new ExplainPanel($('[data-testid="explain"]'), {
  drawing: () => ({ pixels: currentGrid(), preprocess: !raw(), empty: pad.isEmpty }),
  ...chipState(explainBtn),
});
chipOpens(explainBtn, why);

// Watch it learn (experiments/learn.js): while it is open, the snapshot chosen is what the page asks
// (asked.js) and the weights the network view and the inspector show; closing it brings back the trained ones.
// On a phone the network, which the timeline changes, stays in view above the sheet (the answer is in the sheet).
const learnBtn = $('[data-testid="learn-open"]');
const learnRoot = $('[data-testid="learn"]');
const learn = new Learn(learnRoot, {
  chip: learnBtn,
  showNetwork: (net) => { view.setNetwork(net); inspector.setNetwork(net); },
  ...chipState(learnBtn, { el: netCanvas, panel: learnRoot }),
});
chipOpens(learnBtn, learn);

function syncControls() {
  undoBtn.disabled = clearBtn.disabled = shareBtn.disabled = prepShowBtn.disabled = pad.isEmpty;
  hint.hidden = !pad.isEmpty;
}

pad.addEventListener('change', (e) => {
  syncControls();
  const kind = e.detail.kind;
  const reset = kind !== 'ink';
  if (pad.isEmpty) clearAnswer(); // at once: no waiting for the server to say "nothing"
  // Drawing again (or any other change) skips the pre-processing view and the flow.
  prep.hide();
  view.stopFlow();
  flowPending = false;
  if (kind === 'noise') noiseImage = pad.image;
  if (!showingNoise()) noiseNote.hide();
  else if (kind === 'noise' || !noiseNote.isShown) noiseNote.show(); // Undo can bring the noise back
  live.changed({ reset });
  if (kind === 'ink' || kind === 'fresh') why.drawingNow(); else why.changed(); // asked again once the pen lifts
  ownHand.update(); // the answer on screen is no longer this drawing's
  // Mid-stroke the address bar waits for the pen to lift: one replaceState per stroke, not per move.
  share.changed({ settled: kind !== 'ink' && kind !== 'fresh', loaded: kind === 'load' });
});
pad.addEventListener('strokeend', () => {
  share.sync();
  announcer.rest(); // the pen is up: the answer may be spoken
  why.changed();
  ownHand.update();
  showPreprocessing();
  flowWhenAnswered();
});
undoBtn.addEventListener('click', () => pad.undo());
prepShowBtn.addEventListener('click', showPreprocessing);
prepSkipBtn.addEventListener('click', () => { prep.skip(); prepShowBtn.focus(); });
playBtn.addEventListener('click', () => { if (currentReply()) view.flow(); else flowWhenAnswered(); });
withoutPrep.addEventListener('change', () => {
  // Another input for the same drawing: asked again, and its way to the input shown.
  live.changed({ reset: true });
  why.changed();
  if (!pad.isEmpty) showPreprocessing();
});
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
  learn.refresh();
  inspector.refresh();
  edge.refresh();
  why.refresh();
});

onLanguageChange(() => {
  labelNeurons();
  labelCanvas(); // and repaints
  relabelAnswer();
  inspector.refresh();
  edge.refresh();
  share.relabel();
  if (compare) compare.relabel();
  noiseNote.relabel();
  ownHand.relabel();
  learn.relabel();
  why.refresh();
  silenceBar.refresh();
  prep.relabel();
  if (pixelCursor !== null) showPixel(pixelCursor);
  announcer.reset();
  status.textContent = statusText();
});

const shared = share.open(); // a drawing from the link in the address bar, if it holds a good one
if (shared) pad.showGrid(shared); // exactly the sender's 784 values: the same answer
syncControls();
live.changed(); // the drawing (or the blank pad: its resting state) through the network

// Another question for the same drawing (a neuron silenced, a snapshot of the training): asked again.
onAskedChange((what) => {
  live.changed({ reset: true });
  if (what === 'silenced') share.sync(); // the link holds the silenced neurons too
});

fetchNetwork({ network: askedNetwork() }).then(
  (net) => { view.setNetwork(net); inspector.setNetwork(net); },
  (err) => { setStatus(() => t('status.weights', { error: err.message })); },
);
