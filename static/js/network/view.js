// The network as in the video, on one canvas: the 28x28 input the network saw, then each
// layer of neurons the weights file describes (the video's: 16, 16 and 10 outputs).
// This module puts the picture on the canvas and keeps it current; the others each do one job:
//   paint.js            paints a picture (here, or in worker.js)
//   motion.js           what the picture holds at a moment (the glide to new activations, the flow)
//   frames.js           the worker that paints the glide's frames off the page's main thread
//   neuron_buttons.js   a real <button> over each neuron (click, tap, keyboard)
//   core/perf.js        User Timing marks: this module marks when a reply's version is painted
//
// A glide's frames are painted in the worker where the browser can, a frame ahead, and only
// copied onto the canvas here. The first frame of a new reply is painted here, in the next
// animation frame: the soonest it can be on screen. So is everything that is not a glide (a
// resize, the weights arriving, a neuron selected, the colour palette, reduced motion), so the
// canvas always holds the current picture; frames the worker painted before such a change are dropped.
//
// The canvas says what its current picture holds, whichever thread painted it:
// data-labels (the layer names, JSON), data-label-boxes (where each name's ink is,
// [left, top, right, bottom] in CSS pixels, JSON) and data-label-font, data-negative-style ('solid',
// or 'dashed' in the colour-blind palette), data-flow and data-flow-layer (the signal flowing),
// ('step' while Step holds the layers up to data-flow-layer lit),
// data-pulses, data-pixel-lines and data-silenced (how many silenced neurons it marks), data-over-one
// (how many neurons are above 1, a ReLU's, drawn at full brightness with their value written), and
// data-prediction (the newest reply's answer; '' for none).
// The layer names (setLabels) and the neurons' button names come from labels.js, in the page's language.

import { NetworkPainter } from './paint.js';
import { Motion } from './motion.js';
import { WorkerFrames } from './frames.js';
import { NeuronButtons } from './neuron_buttons.js';
import { POS, NEG, HILITE } from '../ui/colors.js';
import { palette, onPaletteChange } from '../ui/palette.js';
import { SIDE } from '../core/digit.js';
import { FONT, canvasText } from '../ui/theme.js';
import { onClassroomChange } from '../ui/classroom.js';
import { fitCanvas, onPixelRatioChange } from '../ui/canvas.js';
import { markPaint, measureDraw } from '../core/perf.js';

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

export class NetworkView {
  /** `sizes`: neurons per layer. */
  constructor(canvas, buttonLayer, { sizes }) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.sizes = sizes;
    this.painter = new NetworkPainter(sizes, { font: FONT, side: SIDE });
    this.motion = new Motion(sizes);
    this.net = null;
    this.prediction = null;
    this.selected = null; // {layer, index}
    this.pixel = null;    // the input pixel looked at (0..783), or null
    this.silenced = [];   // [[layer, index], ...]: hidden neurons held at 0 (asked.js), marked on the picture
    this.raf = null;
    this.lastFrame = 0;          // the latest animation frame's time
    this.frameMs = 1000 / 60;    // the display's frame interval (measured as frames go by)
    this.latestVersion = -1;     // the drawing version of the newest reply shown (perf.js)
    this.paintedVersion = -1;    // ...and of the newest one painted
    this.paintedUpTo = Infinity; // the time of the newest frame painted or sent to be painted
    this.fresh = false;          // a reply came: its first frame is painted here
    this.gen = 0;                // bumped by every change a frame painted before it would miss
    this.labels = { full: [], compact: [] };
    this.shownLabels = null;     // the canvas's data-labels, data-label-boxes and data-negative-style, as last set
    this.shownBoxes = null;
    this.shownNegatives = null;
    this.selectListeners = [];
    this.neurons = new NeuronButtons(buttonLayer, sizes, (...args) => { for (const fn of this.selectListeners) fn(...args); });
    this.pixelLayer = buttonLayer.parentElement.querySelector('.input-pixels');
    this.frames = new WorkerFrames({ sizes, font: FONT, side: SIDE, labels: this.labels }, {
      current: () => ({ gen: this.gen, width: this.canvas.width, height: this.canvas.height }),
      onFrame: () => this.#loop(),
      onDrop: () => { if (this.#moving()) this.#loop(); },
    });
    new ResizeObserver(() => this.#resize()).observe(canvas);
    onPixelRatioChange(() => this.#resize());
    onClassroomChange(() => this.#resize()); // larger words, whether or not the canvas changed size
    onPaletteChange(() => this.select(this.selected)); // the connections in the new colours (dashed negatives in cb)
  }

  /** fn({layer, index}, button, {keyboard}) when a neuron's button is pressed (the inspector opens on it). */
  onSelect(fn) { this.selectListeners.push(fn); }

  /** The neurons' buttons, in order (layer by layer), for labels.js to name. */
  get buttons() { return this.neurons.all; }

  setNetwork(net) {
    this.net = net;
    const layers = net.layers.map(({ weights, nIn }) => ({ weights, nIn }));
    this.painter.setNetwork(layers);
    this.frames.post({ type: 'network', layers });
    this.#paintNow();
  }

  /** The layers' names, in the page's language: {full: [a string per layer], compact: [...]}. */
  setLabels(labels) {
    this.labels = { full: [...labels.full], compact: [...labels.compact] };
    this.painter.setLabels(this.labels);
    this.frames.post({ type: 'labels', labels: this.labels });
    this.#paintNow();
  }

  /** New activations from the server, for drawing `version`: glide to them (or jump, for reduced motion). */
  show(reply, version) {
    this.prediction = reply.empty ? null : reply.prediction;
    this.canvas.dataset.prediction = reply.empty ? '' : String(reply.prediction);
    if (this.motion.stepTo !== null) this.canvas.dataset.flow = 'stopped'; // a new answer: the step is over
    if (Number.isFinite(version)) this.latestVersion = Math.max(version, this.latestVersion);
    this.motion.glideTo(reply.activations, performance.now(), { jump: reducedMotion.matches });
    if (reducedMotion.matches) {
      this.#paintNow();
      this.#markPainted(this.latestVersion);
      return;
    }
    this.paintedUpTo = -Infinity;
    this.fresh = true; // its first frame is painted here: the soonest it can be on screen
    this.#loop();
  }

  /**
   * The signal flows forward: the input, then each layer lights in turn (about a second
   * in all), with pulses along the connections that carry the most. Nothing moves with
   * prefers-reduced-motion (the picture is already the end state).
   */
  flow() {
    if (reducedMotion.matches || !this.net) {
      if (this.motion.stepTo !== null) { // the whole network lit: the end state of the flow
        this.motion.stopFlow(performance.now());
        this.#paintNow();
      }
      this.canvas.dataset.flow = 'done';
      return;
    }
    this.motion.startFlow(this.net, performance.now());
    Object.assign(this.canvas.dataset, { flow: 'running', flowLayer: '0', pulses: '0' });
    this.paintedUpTo = -Infinity;
    this.fresh = true;
    this.#loop();
  }

  /**
   * Step: the layers up to `k` lit (0: only the input), layer k with the connections into it and
   * their pulses, the later ones dark; held until the next step, the flow, or a new answer.
   * With prefers-reduced-motion it is lit at once.
   */
  stepFlow(k) {
    if (!this.net) return;
    k = Math.max(0, Math.min(this.sizes.length - 1, k));
    const now = performance.now();
    this.motion.step(k, this.net, now, { jump: reducedMotion.matches });
    Object.assign(this.canvas.dataset, { flow: 'step', flowLayer: String(k), pulses: '0' });
    if (reducedMotion.matches) {
      this.motion.at(now);
      this.#paintNow();
      return;
    }
    this.paintedUpTo = -Infinity;
    this.fresh = true;
    this.#loop();
  }

  /** While stepping, the last layer lit (0: the input); else null. */
  get stepped() { return this.motion.stepTo; }

  /** Drawing again: the flow (or a step) stops where it is, and the live picture takes over. */
  stopFlow() {
    const now = performance.now();
    if (!this.motion.flowing(now)) return;
    this.motion.stopFlow(now);
    this.canvas.dataset.flow = 'stopped';
    this.#paintNow();
  }

  /** Look at input pixel `i` (0..783): its outgoing weights are highlighted; null: none. */
  selectPixel(i) {
    this.pixel = i;
    this.#paintNow();
  }

  /** Neuron `sel` ({layer, index}) is the one inspected (null: none). */
  select(sel) {
    this.selected = sel;
    this.neurons.select(sel);
    this.#paintNow();
  }

  /** Hidden neurons held at 0 ([[layer, index], ...]): marked on the picture and on their buttons. */
  setSilenced(list) {
    this.silenced = list.map((pair) => pair.slice());
    this.neurons.setSilenced(this.silenced);
    this.#paintNow();
  }

  /** Where layer `l`'s column of neurons is on the page (the output digits beside the last one): a DOMRect-like box, or null. */
  layerBox(l) {
    const geo = this.painter.geo;
    if (!geo || !geo.layers[l]) return null;
    const c = this.canvas.getBoundingClientRect(), col = geo.layers[l], x = col[0].x, r = geo.r;
    const right = l === this.sizes.length - 1 ? x + r + 8 + geo.digitPx * 0.8 : x + r;
    return { left: c.left + x - r, top: c.top + col[0].y - r, right: c.left + right, bottom: c.top + col[col.length - 1].y + r };
  }

  /** Where the input grid is, in CSS pixels of the canvas: {x, y, side}. */
  get inputBox() {
    const { gx, gy, g } = this.painter.geo;
    return { x: gx, y: gy, side: g };
  }

  // ---- animation frames ---------------------------------------------------------------------

  #moving() { return this.paintedUpTo < this.motion.movingUntil; }

  #loop() {
    if (this.raf === null) this.raf = requestAnimationFrame((t) => this.#frame(t));
  }

  #frame(now) {
    this.raf = null;
    const gap = now - this.lastFrame;
    if (gap > 4 && gap < 50) this.frameMs += (gap - this.frameMs) * 0.1;
    this.lastFrame = now;
    this.#showFlow(now);
    this.frames.dropIfStuck();
    const frames = this.frames;
    if (frames.on && !this.fresh) {
      const done = frames.take();
      if (done) this.#copy(done);
      if (!frames.pending && this.#moving()) this.#sendFrame(now + this.frameMs); // the next frame's picture
      if (frames.pending || this.#moving()) this.#loop();
      return;
    }
    // Painting here.
    this.fresh = false;
    this.motion.at(now);
    this.paintedUpTo = now;
    this.#paintNow();
    this.#markPainted(this.latestVersion);
    if (frames.on && !frames.pending && this.#moving()) this.#sendFrame(now + this.frameMs);
    if (this.#moving() || frames.pending) this.#loop();
  }

  /** data-flow and data-flow-layer follow the flow's timeline. */
  #showFlow(now) {
    const layer = this.motion.flowLayer(now);
    if (layer === null) return;
    const data = this.canvas.dataset;
    if (layer === 'done') {
      data.flow = 'done';
      data.flowLayer = String(this.sizes.length - 1);
    } else if (data.flowLayer !== String(layer)) {
      data.flowLayer = String(layer);
    }
  }

  /** What the painter draws. */
  #state() {
    return {
      shown: this.motion.shown, selected: this.selected, pixel: this.pixel, silenced: this.silenced,
      prediction: this.motion.outputLit ? this.prediction : null, // boxed once the signal reaches the output
      flow: this.motion.flow,
      litUpTo: this.motion.litUpTo,
      pos: [...POS], neg: [...NEG], hilite: [...HILITE], negDashed: palette() === 'cb',
    };
  }

  /** Paint the current state here, at once; frames the worker is painting are now out of date. */
  #paintNow() {
    this.gen += 1;
    this.frames.discard();
    if (!this.painter.geo) return;
    const start = performance.now();
    this.painter.draw(this.ctx, this.#state());
    measureDraw(start);
    this.#showPainted(this.painter.painted);
  }

  /** Ask the worker for the picture at `time`. */
  #sendFrame(time) {
    this.motion.at(time);
    this.paintedUpTo = time;
    this.frames.paint(this.#state(), { gen: this.gen, version: this.latestVersion });
  }

  /** Put a frame the worker painted on the canvas (in an animation frame). */
  #copy({ bitmap, version, painted }) {
    const ctx = this.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(bitmap, 0, 0);
    ctx.restore();
    bitmap.close();
    this.#showPainted(painted);
    this.#markPainted(version);
  }

  #markPainted(version) {
    if (version <= this.paintedVersion) return;
    this.paintedVersion = version;
    markPaint(version);
  }

  /** The canvas's data attributes follow the picture now on it (written only when they change). */
  #showPainted({ labels, labelFont, labelBoxes, negatives, pixelLines, pulses, silenced, overOne }) {
    this.canvas.dataset.pixelLines = String(pixelLines); // the input pixel's weights drawn, for the tests
    this.canvas.dataset.overOne = String(overOne || 0); // neurons above 1 (ReLU), drawn with their value
    this.canvas.dataset.silenced = String(silenced || 0); // the silenced neurons marked, for the tests
    if (pulses) this.canvas.dataset.pulses = String(Math.max(pulses, Number(this.canvas.dataset.pulses || 0)));
    const names = JSON.stringify(labels), boxes = JSON.stringify(labelBoxes);
    if (names !== this.shownLabels) this.canvas.dataset.labels = this.shownLabels = names;
    if (boxes !== this.shownBoxes) {
      this.canvas.dataset.labelBoxes = this.shownBoxes = boxes; // where the names are, for the tests
      this.canvas.dataset.labelFont = labelFont;
    }
    if (negatives !== this.shownNegatives) this.canvas.dataset.negativeStyle = this.shownNegatives = negatives;
  }

  // ---- layout ---------------------------------------------------------------------------------

  #resize() {
    const { ctx, width, height } = fitCanvas(this.canvas);
    this.ctx = ctx;
    const dpr = this.canvas.width / Math.max(1, width);
    const text = canvasText(this.canvas); // its font-size: larger on large screens and in classroom mode
    this.painter.resize(width, height, dpr, text);
    this.frames.post({
      type: 'resize', width, height, dpr, text, pixelWidth: this.canvas.width, pixelHeight: this.canvas.height,
    });
    const geo = this.painter.geo;
    if (this.pixelLayer) {
      const { gx, gy, g } = geo;
      Object.assign(this.pixelLayer.style, { left: `${gx}px`, top: `${gy}px`, width: `${g}px`, height: `${g}px` });
    }
    this.neurons.place(geo);
    this.#paintNow();
  }
}
