// The network as in the video, on one canvas (painted by network_paint.js): the
// 28x28 input the network saw, two hidden layers of 16 neurons, 10 outputs.
// A layer of real <button>s sits over the neurons so each one can be clicked,
// tapped or reached from the keyboard (one tab stop; arrow keys between neurons).
//
// New activations glide in over EASE_MS, one picture per animation frame; while
// the pen moves, replies come faster than that, and each is shown as it is in the
// next frame instead (the replies are the animation; a glide would lag behind
// the pen, and paint every frame in between).
// Without a GPU, rasterizing the connections takes most of a frame, and on the
// page's main thread, frame after frame, it holds up the pen, the replies and
// everything else. So where the browser can (a Worker with a 2D OffscreenCanvas)
// the glide's frames are painted in network_worker.js, a frame ahead, and only
// copied onto the canvas here. The first frame of a new reply is painted here,
// in the next animation frame: the soonest it can be on screen. So is everything
// that is not a glide (a resize, the weights arriving, a neuron selected, the
// colour palette, reduced motion), so the canvas always holds the current
// picture; frames the worker painted before such a change are dropped.
//
// The canvas says what its current picture holds, whichever thread painted it:
// data-labels (the layer names, JSON), data-label-boxes (where each name's ink is,
// [left, top, right, bottom] in CSS pixels, JSON) and data-label-font, and data-negative-style ('solid', or 'dashed'
// in the colour-blind palette). The layer names (setLabels) and the neurons' button
// names come from the page (main.js), in its language.

import { NetworkPainter } from './network_paint.js';
import { POS, NEG } from './colors.js';
import { palette } from './palette.js';
import { fitCanvas, onPixelRatioChange } from './canvas.js';
import { replyVersion, markPaint, measureDraw, measureWorkerDraw } from './perf.js';

const EASE_MS = 150;
// The signal flowing forward (flow()): when each layer starts to light, and how long it takes.
// Pulses run along the strongest connections into a layer just before it lights (network_paint.js).
export const FLOW = { light: [0, 380, 660, 940], fade: 160, pulse: 300, end: 1150 };
const PULSES = [0, 26, 20, 14]; // connections into each layer that carry a pulse: those with the most |w·a|
const INPUT_INK = 0.08;         // network_paint.js's: dimmer input pixels send no lines
const STUCK_MS = 3000; // a worker frame this late: stop using the worker

// The same system font stack as the page (canvas does not inherit CSS).
const FONT = getComputedStyle(document.documentElement).getPropertyValue('--font').trim()
  || 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

const canUseWorker = () => typeof Worker === 'function' && typeof OffscreenCanvas === 'function'
  && typeof OffscreenCanvas.prototype.transferToImageBitmap === 'function';

export class NetworkView {
  constructor(canvas, buttonLayer, { sizes, onSelect }) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.buttonLayer = buttonLayer;
    this.sizes = sizes;
    this.onSelect = onSelect;
    this.painter = new NetworkPainter(sizes, FONT);
    this.net = null;
    this.prediction = null;
    this.selected = null; // {layer, index}
    this.pixel = null;    // the input pixel looked at (0..783), or null
    this.flowAt = null;   // when the signal started flowing (performance.now()), or null
    this.tops = null;     // per layer, the connections into it that carry a pulse
    this.shown = sizes.map((n) => new Float32Array(n));   // the newest frame's activations
    this.from = this.shown.map((a) => a.slice());         // where the transition started
    this.target = this.shown.map((a) => a.slice());       // where it is going
    this.t0 = 0;
    this.lastReplyAt = -Infinity;
    this.raf = null;
    this.lastFrame = 0;          // the latest animation frame's time
    this.frameMs = 1000 / 60;    // the display's frame interval (measured as frames go by)
    this.latestVersion = -1;     // perf.js: the drawing version of the newest reply shown
    this.paintedVersion = -1;    // ...and of the newest one painted
    // The worker: its state, the frame it is painting, the frame waiting to be copied here.
    this.worker = null;
    this.workerReady = false;
    this.workerClock = 0;        // its performance.now() minus ours
    this.pending = null;         // {id, gen, version, at}
    this.ready = null;           // {bitmap, version}
    this.paintedUpTo = Infinity; // the time of the newest frame painted or sent to be painted
    this.fresh = false;          // a reply came: its first frame is painted here
    this.gen = 0;                // bumped by every change a frame painted before it would miss
    this.nextId = 0;
    this.labels = { full: [], compact: [] };
    this.shownLabels = null;     // the canvas's data-labels, data-label-boxes and data-negative-style, as last set
    this.shownBoxes = null;
    this.shownNegatives = null;
    this.#makeButtons();
    this.#startWorker();
    new ResizeObserver(() => this.#resize()).observe(canvas);
    onPixelRatioChange(() => this.#resize());
  }

  setNetwork(net) {
    this.net = net;
    const layers = net.layers.map(({ weights, nIn }) => ({ weights, nIn }));
    this.painter.setNetwork(layers);
    this.#toWorker({ type: 'network', layers });
    this.#paintNow();
  }

  /** The layers' names, in the page's language: {full: [4 strings], compact: [4 strings]}. */
  setLabels(labels) {
    this.labels = { full: [...labels.full], compact: [...labels.compact] };
    this.painter.setLabels(this.labels);
    this.#toWorker({ type: 'labels', labels: this.labels });
    this.#paintNow();
  }

  /** New activations from the server: glide to them (or jump, for reduced motion). */
  show(reply) {
    this.prediction = reply.empty ? null : reply.prediction;
    this.target = reply.activations.map((a) => Float32Array.from(a));
    const version = replyVersion(reply);
    if (version !== null) this.latestVersion = Math.max(version, this.latestVersion);
    if (reducedMotion.matches) {
      for (let l = 0; l < this.shown.length; l++) this.shown[l].set(this.target[l]);
      this.#paintNow();
      this.#markPainted(this.latestVersion);
      return;
    }
    const now = performance.now();
    const streaming = now - this.lastReplyAt < EASE_MS;
    this.lastReplyAt = now;
    for (let l = 0; l < this.shown.length; l++) this.from[l].set(streaming ? this.target[l] : this.shown[l]);
    this.t0 = streaming ? now - EASE_MS : now; // streaming: the "glide" is over before it starts
    this.flowAt = null; // a new answer: the flow of the old one stops
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
      this.canvas.dataset.flow = 'done';
      return;
    }
    this.tops = this.#strongest();
    const now = performance.now();
    for (let l = 0; l < this.shown.length; l++) this.from[l].set(this.target[l]);
    this.t0 = now - EASE_MS;
    this.flowAt = now;
    this.canvas.dataset.flow = 'running';
    this.canvas.dataset.flowLayer = '0';
    this.canvas.dataset.pulses = '0';
    this.paintedUpTo = -Infinity;
    this.fresh = true;
    this.#loop();
  }

  /** Drawing again: the flow stops where it is, and the live picture takes over. */
  stopFlow() {
    if (!this.flowing) return;
    this.flowAt = null;
    this.canvas.dataset.flow = 'stopped';
    this.#stateAt(performance.now());
    this.#paintNow();
  }

  get flowing() { return this.flowAt !== null && performance.now() - this.flowAt < FLOW.end; }

  /** Look at input pixel `i` (0..783): its 16 outgoing weights are highlighted; null: none. */
  selectPixel(i) {
    this.pixel = i;
    this.#paintNow();
  }

  /** Per layer, the PULSES[l] connections into it with the most |w·a| now (indices into network_paint's lines). */
  #strongest() {
    const tops = [null];
    for (let l = 1; l < this.sizes.length; l++) {
      const { weights, nIn } = this.net.layers[l - 1];
      const a = this.target[l - 1], n = this.sizes[l], k = PULSES[l];
      const best = [];
      let floor = 0;
      for (let i = 0; i < nIn; i++) {
        if (l === 1 && a[i] < INPUT_INK) continue;
        for (let j = 0; j < n; j++) {
          const c = Math.abs(weights[j * nIn + i] * a[i]);
          if (c <= floor) continue;
          // Line numbers as network_paint.js stores them: pixel * n + neuron into layer 1, else to * nFrom + from.
          best.push([c, l === 1 ? i * n + j : j * nIn + i]);
          if (best.length > k) {
            best.sort((x, y) => y[0] - x[0]);
            best.length = k;
            floor = best[k - 1][0];
          }
        }
      }
      best.sort((x, y) => y[0] - x[0]);
      const max = best.length ? best[0][0] : 1;
      tops.push({ lines: Int32Array.from(best, (b) => b[1]), strength: Float32Array.from(best, (b) => b[0] / max) });
    }
    return tops;
  }

  select(sel) {
    this.selected = sel;
    for (const b of this.buttons) {
      const on = !!sel && sel.layer === +b.dataset.layer && sel.index === +b.dataset.index;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
    this.#paintNow();
  }

  button(layer, index) {
    return this.buttons.find((b) => +b.dataset.layer === layer && +b.dataset.index === index);
  }

  // ---- animation ------------------------------------------------------------------------

  #loop() {
    if (this.raf === null) this.raf = requestAnimationFrame((t) => this.#frame(t));
  }

  #frame(now) {
    this.raf = null;
    const gap = now - this.lastFrame;
    if (gap > 4 && gap < 50) this.frameMs += (gap - this.frameMs) * 0.1;
    this.lastFrame = now;
    const moving = () => this.paintedUpTo < Math.max(this.t0 + EASE_MS, this.flowAt === null ? 0 : this.flowAt + FLOW.end);
    if (this.flowAt !== null) {
      const t = Math.max(0, now - this.flowAt); // a frame's time can be a little before flow() was called
      const lit = FLOW.light.filter((at) => t >= at).length - 1;
      if (this.canvas.dataset.flowLayer !== String(lit)) this.canvas.dataset.flowLayer = String(lit);
      if (t >= FLOW.end) {
        this.canvas.dataset.flow = 'done';
        this.canvas.dataset.flowLayer = String(this.sizes.length - 1);
      }
    }
    if (this.#workerOn()) {
      if (this.pending && performance.now() - this.pending.at > STUCK_MS) this.#dropWorker();
    }
    if (this.#workerOn() && !this.fresh) {
      if (this.ready) this.#copyReady();
      if (!this.pending && moving()) this.#sendFrame(now + this.frameMs); // the next frame's picture
      if (this.pending || this.ready || moving()) this.#loop();
      return;
    }
    // Painting here.
    this.fresh = false;
    this.#stateAt(now);
    this.paintedUpTo = now;
    this.#paintNow();
    this.#markPainted(this.latestVersion);
    if (this.#workerOn() && !this.pending && moving()) this.#sendFrame(now + this.frameMs);
    if (moving() || this.pending) this.#loop();
  }

  /** this.shown becomes the transition's state at `time`. */
  #stateAt(time) {
    const t = Math.min(1, Math.max(0, (time - this.t0) / EASE_MS));
    const e = 1 - (1 - t) ** 3; // ease-out: quick to react, gentle to settle
    this.flowTime = this.flowAt === null || time - this.flowAt >= FLOW.end ? null : Math.max(0, time - this.flowAt);
    for (let l = 0; l < this.shown.length; l++) {
      const s = this.shown[l], f = this.from[l], g = this.target[l];
      // While the signal flows, a layer stays dark until its turn, then lights up.
      const lit = this.flowTime === null || l === 0 ? 1 : Math.min(1, Math.max(0, (this.flowTime - FLOW.light[l]) / FLOW.fade));
      for (let i = 0; i < s.length; i++) s[i] = (f[i] + (g[i] - f[i]) * e) * lit;
    }
  }

  /** When the coming animation frame will be (a guess a little ahead when frames have stopped). */
  #nextFrameTime() {
    const now = performance.now();
    if (now - this.lastFrame > 100) return now + this.frameMs / 2;
    return this.lastFrame + Math.max(1, Math.ceil((now - this.lastFrame) / this.frameMs)) * this.frameMs;
  }

  #state() {
    const flowing = this.flowTime !== null && this.flowTime !== undefined && this.tops;
    return {
      shown: this.shown, selected: this.selected, pixel: this.pixel,
      // The winner is boxed once the signal has reached the output.
      prediction: flowing && this.flowTime < FLOW.light[FLOW.light.length - 1] + FLOW.fade ? null : this.prediction,
      flow: flowing ? { time: this.flowTime, tops: this.tops, light: FLOW.light, pulse: FLOW.pulse } : null,
      pos: [...POS], neg: [...NEG], negDashed: palette() === 'cb',
    };
  }

  /** The canvas's data attributes follow the picture now on it (written only when they change). */
  #showPainted({ labels, labelFont, labelBoxes, negatives, pixelLines, pulses }) {
    this.canvas.dataset.pixelLines = String(pixelLines); // the input pixel's weights drawn, for the tests
    if (pulses) this.canvas.dataset.pulses = String(Math.max(pulses, Number(this.canvas.dataset.pulses || 0)));
    const names = JSON.stringify(labels), boxes = JSON.stringify(labelBoxes);
    if (names !== this.shownLabels) this.canvas.dataset.labels = this.shownLabels = names;
    if (boxes !== this.shownBoxes) {
      this.canvas.dataset.labelBoxes = this.shownBoxes = boxes; // where the names are, for the tests
      this.canvas.dataset.labelFont = labelFont;
    }
    if (negatives !== this.shownNegatives) this.canvas.dataset.negativeStyle = this.shownNegatives = negatives;
  }

  /** Paint the current state here, at once; frames the worker is painting are now out of date. */
  #paintNow() {
    this.gen += 1;
    if (this.ready) {
      this.ready.bitmap.close();
      this.ready = null;
    }
    if (!this.painter.geo) return;
    const start = performance.now();
    this.painter.draw(this.ctx, this.#state());
    measureDraw(start);
    this.#showPainted(this.painter.painted);
  }

  #markPainted(version) {
    if (version <= this.paintedVersion) return;
    this.paintedVersion = version;
    markPaint(version);
  }

  // ---- the worker -------------------------------------------------------------------------

  #startWorker() {
    if (!canUseWorker()) return;
    try {
      this.worker = new Worker(new URL('./network_worker.js', import.meta.url), { type: 'module' });
    } catch {
      this.worker = null; // not allowed here: paint on this thread
      return;
    }
    this.worker.onmessage = ({ data }) => this.#fromWorker(data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.#dropWorker();
    };
    this.worker.postMessage({ type: 'init', sizes: this.sizes, font: FONT, labels: this.labels });
  }

  #workerOn() {
    return this.worker !== null && this.workerReady;
  }

  #toWorker(message) {
    if (this.worker) this.worker.postMessage(message);
  }

  #fromWorker(m) {
    if (m.type === 'ready') {
      this.workerReady = true;
      this.workerClock = m.timeOrigin - performance.timeOrigin;
    } else if (m.type === 'frame') {
      const p = this.pending;
      this.pending = null;
      if (!p || p.id !== m.id) {
        m.bitmap.close();
        return;
      }
      measureWorkerDraw(m.start + this.workerClock, m.end + this.workerClock);
      if (p.gen !== this.gen || m.bitmap.width !== this.canvas.width || m.bitmap.height !== this.canvas.height) {
        m.bitmap.close(); // painted before a change: the next frame will be right
      } else {
        if (this.ready) this.ready.bitmap.close();
        this.ready = { bitmap: m.bitmap, version: p.version, painted: m.painted };
      }
      this.#loop();
    } else if (m.type === 'failed') {
      this.#dropWorker();
    }
  }

  /** Ask the worker for the picture at `time`. */
  #sendFrame(time) {
    this.#stateAt(time);
    this.paintedUpTo = time;
    this.pending = { id: ++this.nextId, gen: this.gen, version: this.latestVersion, at: performance.now() };
    this.worker.postMessage({ type: 'paint', id: this.pending.id, state: this.#state() });
  }

  /** Put the worker's newest frame on the canvas (in an animation frame). */
  #copyReady() {
    const { bitmap, version, painted } = this.ready;
    this.ready = null;
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

  /** The worker failed (or is not allowed): paint everything here from now on. */
  #dropWorker() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.workerReady = false;
    this.pending = null;
    if (this.ready) this.ready.bitmap.close();
    this.ready = null;
    if (this.paintedUpTo < Math.max(this.t0 + EASE_MS, this.flowAt === null ? 0 : this.flowAt + FLOW.end)) this.#loop();
  }

  // ---- layout and buttons -------------------------------------------------------------------

  // The 42 neurons are one tab stop (a roving tabindex, as in the WAI-ARIA grid
  // pattern): Tab enters at the neuron last visited, the arrow keys move within a
  // layer (up, down) and between layers (left, right), Home and End go to a layer's
  // ends, Enter or Space opens the one with the focus, and the next Tab leaves the network.
  #makeButtons() {
    this.buttons = [];
    this.byLayer = [null];
    for (let layer = 1; layer < this.sizes.length; layer++) {
      const column = [];
      for (let i = 0; i < this.sizes[layer]; i++) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'neuron-btn';
        b.dataset.layer = String(layer);
        b.dataset.index = String(i);
        b.dataset.testid = `neuron-${layer}-${i}`; // named by main.js, in the page's language
        b.setAttribute('aria-pressed', 'false');
        b.tabIndex = -1;
        // A click made by the keyboard (Enter, Space) has no pointer: detail 0.
        b.addEventListener('click', (e) => {
          this.#rove(b); // a tap may not focus it
          this.onSelect({ layer, index: i }, b, { keyboard: e.detail === 0 });
        });
        this.buttonLayer.append(b);
        this.buttons.push(b);
        column.push(b);
      }
      this.byLayer.push(column);
    }
    this.#rove(this.buttons[0]);
    this.buttonLayer.addEventListener('keydown', (e) => this.#arrowKey(e));
    // However a neuron got the focus (a click, a screen reader), Tab comes back to it.
    this.buttonLayer.addEventListener('focusin', (e) => {
      if (e.target.classList.contains('neuron-btn')) this.#rove(e.target);
    });
  }

  /** `b` becomes the network's one tab stop. */
  #rove(b) {
    if (this.current === b) return;
    if (this.current) this.current.tabIndex = -1;
    b.tabIndex = 0;
    this.current = b;
  }

  #arrowKey(e) {
    const b = e.target.closest('.neuron-btn');
    if (!b || e.altKey || e.ctrlKey || e.metaKey) return;
    const layer = +b.dataset.layer, i = +b.dataset.index, last = this.sizes.length - 1;
    const column = this.byLayer[layer];
    // Across layers the neuron at the same height (16 -> 10 neurons: proportionally).
    const across = (to) => {
      const n = this.byLayer[to].length;
      return this.byLayer[to][Math.round((i * (n - 1)) / Math.max(1, column.length - 1))];
    };
    const moves = {
      ArrowUp: () => column[Math.max(0, i - 1)],
      ArrowDown: () => column[Math.min(column.length - 1, i + 1)],
      ArrowLeft: () => (layer > 1 ? across(layer - 1) : b),
      ArrowRight: () => (layer < last ? across(layer + 1) : b),
      Home: () => column[0],
      End: () => column[column.length - 1],
    };
    if (!(e.key in moves)) return;
    e.preventDefault(); // no page scroll
    const to = moves[e.key]();
    this.#rove(to);
    to.focus();
  }

  #resize() {
    const { ctx, width, height } = fitCanvas(this.canvas);
    this.ctx = ctx;
    this.width = width;
    this.height = height;
    const dpr = this.canvas.width / Math.max(1, width);
    this.painter.resize(width, height, dpr);
    this.#toWorker({
      type: 'resize', width, height, dpr, pixelWidth: this.canvas.width, pixelHeight: this.canvas.height,
    });
    this.#placeButtons();
    this.#paintNow();
  }

  /** Where the input grid is, in CSS pixels of the canvas: {x, y, side}. */
  get inputBox() {
    const { gx, gy, g } = this.painter.geo;
    return { x: gx, y: gy, side: g };
  }

  #placeButtons() {
    const { layers, r, gx, gy, g } = this.painter.geo;
    const px = this.buttonLayer.parentElement.querySelector('.input-pixels');
    if (px) Object.assign(px.style, { left: `${gx}px`, top: `${gy}px`, width: `${g}px`, height: `${g}px` });
    const side = Math.max(2 * r + 6, 22);
    for (const b of this.buttons) {
      const p = layers[+b.dataset.layer][+b.dataset.index];
      // CSSOM writes, not style attributes: allowed under style-src 'self'.
      b.style.left = `${p.x - side / 2}px`;
      b.style.top = `${p.y - side / 2}px`;
      b.style.width = b.style.height = `${side}px`;
    }
  }
}
