// The answer: the brightest output, shown large, and the ten output neurons'
// activations as bars. Each bar is its neuron's own glow (0..1), how sure the
// network is of that digit: they need not add up to 1, and on an empty or
// unreadable drawing they can all be low.

import { t } from '../ui/i18n.js';

const prediction = document.querySelector('[data-testid="prediction"]');
const bars = [...document.querySelectorAll('[data-testid="probabilities"] .prob')];
let shown = null; // the reply on screen, to label again in another language

export function showAnswer(reply) {
  shown = reply;
  prediction.textContent = String(reply.prediction);
  bars.forEach((li, d) => {
    const p = reply.activations[reply.activations.length - 1][d];
    // CSSOM write (allowed by a strict CSP, unlike a style attribute).
    li.querySelector('.prob-fill').style.transform = `scaleY(${Math.max(0, Math.min(1, p))})`;
    li.classList.toggle('winner', d === reply.prediction);
    li.setAttribute('aria-label', t('answer.barLabel', { digit: d, pct: Math.round(p * 100) }));
  });
}

export function clearAnswer() {
  shown = null;
  prediction.textContent = '';
  for (const li of bars) {
    li.querySelector('.prob-fill').style.transform = 'scaleY(0)';
    li.classList.remove('winner');
    li.removeAttribute('aria-label');
  }
}

/** The language changed: the same answer, labelled again. */
export function relabelAnswer() {
  if (shown) showAnswer(shown);
}
