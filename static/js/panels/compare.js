// Two networks, one drawing: a side panel where a second network (its own picker) reads the
// same drawing as this page's network, live as the person draws. Each shows its 10 output
// neurons (brightness = activation, the brightest ringed: its answer), its answer, its sizes,
// parameter count and MNIST figure; a sentence says whether they agree.
//
// The second network is asked through its own LivePredictor (at most one request in flight,
// the newest drawing wins), with the same pixels and pre-processing as the page's network,
// but never the silenced neurons or a training snapshot: those are this page's network's
// (another network has other neurons). It only asks while the panel is open (its requests leave
// perf.js marks too, with their own versions: benchmarks/page_speed.py measures with it shut).
// Only its answers are fetched (POST /api/predict), never its weights.

import { t } from '../ui/i18n.js';
import { num } from '../ui/format.js';
import { predict } from '../core/api.js';
import { LivePredictor } from '../core/live.js';
import { SidePanel } from './side_panel.js';

export class Compare extends SidePanel {
  /**
   * @param {HTMLElement} root  the panel (starts hidden)
   * @param {object} options  drawing (drawing.js: the 784 values as this page's network is sent them,
   *   whether they are pre-processed, and its changes)
   */
  constructor(root, { drawing }) {
    super(root);
    this.drawing = drawing;
    const $ = (sel) => root.querySelector(sel);
    const card = (side) => ({
      outputs: [...root.querySelectorAll(`[data-testid="compare-${side}-outputs"] li`)],
      list: $(`[data-testid="compare-${side}-outputs"]`),
      answer: $(`[data-testid="compare-${side}-answer"]`),
      facts: $(`[data-testid="compare-${side}-facts"]`),
    });
    this.el = {
      picker: $('[data-testid="compare-picker"]'),
      verdict: $('[data-testid="compare-verdict"]'),
      status: $('[data-testid="compare-status"]'),
      main: card('main'),
      other: card('other'),
    };
    this.replies = { main: null, other: null };
    this.error = null;
    this.live = new LivePredictor({
      snapshot: () => drawing.grid(),
      send: (pixels) => predict(pixels, { preprocess: !drawing.raw, network: this.el.picker.value }),
      onReply: (reply) => {
        this.replies.other = reply;
        this.#show('other');
        this.#verdict();
      },
      onState: (state, err) => {
        root.dataset.live = state;
        this.error = state === 'error' ? err : null;
        this.#status();
      },
    });

    this.el.picker.addEventListener('change', () => {
      this.replies.other = null;
      this.#facts();
      this.#show('other');
      this.#verdict();
      this.live.changed({ reset: true });
    });
    drawing.onChange((kind) => this.changed({ reset: kind !== 'ink' }));
    drawing.onStrokeEnd(() => this.#verdict());
    drawing.onInputChange(() => this.changed({ reset: true }));
    this.#facts();
  }

  open(opener, options) {
    super.open(opener, options);
    this.#show('main');
    this.#show('other');
    this.live.changed({ reset: true }); // the drawing may have changed while the panel was shut
  }

  /** The page's network's newest reply (core/shown.js). */
  update(reply) {
    this.replies.main = reply;
    if (!this.isOpen) return;
    this.#show('main');
    this.#verdict();
  }

  /** The drawing, or how it is sent, changed: the second network is asked again (only while open). */
  changed({ reset = false } = {}) {
    if (this.isOpen) this.live.changed({ reset });
  }

  /** The language changed: everything written here is written again. */
  relabel() {
    this.#facts();
    this.#show('main');
    this.#show('other');
    this.#verdict(true);
    this.#status();
  }

  /** The chosen network's figures, from its option (the server wrote them there). */
  #facts() {
    const option = this.el.picker.selectedOptions[0];
    if (!option) return;
    const { sizes, params: n, pct } = option.dataset;
    this.el.other.facts.textContent = t(pct ? 'compare.facts' : 'compare.factsPlain', { sizes, n, pct });
    this.el.other.list.setAttribute('aria-label', t('compare.outputs', { sizes }));
    this.el.main.list.setAttribute('aria-label', t('compare.outputs', { sizes: document.body.dataset.sizes.split(',').join('-') }));
  }

  /** One network's ten output neurons and its answer, from its newest reply (none yet: all dark). */
  #show(side) {
    const reply = this.replies[side];
    const { outputs, answer } = this.el[side];
    const acts = reply ? reply.activations[reply.activations.length - 1] : null;
    const winner = reply && !reply.empty && !this.drawing.isEmpty ? reply.prediction : null;
    outputs.forEach((li, d) => {
      const a = acts ? Math.min(1, Math.max(0, acts[d])) : 0;
      li.style.setProperty('--a', a.toFixed(3)); // CSSOM: allowed by the page's CSP
      li.classList.toggle('win', d === winner);
      li.querySelector('.compare-value').textContent = t('compare.output', { digit: d, a: num(a, 2) });
    });
    answer.dataset.prediction = winner === null ? '' : String(winner);
    answer.textContent = winner === null ? t('compare.nothing') : String(winner);
    answer.classList.toggle('none', winner === null);
  }

  /**
   * Whether the two agree, once the pen is up (it is a status: said aloud, so not at every
   * move of the pen). `again`: say it again as it is (a new language).
   */
  #verdict(again = false) {
    if (this.drawing.penDown && !again) return;
    const { main, other } = this.replies;
    let text = '';
    if (this.drawing.isEmpty) text = t('compare.empty');
    else if (main && other && !main.empty && !other.empty) {
      const option = this.el.picker.selectedOptions[0];
      text = main.prediction === other.prediction ? t('compare.same', { digit: main.prediction })
        : t('compare.differ', { a: main.prediction, b: other.prediction, sizes: option ? option.dataset.sizes : '' });
    }
    if (this.el.verdict.textContent !== text) this.el.verdict.textContent = text;
  }

  #status() {
    const text = this.error ? t('compare.error', { error: this.error.message }) : '';
    if (this.el.status.textContent !== text) this.el.status.textContent = text;
  }
}
