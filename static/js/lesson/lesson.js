// The lesson: a guided walk through the video's story on the live page (steps.js). Each step rings
// the real parts of the page it is about (spotlight.js), says a few sentences in a card, and where
// it helps does something: shows a sample digit (sample.js), lights the network one layer at a time,
// opens the inspector on a neuron, draws hidden layer 1's weights in the card.
//
// The card is a SidePanel (Escape, Tab kept inside it, the focus given back on leaving, the
// language and the palette) that belongs to no group: the side panels it opens stay open beside it.
// Next / Back, → / ← (unless the focus is on something that moves with the arrows itself: a field, a
// slider, the neurons, the input pixels, the edge detector's grid), Escape leaves (unless the focus
// is in a side panel or a field, whose Escape it is). "3 / 12" says where it is; the card's
// data-step too; each step's text is said once to a screen reader. ?lesson=N in the address opens
// the page at step N, and the address follows the step (a teacher can link one).
//
// Leaving puts the page back as it was: the learner's drawing (its strokes), the side panel that
// was open (and its neuron), the scroll. What the learner did meanwhile stays: a drawing of their
// own, a panel they opened themselves.

import { t, language } from '../ui/i18n.js';
import { palette } from '../ui/palette.js';
import { currentReply, isCurrent, lastReply, onReply, onWeights, weights } from '../core/shown.js';
import { SidePanel } from '../panels/side_panel.js';
import { drawSignedGrid } from '../panels/weight_image.js';
import { Spotlight } from './spotlight.js';
import { STEPS } from './steps.js';
import { SAMPLE } from './sample.js';

const PARAM = 'lesson';
const FIGURE_MAX = 16; // hidden layer 1's weight images in the card (the video's 16; the first 16 of more)
const TYPING = 'input, textarea, select, [contenteditable="true"]';
// What takes the arrow keys itself (network/neuron_buttons.js, network/pixels.js, the edge detector's grid...).
const ARROWS = `${TYPING}, .neuron-btn, [role="application"], [role="slider"], [role="grid"], [role="listbox"], [role="radiogroup"], [role="tablist"], [role="menu"]`;

export class Lesson extends SidePanel {
  /**
   * @param {HTMLElement} root  the lesson's card (starts hidden)
   * @param {object} options  button (opens it), spotlight (the layer over the page), drawing, view,
   *                          flow, panels (the side panels), sizes (neurons per layer)
   */
  constructor(root, { button, spotlight, drawing, view, flow, panels, sizes }) {
    super(root);
    Object.assign(this, { button, drawing, view, flow, panels, sizes });
    this.inspector = panels.get('inspector');
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      progress: $('[data-testid="lesson-progress"]'),
      note: $('[data-testid="lesson-note"]'),
      text: $('[data-testid="lesson-text"]'),
      figure: $('[data-testid="lesson-figure"]'),
      weights: $('[data-field="weights"]'),
      caption: $('[data-field="caption"]'),
      actions: $('[data-field="actions"]'),
      learn: $('[data-testid="lesson-learn"]'),
      prev: $('[data-testid="lesson-prev"]'),
      next: $('[data-testid="lesson-next"]'),
      announcer: $('[data-testid="lesson-announcer"]'),
    };
    this.spot = new Spotlight(spotlight, root);
    this.n = 0;              // the step shown (1..STEPS.length), 0 before any
    this.token = 0;          // the newest step asked for: an older one still on its way stops
    this.ready = false;      // the step shown is entered (its numbers follow the answer)
    this.saved = null;       // the page as it was when the lesson began
    this.sampled = false;    // the sample digit was put on the pad
    this.learnerDrew = false; // ...and the learner has drawn since (their drawing stays)
    this.putting = false;    // the lesson itself is changing the pad
    this.opened = null;      // the side panel the lesson opened
    this.lessonNeuron = null; // the neuron steps 7-10 look into
    this.noteKey = null;
    this.c = this.#view();
    this.#listen();
    const asked = new URLSearchParams(window.location.search).get(PARAM);
    // After the page is wired (the shared drawing shown, the first question asked): what the lesson saves is the page's.
    if (asked !== null) queueMicrotask(() => this.#openFromLink(asked));
  }

  get step() { return STEPS[this.n - 1] || null; }

  /** Begin at step `n` (or go there, if the lesson is open). `opener` gets the focus back on leaving. */
  start(n = 1, opener = this.button) {
    if (!this.isOpen) {
      const panel = this.panels.current;
      this.saved = {
        contents: this.drawing.pad.contents(),
        panel, opener: panel ? panel.opener : null,
        neuron: panel === this.inspector && this.inspector.sel ? { ...this.inspector.sel } : null,
        scroll: [window.scrollX, window.scrollY],
      };
      Object.assign(this, { sampled: false, learnerDrew: false, opened: null, lessonNeuron: null });
      this.open(opener, { focus: false });
      this.button.setAttribute('aria-expanded', 'true');
      document.body.dataset.lesson = 'on';
    }
    this.go(n);
    this.el.next.focus({ preventScroll: true });
  }

  /** Show step `n` (1..12): the page does what the step does, then the card and the rings say it. */
  async go(n) {
    n = Math.max(1, Math.min(STEPS.length, Math.round(n)));
    const token = ++this.token;
    if (this.step && this.n !== n && this.step.leave) this.step.leave(this.c);
    if (this.n !== n) this.#note(null);
    this.n = n;
    this.ready = false;
    const step = this.step;
    this.root.dataset.step = String(n);
    this.#address(n);
    this.#renderCard();
    if (step.sample) await this.#sample();
    if (token !== this.token) return;
    this.#panel(step);
    if (step.enter) await step.enter(this.c);
    if (token !== this.token) return;
    this.ready = true;
    this.#renderCard();
    this.spot.show(step.spots(this.c));
    this.#announce();
  }

  next() {
    if (this.n >= STEPS.length) this.close(); else this.go(this.n + 1);
  }

  prev() { if (this.n > 1) this.go(this.n - 1); }

  onClose() {
    this.token += 1;
    this.ready = false;
    if (this.step && this.step.leave) this.step.leave(this.c);
    this.flow.stop();
    this.spot.hide();
    const { saved } = this;
    if (this.sampled && !this.learnerDrew) this.#put(saved.contents, 'restore'); // the learner's drawing again
    // The panel the lesson opened closes; the one that was open comes back (unless the learner opened one).
    if (this.opened && this.opened.isOpen) this.opened.close({ restoreFocus: false });
    if (!this.panels.current && saved.panel) {
      if (saved.panel === this.inspector && saved.neuron) this.inspector.inspect(saved.neuron, { opener: saved.opener, focus: false });
      else saved.panel.open(saved.opener, { focus: false });
    }
    window.scrollTo(saved.scroll[0], saved.scroll[1]);
    this.#address(null);
    this.#note(null);
    this.n = 0;
    delete this.root.dataset.step;
    delete document.body.dataset.lesson;
    this.button.setAttribute('aria-expanded', 'false');
  }

  /** The page's newest answer: the step's numbers (and the neuron it rings) follow it, unsaid. */
  update() {
    if (!this.isOpen || !this.ready) return;
    this.#renderCard();
    this.spot.show(this.step.spots(this.c), { scroll: false });
  }

  relabel() {
    if (!this.isOpen) return;
    this.#renderCard();
    if (this.noteKey) this.#note(this.noteKey);
  }

  repaint() {
    if (!this.isOpen) return;
    this.#renderCard();
  }

  // ---- what the lesson does on the page ----

  /** The sample digit on the pad (once, unless the learner has drawn), and its answer in. */
  async #sample() {
    if (!this.sampled && !this.learnerDrew) {
      this.#put({ strokes: SAMPLE }, 'sample');
      this.sampled = true;
    }
    await this.#answer();
  }

  #put(contents, kind) {
    this.putting = true;
    try { this.drawing.pad.put(contents, { kind }); } finally { this.putting = false; }
  }

  /** The answer to the drawing as it is now (at once if it is in). */
  #answer() {
    const now = currentReply();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const off = onReply((reply, version) => {
        if (!isCurrent(version)) return;
        off();
        resolve(reply);
      });
    });
  }

  /** The inspector open on the lesson's neuron for the steps inside a neuron; else the panel the lesson opened closes. */
  #panel(step) {
    if (step.panel === 'inspector') {
      this.inspector.inspect(this.c.neuron(), { focus: false });
      this.opened = this.inspector;
    } else if (this.opened) {
      if (this.opened.isOpen) this.opened.close({ restoreFocus: false });
      this.opened = null;
    }
  }

  #openFromLink(value) {
    const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
    const good = n >= 1 && n <= STEPS.length;
    this.start(good ? n : 1);
    if (!good) this.#note('lesson.badStep'); // said in the card, never the link's text
  }

  /** The address says the step (?lesson=N), or nothing once the lesson is left. */
  #address(n) {
    const url = new URL(window.location.href);
    if (n) url.searchParams.set(PARAM, String(n)); else url.searchParams.delete(PARAM);
    if (url.href !== window.location.href) window.history.replaceState(window.history.state, '', url.href);
  }

  // ---- the card ----

  #renderCard() {
    const step = this.step;
    if (!step) return;
    const { el } = this, total = STEPS.length;
    el.progress.textContent = t('lesson.progress', { n: this.n, total });
    this.title.textContent = t(step.title);
    const text = t(step.text, this.ready ? step.params(this.c) : this.#blanks(step));
    el.text.replaceChildren(...text.split('\n').map((line) => {
      const p = document.createElement('p');
      p.textContent = line;
      return p;
    }));
    el.prev.disabled = this.n <= 1;
    el.next.textContent = t(this.n >= total ? 'lesson.done' : 'lesson.next');
    el.actions.hidden = step.action !== 'learn' || this.#learnChip().hidden;
    el.figure.hidden = step.figure !== 'weights';
    if (!el.figure.hidden) this.#drawFigure();
    this.spot.refit();
  }

  /** Before a step's numbers are known: its text with a dash for each. */
  #blanks(step) {
    const keys = (t(step.text).match(/\{(\w+)\}/g) || []).map((m) => m.slice(1, -1));
    return Object.fromEntries(keys.map((k) => [k, '…']));
  }

  /** Hidden layer 1's weights as pictures (the first FIGURE_MAX neurons), as the inspector paints them. */
  #drawFigure() {
    const net = weights();
    const { el } = this;
    const n = Math.min(FIGURE_MAX, this.sizes[1]);
    el.caption.textContent = t(n < this.sizes[1] ? 'lesson.hope.captionSome' : 'lesson.hope.caption', { shown: n, n: this.sizes[1] });
    if (el.weights.children.length !== n) {
      el.weights.replaceChildren(...Array.from({ length: n }, (_, j) => {
        const c = document.createElement('canvas');
        c.className = 'lesson-w';
        c.dataset.neuron = String(j);
        return c;
      }));
    }
    if (!net) return;
    const { nIn, weights: w } = net.layers[0];
    const side = Math.round(Math.sqrt(nIn));
    [...el.weights.children].forEach((c, j) => drawSignedGrid(c, w.subarray(j * nIn, (j + 1) * nIn), side, side));
    el.weights.dataset.drawn = String(n);
  }

  /** Each step's words said once (a polite live region), when the step is in place. */
  #announce() {
    const step = this.step;
    this.el.announcer.textContent = [
      t('lesson.stepOf', { n: this.n, total: STEPS.length }), t(step.title), t(step.text, step.params(this.c)),
    ].join(' ');
  }

  #note(key) {
    this.noteKey = key;
    this.el.note.hidden = !key;
    this.el.note.textContent = key ? t(key, { total: STEPS.length }) : '';
  }

  #learnChip() { return document.querySelector('[data-testid="learn-open"]'); }

  #listen() {
    const { el } = this;
    this.button.addEventListener('click', () => { if (this.isOpen) this.close(); else this.start(1, this.button); });
    el.next.addEventListener('click', () => this.next());
    el.prev.addEventListener('click', () => this.prev());
    el.learn.addEventListener('click', () => { this.opened = this.panels.open('learn', { focus: false }); });
    this.drawing.onChange(() => { if (this.isOpen && !this.putting) this.learnerDrew = true; });
    onWeights(() => { if (this.isOpen && this.step && this.step.figure) this.#drawFigure(); });
    new ResizeObserver(() => { if (this.isOpen && this.step && this.step.figure) this.#drawFigure(); }).observe(el.figure);
    // Capture: Escape reaches the lesson before the side panels' own (one Escape, one thing closed).
    document.addEventListener('keydown', (e) => this.#key(e), true);
  }

  #key(e) {
    if (!this.isOpen || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const at = document.activeElement;
    if (e.key === 'Escape') {
      // A side panel's Escape closes that panel; a field's is the field's.
      if (at && !this.root.contains(at) && (at.closest('.side-panel') || at.closest(TYPING))) return;
      e.preventDefault();
      this.close();
    } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && !e.shiftKey && !(at && at.closest(ARROWS))) {
      e.preventDefault();
      if (e.key === 'ArrowLeft') this.prev();
      else if (!(this.ready && this.step.key && this.step.key(this.c))) this.next();
    }
  }

  /** What the steps see of the page (steps.js's `c`). */
  #view() {
    const { sizes, view, flow } = this;
    const last = sizes.length - 1;
    const lesson = this;
    const fmt = () => new Intl.NumberFormat(language());
    return {
      sizes, last, view, flow,
      $: (sel) => document.querySelector(sel),
      layer: (l) => [...document.querySelectorAll(`.neuron-btn[data-layer="${l}"]`)],
      neuronButton: (l, i) => document.querySelector(`[data-testid="neuron-${l}-${i}"]`),
      lastReply: () => currentReply() || lastReply(),
      net: () => weights(),
      acts(l) { const r = this.lastReply(); return r ? Array.from(r.activations[l]) : new Array(sizes[l]).fill(0); },
      /** The neuron steps 7-10 open: hidden layer 1's most lit for the drawing when first asked. */
      neuron() {
        if (!lesson.lessonNeuron) {
          const acts = this.acts(1);
          lesson.lessonNeuron = { layer: 1, index: acts.reduce((b, a, i) => (a > acts[b] ? i : b), 0) };
        }
        return lesson.lessonNeuron;
      },
      colours: () => ({ pos: t(`lesson.colour.pos.${palette()}`), neg: t(`lesson.colour.neg.${palette()}`) }),
      count: (v) => fmt().format(v),
    };
  }
}
