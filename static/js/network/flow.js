// What plays when the pen lifts: the pre-processing shown over the pad (drawing/preprocess_view.js),
// and the signal flowing forward through the network (view.js's flow) once the drawing's answer is
// in. "See the pre-processing" and Play play them again; Skip ends the first; any change to the
// drawing stops both. The lesson (and a Step control) drive them through showPreprocessing() and play().

import { currentReply, isCurrent, onReply } from '../core/shown.js';
import { onLanguageChange } from '../ui/i18n.js';
import { PreprocessView } from '../drawing/preprocess_view.js';

const $ = (sel) => document.querySelector(sel);

export class Flow {
  /** @param {object} options  drawing (drawing.js), view (the NetworkView) */
  constructor({ drawing, view }) {
    this.drawing = drawing;
    this.view = view;
    this.pending = false; // the flow waits for the drawing's answer
    const show = $('[data-testid="preprocess-show"]');
    const skip = $('[data-testid="preprocess-skip"]');
    this.prep = new PreprocessView($('[data-testid="preprocess"]'), $('[data-testid="preprocess-stage"]'), {
      onState: (state) => { skip.hidden = state !== 'playing'; },
    });
    show.addEventListener('click', () => this.showPreprocessing());
    skip.addEventListener('click', () => { this.prep.skip(); show.focus(); });
    $('[data-testid="play"]').addEventListener('click', () => { if (currentReply()) view.flow(); else this.play(); });
    onReply((reply, version) => {
      if (this.prep.active && isCurrent(version)) this.prep.seen(reply.activations[0]);
      if (this.pending && isCurrent(version) && !drawing.penDown) this.play();
    });
    drawing.onChange(() => { // drawing again (or any other change) skips both
      this.prep.hide();
      view.stopFlow();
      this.pending = false;
    });
    drawing.onStrokeEnd(() => { this.showPreprocessing(); this.play(); });
    drawing.onInputChange(() => { if (!drawing.isEmpty) this.showPreprocessing(); }); // another way to the input
    onLanguageChange(() => this.prep.relabel());
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
}
