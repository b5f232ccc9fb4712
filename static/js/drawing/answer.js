// The answer: the brightest output, shown large, and the ten output neurons'
// activations as bars. Each bar is its neuron's own glow (0..1), how sure the
// network is of that digit: they need not add up to 1, and on an empty or
// unreadable drawing they can all be low. Under it, the status line (the server
// unreachable...), and for a screen reader the answer said once the pen rests
// (ui/announce.js). body[data-live] says whether the newest drawing's answer is on screen;
// input-grid (hidden) holds the input the network read, as numbers.

import { onReply, onLiveState } from '../core/shown.js';
import { t, onLanguageChange } from '../ui/i18n.js';
import { Announcer } from '../ui/announce.js';

const $ = (sel) => document.querySelector(sel);

export class Answer {
  /** @param {object} options  drawing (drawing.js), noise (noise.js: whether the pad holds the noise) */
  constructor({ drawing, noise }) {
    this.drawing = drawing;
    this.noise = noise;
    this.prediction = $('[data-testid="prediction"]');
    this.bars = [...document.querySelectorAll('[data-testid="probabilities"] .prob')];
    this.statusLine = $('[data-testid="status"]');
    this.inputGrid = $('[data-testid="input-grid"]');
    this.shown = null; // the reply on screen, to label again in another language
    this.statusText = () => ''; // the status line, as a function: said again in a new language
    // Spoken once the pen is up and the newest drawing's answer is on screen.
    this.announcer = new Announcer($('[data-testid="announcer"]'), {
      busy: () => drawing.penDown || document.body.dataset.live !== 'idle',
    });
    onReply((reply) => {
      // The network's input as numbers (hidden: for tests and tools, which read what it read).
      this.inputGrid.textContent = reply.activations[0].map((v) => (Math.round(v * 1000) / 1000).toString()).join(',');
      if (reply.empty || drawing.isEmpty) this.clear(); else this.show(reply);
      this.#announce(reply);
    });
    onLiveState((state, err) => {
      document.body.dataset.live = state;
      if (state === 'idle') this.announcer.rest();
      this.status(state === 'error' ? () => t('status.unreachable', { error: err.message }) : () => '');
    });
    drawing.onChange(() => { if (drawing.isEmpty) this.clear(); }); // at once: no waiting for the server to say "nothing"
    drawing.onStrokeEnd(() => this.announcer.rest()); // the pen is up: the answer may be spoken
    onLanguageChange(() => {
      if (this.shown) this.show(this.shown);
      this.announcer.reset();
      this.statusLine.textContent = this.statusText();
    });
  }

  show(reply) {
    this.shown = reply;
    this.prediction.textContent = String(reply.prediction);
    this.bars.forEach((li, d) => {
      const p = reply.activations[reply.activations.length - 1][d];
      // CSSOM write (allowed by a strict CSP, unlike a style attribute).
      li.querySelector('.prob-fill').style.transform = `scaleY(${Math.max(0, Math.min(1, p))})`;
      li.classList.toggle('winner', d === reply.prediction);
      li.setAttribute('aria-label', t('answer.barLabel', { digit: d, pct: Math.round(p * 100) }));
    });
  }

  clear() {
    this.shown = null;
    this.prediction.textContent = '';
    for (const li of this.bars) {
      li.querySelector('.prob-fill').style.transform = 'scaleY(0)';
      li.classList.remove('winner');
      li.removeAttribute('aria-label');
    }
  }

  /** Say `fn()` on the status line (a function: said again in a new language). */
  status(fn) {
    this.statusText = fn;
    this.statusLine.textContent = fn();
  }

  #announce(reply) {
    if (reply.empty || this.drawing.isEmpty) {
      if (this.announcer.spoken) this.announcer.say(t('announce.empty'));
      return;
    }
    const digit = reply.prediction;
    this.announcer.say(this.noise.showing ? t('announce.noise', { digit }) : t('announce.reads', { digit }));
  }
}
