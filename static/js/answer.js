// The answer: the brightest output, shown large, and the ten probabilities as bars.

const prediction = document.querySelector('[data-testid="prediction"]');
const bars = [...document.querySelectorAll('[data-testid="probabilities"] .prob')];

export function showAnswer(reply) {
  prediction.textContent = String(reply.prediction);
  bars.forEach((li, d) => {
    const p = reply.probabilities[d];
    // CSSOM write (allowed by a strict CSP, unlike a style attribute).
    li.querySelector('.prob-fill').style.transform = `scaleY(${Math.max(0, Math.min(1, p))})`;
    li.classList.toggle('winner', d === reply.prediction);
    li.setAttribute('aria-label', `${d}: ${Math.round(p * 100)}%`);
  });
}

export function clearAnswer() {
  prediction.textContent = '';
  for (const li of bars) {
    li.querySelector('.prob-fill').style.transform = 'scaleY(0)';
    li.classList.remove('winner');
    li.removeAttribute('aria-label');
  }
}
