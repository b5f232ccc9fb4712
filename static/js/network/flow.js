// What plays when the pen lifts: the pre-processing shown over the pad (drawing/preprocess_view.js),
// and the signal flowing forward through the network (view.js's flow) once the drawing's answer is
// in. "See the pre-processing" and Play play them again; Skip ends the first; any change to the
// drawing stops both. Step lights the network one layer more at each press (the lesson's → too),
// and says which layer is lit. The lesson drives them through showPreprocessing(), play() and stepTo().

import { currentReply, isCurrent, onReply } from '../core/shown.js';
import { t, onLanguageChange } from '../ui/i18n.js';
import { PreprocessView } from '../drawing/preprocess_view.js';

const $ = (sel) => document.querySelector(sel);

export class Flow {
  /** @param {object} options  drawing (drawing.js), view (the NetworkView) */
  constructor({ drawing, view }) {
    this.drawing = drawing;
    this.view = view;
    this.pending = false; // the flow waits for the drawing's answer
    this.said = null;     // what the step's line says: [key, params], said again in another language
    const show = $('[data-testid="preprocess-show"]');
    const skip = $('[data-testid="preprocess-skip"]');
    this.stepStatus = $('[data-testid="play-step-status"]');
    this.prep = new PreprocessView($('[data-testid="preprocess"]'), $('[data-testid="preprocess-stage"]'), {
      onState: (state) => { skip.hidden = state !== 'playing'; },
    });
    show.addEventListener('click', () => this.showPreprocessing());
    skip.addEventListener('click', () => { this.prep.skip(); show.focus(); });
    $('[data-testid="play"]').addEventListener('click', () => {
      this.#say(null);
      if (currentReply()) view.flow(); else this.play();
    });
    $('[data-testid="play-step"]').addEventListener('click', () => this.step());
    onReply((reply, version) => {
      if (this.prep.active && isCurrent(version)) this.prep.seen(reply.activations[0]);
      if (this.pending && isCurrent(version) && !drawing.penDown) this.play();
      if (view.stepped === null && this.said && this.said[0] !== 'play.stepEmpty') this.#say(null); // a new answer ends the step
    });
    drawing.onChange(() => { // drawing again (or any other change) skips both
      this.prep.hide();
      view.stopFlow();
      this.pending = false;
      this.#say(null);
    });
    drawing.onStrokeEnd(() => { this.showPreprocessing(); this.play(); });
    drawing.onInputChange(() => { if (!drawing.isEmpty) this.showPreprocessing(); }); // another way to the input
    onLanguageChange(() => {
      this.prep.relabel();
      if (this.said) this.#say(...this.said);
    });
  }

  /** Show how the drawing on the pad becomes the network's input (nothing for an empty pad). */
  showPreprocessing() {
    const { drawing } = this;
    if (drawing.isEmpty) return;
    const { pad } = drawing;
    this.prep.play({ strokes: pad.strokes.map((s) => s.slice()), image: pad.image, raw: drawing.raw });
    const reply = currentReply();
    if (reply) this.prep.seen(reply.activations[0]);
  }

  /** The signal flows forward through the network, once the drawing's answer is in (at once if it is). */
  play() {
    const reply = currentReply();
    if (!reply) { this.pending = true; return; }
    this.pending = false;
    if (!reply.empty) this.view.flow();
  }

  /** Stop the flow or the step (the live picture again), and the line under Step. */
  stop() {
    this.pending = false;
    this.view.stopFlow();
    this.#say(null);
  }

  /** Step: one layer more lit than now (after the output, hidden layer 1 again). Whether it lit one. */
  step() {
    const k = this.view.stepped, last = this.view.sizes.length - 1;
    return this.stepTo(k === null || k >= last ? 1 : k + 1);
  }

  /**
   * The layers up to `k` lit (0: only the input), the later ones dark, and the line under Step says
   * which. Nothing to light before the drawing's answer is in, or on an empty pad (the line says to
   * draw): false.
   */
  stepTo(k) {
    const reply = currentReply();
    if (!reply || reply.empty || !this.view.net) {
      this.#say('play.stepEmpty');
      return false;
    }
    this.pending = false;
    this.view.stepFlow(k);
    const sizes = this.view.sizes, last = sizes.length - 1;
    k = this.view.stepped;
    if (k === 0) this.#say('play.stepInput', { n: sizes[0] });
    else if (k === last) this.#say('play.stepOutput', { n: sizes[k] });
    else this.#say('play.stepHidden', { layer: k, n: sizes[k], from: sizes[k - 1] });
    return true;
  }

  /** The line under Step (a polite live region): `key`'s sentence, or nothing. */
  #say(key, params = {}) {
    const el = this.stepStatus;
    this.said = key ? [key, params] : null;
    if (!key) {
      if (!el.hidden) { el.hidden = true; el.textContent = ''; delete el.dataset.layer; }
      return;
    }
    el.textContent = t(key, params);
    el.hidden = false;
    if (this.view.stepped === null) delete el.dataset.layer; else el.dataset.layer = String(this.view.stepped);
  }
}
