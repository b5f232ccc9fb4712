// The answer: the brightest output, shown large, and the ten probabilities as bars.

import { t } from './i18n.js';

const prediction = document.querySelector('[data-testid="prediction"]');
const bars = [...document.querySelectorAll('[data-testid="probabilities"] .prob')];
let shown = null; // the reply on screen, to label again in another language

export function showAnswer(reply) {
  shown = reply;
  prediction.textContent = String(reply.prediction);
  bars.forEach((li, d) => {
    const p = reply.probabilities[d];
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
