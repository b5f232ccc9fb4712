// The lesson's twelve steps, in the video's order: what a neuron is, the input and output layers,
// the hidden ones, one layer deciding the next (stepped through), the video's hope beside what our
// network learned, one neuron's weights, weighted sum, bias and sigmoid, the 13,002 knobs, and the
// learner's turn. Each step names its words (the catalogs' lesson.ID.title and lesson.ID.text), the
// parts of the live page it rings (spots: groups of elements, the first one scrolled into view),
// the numbers its text says (params, from the answer on screen), and what it does on the page:
//   sample      the lesson's sample digit is on the pad (unless the learner has drawn since)
//   panel       'inspector': the inspector open on the lesson's neuron (none: a panel the lesson opened closes)
//   enter/leave what else it does on the way in and out
//   key(c)      → while on it: true if the step used it (Step's next layer), else the lesson moves on
//   figure      'weights': hidden layer 1's weights as pictures, in the card
//   action      'learn': a button in the card opens Watch it learn
// `c` is the lesson's view of the page (lesson.js: c.reply, c.sizes, c.$, c.layer, c.neuron...).

import { num, signed } from '../ui/format.js';

/** The neuron of `acts` that is the most lit (the first of equals). */
const brightest = (acts) => acts.reduce((best, a, i) => (a > acts[best] ? i : best), 0);

/** The rows of the inspector's equation block (the <div> around a value). */
const row = (c, field) => { const dd = c.$(`[data-testid="equation"] [data-field="${field}"]`); return dd && dd.parentElement; };

/** The inspector's numbers for the lesson's neuron: w·a, b, z, σ(z) (as it shows them). */
function neuronNumbers(c) {
  const { layer, index } = c.neuron();
  const reply = c.lastReply(), net = c.net();
  if (!reply || !net) return null;
  const b = net.layers[layer - 1].biases[index], z = reply.weighted_sums[layer - 1][index];
  return { b, z, wa: z - b, a: reply.activations[layer][index] };
}

export const STEPS = [
  {
    id: 'neuron', title: 'lesson.neuron.title', text: 'lesson.neuron.text', sample: true,
    spots: (c) => [[c.neuronButton(1, brightest(c.acts(1)))]],
    params: (c) => { const acts = c.acts(1), i = brightest(acts); return { n: i + 1, a: num(acts[i] || 0, 2) }; },
  },
  {
    id: 'input', title: 'lesson.input.title', text: 'lesson.input.text', sample: true,
    spots: (c) => [[c.$('[data-testid="input-pixels"]')]],
    params: (c) => ({ n: c.sizes[0], side: Math.round(Math.sqrt(c.sizes[0])) }),
  },
  {
    id: 'output', title: 'lesson.output.title', text: 'lesson.output.text', sample: true,
    spots: (c) => [[...c.layer(c.last), { rect: () => c.view.layerBox(c.last) }], [c.$('.answer')]],
    params: (c) => { const r = c.lastReply(); return { n: c.sizes[c.last], digit: r && !r.empty ? r.prediction : '–' }; },
  },
  {
    id: 'hidden', title: 'lesson.hidden.title', text: 'lesson.hidden.text', sample: true,
    spots: (c) => c.sizes.slice(1, -1).map((_, i) => c.layer(i + 1)),
    params: (c) => ({ hidden: c.sizes.slice(1, -1).join(' + ') }),
  },
  {
    id: 'layers', title: 'lesson.layers.title', text: 'lesson.layers.text', sample: true,
    enter: (c) => { c.flow.stepTo(0); }, // only the input lit: → lights the next layer
    leave: (c) => c.flow.stop(),
    key: (c) => (c.view.stepped === null || c.view.stepped < c.last ? c.flow.step() : false),
    spots: (c) => [[c.$('.net-stage')]],
    params: () => ({}),
  },
  {
    id: 'hope', title: 'lesson.hope.title', text: 'lesson.hope.text', sample: true, figure: 'weights',
    spots: (c) => [...c.sizes.slice(1, -1).map((_, i) => c.layer(i + 1)), [...c.layer(c.last), { rect: () => c.view.layerBox(c.last) }]],
    params: (c) => ({ n: c.sizes[1], ...c.colours() }),
  },
  {
    id: 'weights', title: 'lesson.weights.title', text: 'lesson.weights.text', sample: true, panel: 'inspector',
    spots: (c) => [[c.$('[data-testid="weight-image"]').closest('figure')], [c.neuronButton(c.neuron().layer, c.neuron().index)]],
    params: (c) => ({ layer: c.neuron().layer, neuron: c.neuron().index + 1, n: c.sizes[c.neuron().layer - 1], ...c.colours() }),
  },
  {
    id: 'sum', title: 'lesson.sum.title', text: 'lesson.sum.text', sample: true, panel: 'inspector',
    spots: (c) => [[row(c, 'wa')], [c.$('[data-testid="contribution-image"]').closest('figure')]],
    params: (c) => { const v = neuronNumbers(c); return { wa: v ? num(v.wa) : '–' }; },
  },
  {
    id: 'bias', title: 'lesson.bias.title', text: 'lesson.bias.text', sample: true, panel: 'inspector',
    spots: (c) => [[row(c, 'bias'), row(c, 'z')], [c.$('[data-testid="bias-note"]')]],
    params: (c) => {
      const v = neuronNumbers(c);
      return v ? { b: signed(v.b), threshold: num(-v.b), z: num(v.z) } : { b: '–', threshold: '–', z: '–' };
    },
  },
  {
    id: 'sigmoid', title: 'lesson.sigmoid.title', text: 'lesson.sigmoid.text', sample: true, panel: 'inspector',
    spots: (c) => [[c.$('[data-testid="sigmoid"]')], [row(c, 'a')]],
    params: (c) => { const v = neuronNumbers(c); return v ? { z: num(v.z), a: num(v.a, 3) } : { z: '–', a: '–' }; },
  },
  {
    id: 'knobs', title: 'lesson.knobs.title', text: 'lesson.knobs.text', sample: true, action: 'learn',
    spots: (c) => [[c.$('[data-testid="n-params"]')], [c.$('[data-testid="learn-open"]')]],
    params: (c) => {
      const s = c.sizes, n = (v) => c.count(v);
      const weights = s.slice(1).reduce((sum, m, i) => sum + s[i] * m, 0), biases = s.slice(1).reduce((a, b) => a + b, 0);
      return {
        weights: `${s.slice(1).map((m, i) => `${n(s[i])}·${n(m)}`).join(' + ')} = ${n(weights)}`,
        biases: `${s.slice(1).map(n).join(' + ')} = ${n(biases)}`,
        total: n(weights + biases),
      };
    },
  },
  {
    id: 'try', title: 'lesson.try.title', text: 'lesson.try.text',
    spots: (c) => [[c.$('[data-testid="edge-open"]')], [c.$('[data-testid="noise"]')], [c.$('[data-testid="explain-open"]')]],
    params: () => ({}),
  },
];
