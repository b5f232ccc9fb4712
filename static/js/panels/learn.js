// Watch it learn (issue 16, part 4): a timeline over the snapshots of the network's training
// (GET /api/snapshots: log-spaced steps, the random start first), with Play. While the panel is
// open, the snapshot chosen is what the whole page asks and shows: asked.js carries it into
// every prediction (core/shown.js asks again on the change), and the network view and the
// inspector are given its weights (core/shown.js's showWeights). The panel itself shows the test-accuracy curve with the
// snapshot marked, the first layer's weights as 28x28 images (noise at the start, strokes at
// the end) and what the drawing reads as at that step. The last position is the trained network
// itself (the shipped weights; the last snapshot is their half-precision copy), so closing the
// panel, or choosing the end, leaves the page exactly as it was.

import { t, language } from '../ui/i18n.js';
import { SidePanel } from './side_panel.js';
import { fetchNetwork, fetchSnapshots } from '../core/api.js';
import { network as askedNetwork, setSnapshot, snapshot as askedSnapshot } from '../core/asked.js';
import { showWeights } from '../core/shown.js';
import { drawSignedGrid } from './weight_image.js';
import { SIDE } from '../core/digit.js'; // a first-layer neuron's 784 weights as a SIDE x SIDE image
import { drawAccuracyCurve } from './accuracy_curve.js';

const PLAY_MS = 4000; // Play: from the random start to trained in about this long
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** 0.0004, 0.013, 0.87, 2.3, 60: an epoch count with as many decimals as it needs. */
export function epochText(e) {
  if (!(e > 0)) return '0';
  if (e < 0.01) return String(Number(e.toPrecision(1)));
  return e < 1 ? e.toFixed(2) : e.toFixed(1);
}

export class Learn extends SidePanel {
  /**
   * @param {HTMLElement} root  the panel (starts hidden)
   * @param {object} options  chip (the button that opens it: the server renders it hidden for a
   *   network without snapshots), drawing (drawing.js: an empty pad reads as nothing)
   */
  constructor(root, { chip, drawing }) {
    super(root);
    this.chip = chip;
    this.drawing = drawing;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      intro: $('[data-testid="learn-intro"]'),
      note: $('[data-testid="learn-note"]'),
      body: $('[data-field="body"]'),
      timeline: $('[data-testid="learn-timeline"]'),
      play: $('[data-testid="learn-play"]'),
      playText: $('[data-field="play"]'),
      readout: $('[data-testid="learn-readout"]'),
      stage: $('[data-testid="learn-stage"]'),
      answer: $('[data-testid="learn-answer"]'),
      curve: $('[data-testid="learn-curve"]'),
      weights: $('[data-testid="learn-weights"]'),
      weightsCaption: $('[data-field="weights-caption"]'),
    };
    this.networkId = askedNetwork(); // the page's network: choosing another opens the page again (picker.js)
    this.snapshots = null;    // [{index, step, epoch, test_accuracy}] once listed
    this.listing = null;      // the promise of that list
    this.cache = new Map();   // 'trained' or snapshot index -> promise of its network
    this.index = 0;           // the position on the timeline
    this.net = null;          // the weights on show in the panel
    this.token = 0;           // the newest choice: older fetches that finish late are not shown
    this.playRun = 0;         // bumped to stop a running Play
    this.playing = false;
    this.reply = null;        // the drawing's newest answer (null: nothing drawn)
    this.noteKey = null;
    this.curveGeometry = null;
    this.onSnapshot = false;  // the views show a snapshot's weights, not the trained ones
    this.#listen();
    new ResizeObserver(() => { if (this.isOpen) { this.#drawCurve(); this.#drawWeights(); } }).observe(root);
  }

  get last() { return this.snapshots ? this.snapshots.length - 1 : -1; }

  /**
   * Open at the trained end (where the page already is). The list of snapshots and their weights are
   * fetched now (not with the page: most visits never open this), all at once, so Play runs smoothly.
   */
  async open(opener, options) {
    super.open(opener, options);
    this.#note(this.snapshots ? null : 'learn.loading');
    try {
      await this.#list();
    } catch (err) {
      if (this.isOpen) this.#note('learn.error', { error: err.message });
      return;
    }
    if (!this.isOpen) return; // closed meanwhile
    if (!this.snapshots.length) { this.#note('learn.none'); return; }
    this.#note(null);
    this.#build();
    this.#renderAnswer(); // the answer on screen now (the trained network's)
    this.choose(this.last);
    this.#prefetch();
  }

  onClose() { this.#backToTrained(); }

  /** The drawing's newest answer (nothing for an empty pad): said in the panel for the step shown. */
  update(reply) {
    this.reply = reply.empty || this.drawing.isEmpty ? null : reply;
    if (this.isOpen) this.#renderAnswer();
  }

  /** The language changed: every text again. */
  relabel() {
    if (!this.isOpen) return;
    if (this.noteKey) this.#note(this.noteKey, this.noteParams);
    if (this.snapshots && this.snapshots.length) {
      this.#renderIntro();
      this.#renderPosition();
      this.#renderAnswer();
      this.#labelWeights();
      this.#syncPlay();
    }
  }

  /** The palette changed: the weight images in its colours. */
  repaint() {
    if (this.isOpen) this.#drawWeights();
  }

  /**
   * Show snapshot `k` (the last position: the trained network) across the page. The position
   * and its figures move at once; the weights follow when fetched (at once when prefetched).
   */
  async choose(k) {
    if (!this.snapshots || !this.snapshots.length) return;
    k = Math.max(0, Math.min(this.last, Math.round(k)));
    this.index = k;
    this.el.timeline.value = String(k);
    this.#renderPosition();
    const token = ++this.token;
    const trained = k === this.last;
    let net;
    try {
      net = await this.#network(trained ? null : k);
    } catch (err) {
      if (token === this.token && this.isOpen) this.#note('learn.error', { error: err.message });
      return;
    }
    if (token !== this.token || !this.isOpen) return;
    if (this.noteKey === 'learn.error') this.#note(null);
    this.net = net;
    this.onSnapshot = !trained; // the views have a snapshot's weights (closing gives them the trained ones)
    showWeights(net);
    setSnapshot(trained ? null : k); // the page asks again, with this snapshot (core/shown.js)
    this.#drawWeights();
    this.root.dataset.shown = String(k); // the page shows snapshot k now (its weights and its question)
  }

  // ---- the snapshots and their weights ----

  #list() {
    if (!this.listing) {
      this.listing = fetchSnapshots(this.networkId).then((body) => {
        this.snapshots = body.snapshots;
        this.chip.dataset.snapshots = String(this.snapshots.length);
        this.chip.hidden = !this.snapshots.length; // no history: nothing to open
      });
      this.listing.catch(() => { this.listing = null; }); // asked again on the next open
    }
    return this.listing;
  }

  /** Snapshot `k`'s network (null: the trained one), fetched once. */
  #network(k) {
    const key = k === null ? 'trained' : k;
    if (!this.cache.has(key)) {
      const p = fetchNetwork({ network: this.networkId, snapshot: k });
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return this.cache.get(key);
  }

  /** Every snapshot's weights, in the order Play needs them (the browser runs a few at a time). */
  #prefetch() {
    for (let k = 0; k < this.last; k++) this.#network(k).catch(() => { /* said if it is chosen */ });
  }

  #backToTrained() {
    this.#stopPlay();
    this.token += 1; // a fetch still on its way shows nothing now
    if (this.snapshots && this.snapshots.length) this.index = this.last;
    delete this.root.dataset.shown;
    const wasSnapshot = this.onSnapshot;
    this.onSnapshot = false;
    this.net = null;
    if (askedSnapshot() !== null) setSnapshot(null); // the page asks the trained network again
    if (!wasSnapshot) return; // the views still have the trained weights
    this.#network(null).then((net) => {
      if (!this.isOpen) showWeights(net); // (reopened meanwhile: the panel shows what it chose)
    }, () => { /* the views keep the weights they have; the answers are the trained network's */ });
  }

  // ---- Play ----

  async #play() {
    if (!this.snapshots || !this.snapshots.length) return;
    if (reducedMotion.matches) { await this.choose(this.last); return; } // no animation: straight to the end
    const run = ++this.playRun;
    const step = PLAY_MS / Math.max(1, this.last);
    this.playing = true;
    this.#syncPlay();
    for (let k = this.index >= this.last ? 0 : this.index; k <= this.last; k++) {
      const started = performance.now();
      await this.choose(k);
      if (run !== this.playRun) return;
      if (k < this.last) await sleep(Math.max(0, step - (performance.now() - started)));
      if (run !== this.playRun) return;
    }
    this.playing = false;
    this.#syncPlay();
  }

  #stopPlay() {
    this.playRun += 1;
    if (!this.playing) return;
    this.playing = false;
    this.#syncPlay();
  }

  #syncPlay() {
    const key = this.playing ? 'learn.pause' : 'learn.play';
    this.el.play.dataset.state = this.playing ? 'playing' : 'paused';
    this.el.playText.textContent = t(key);
    this.el.play.title = t(this.playing ? 'learn.pauseTitle' : 'learn.playTitle');
    // Each step's answer is not read out while it plays; once it stops, the answer is.
    this.el.answer.setAttribute('aria-live', this.playing ? 'off' : 'polite');
  }

  #listen() {
    const { el } = this;
    el.timeline.addEventListener('input', () => {
      this.#stopPlay();
      this.choose(Number(el.timeline.value));
    });
    el.play.addEventListener('click', () => {
      if (this.playing) this.#stopPlay(); else this.#play();
    });
    // A click on the curve goes to the snapshot nearest to it (the slider is the keyboard's way).
    el.curve.addEventListener('click', (e) => {
      const g = this.curveGeometry;
      if (!g || !this.snapshots) return;
      const r = el.curve.getBoundingClientRect();
      const x = ((e.clientX - r.left) / r.width) * g.width;
      let best = 0;
      for (let k = 1; k <= this.last; k++) if (Math.abs(g.x(k) - x) < Math.abs(g.x(best) - x)) best = k;
      this.#stopPlay();
      this.choose(best);
    });
  }

  // ---- what the panel shows ----

  #note(key, params = {}) {
    this.noteKey = key;
    this.noteParams = params;
    this.el.note.hidden = !key;
    this.el.note.textContent = key ? t(key, params) : '';
    this.el.body.hidden = Boolean(key) && key !== 'learn.error';
  }

  /** The list is in: the timeline spans it. */
  #build() {
    const { el } = this;
    el.timeline.max = String(this.last);
    el.body.hidden = false;
    this.#renderIntro();
    this.#syncPlay();
  }

  #renderIntro() {
    const s = this.snapshots;
    this.el.intro.textContent = t('learn.intro', { count: s.length, steps: this.#n(s[s.length - 1].step) });
  }

  #n(v) { return new Intl.NumberFormat(language()).format(v); }

  #figures(k) {
    const s = this.snapshots[k];
    return {
      step: this.#n(s.step), total: this.#n(this.snapshots[this.last].step),
      epoch: epochText(s.epoch), pct: (s.test_accuracy * 100).toFixed(1),
    };
  }

  #renderPosition() {
    const k = this.index;
    const f = this.#figures(k);
    const { el } = this;
    el.timeline.setAttribute('aria-valuetext', t('learn.valuetext', f));
    el.readout.textContent = t('learn.readout', f);
    el.readout.dataset.step = String(this.snapshots[k].step);
    el.stage.textContent = k === 0 ? t('learn.start') : k === this.last ? t('learn.trained') : '';
    this.root.dataset.index = String(k);
    this.#drawCurve();
  }

  #renderAnswer() {
    const { el } = this;
    const reply = this.reply;
    if (!reply) {
      el.answer.textContent = t('learn.readsEmpty');
      delete el.answer.dataset.digit;
      return;
    }
    const out = reply.activations[reply.activations.length - 1];
    const pct = Math.round(out[reply.prediction] * 100);
    el.answer.textContent = t('learn.reads', { digit: reply.prediction, pct });
    el.answer.dataset.digit = String(reply.prediction);
    el.answer.dataset.pct = String(pct);
  }

  #drawCurve() {
    if (!this.snapshots || !this.snapshots.length || !this.isOpen) return;
    const f = this.#figures(this.index);
    this.curveGeometry = drawAccuracyCurve(this.el.curve, this.snapshots, this.index, {
      stepAxis: t('learn.axisStep'), accuracyAxis: t('learn.axisAccuracy'),
    });
    this.el.curve.setAttribute('aria-label', t('learn.curveLabel', {
      start: (this.snapshots[0].test_accuracy * 100).toFixed(1),
      end: (this.snapshots[this.last].test_accuracy * 100).toFixed(1), ...f,
    }));
  }

  #drawWeights() {
    const net = this.net;
    if (!net || !this.isOpen) return;
    const { el } = this;
    const { nOut, nIn, weights } = net.layers[0];
    if (el.weights.children.length !== nOut) {
      el.weights.replaceChildren(...Array.from({ length: nOut }, (_, j) => {
        const c = document.createElement('canvas');
        c.className = 'learn-w';
        c.dataset.neuron = String(j);
        return c;
      }));
    }
    [...el.weights.children].forEach((c, j) => {
      drawSignedGrid(c, weights.subarray(j * nIn, (j + 1) * nIn), SIDE, SIDE);
    });
    el.weights.dataset.snapshot = String(this.index);
    this.#labelWeights();
  }

  #labelWeights() {
    if (!this.net) return;
    const n = this.net.layers[0].nOut;
    // Without hidden layers (a trained 784-10) the first layer's neurons are the outputs, one per digit.
    const outputs = this.net.layers.length === 1;
    this.el.weightsCaption.textContent = t(outputs ? 'train.outputWeights' : 'learn.weights', { n });
    this.el.weights.setAttribute('aria-label', t(outputs ? 'train.outputWeightsLabel' : 'learn.weightsLabel',
      { n, step: this.#n(this.snapshots[this.index].step) }));
  }
}
