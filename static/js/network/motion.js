// What the network picture holds at a given moment (network/view.js paints it):
// - the glide: new activations ease in over EASE_MS; while the pen moves, replies come
//   faster than that and each is shown as it is (the replies are the animation);
// - the flow: the signal moving forward, the input then each layer lighting in turn,
//   with pulses on the connections into a layer that carry the most (|w·a|);
// - a step (Step, network/flow.js): the layers up to one lit, that one with its pulses, the rest
//   dark, and held there until the next step or a new answer.
// Plain numbers and typed arrays, no DOM: the state it gives is what the painter draws.

import { FAINT_INPUT } from './paint.js'; // dimmer input pixels send no lines, so no pulse

export const EASE_MS = 150;

/**
 * The flow's timeline for a network of `nLayers` layers (ms): when each layer starts to light
 * (the input at once, then one every 280 ms), how long a layer takes to light, a pulse's run,
 * and the end. The video's four layers: [0, 380, 660, 940], ending at 1150.
 */
export function flowTimes(nLayers) {
  const light = Array.from({ length: nLayers }, (_, l) => (l === 0 ? 0 : 380 + 280 * (l - 1)));
  return { light, fade: 160, pulse: 300, end: light[nLayers - 1] + 210 };
}

/** Connections into layer `l` (of `n` layers) that carry a pulse: many from the input, fewest into the outputs. */
const pulsesInto = (l, n) => (l === 1 ? 26 : l === n - 1 ? 14 : 20);

export class Motion {
  constructor(sizes) {
    this.sizes = sizes;
    this.flowTimes = flowTimes(sizes.length);
    this.shown = sizes.map((n) => new Float32Array(n));   // the picture's activations, at the time last asked
    this.from = this.shown.map((a) => a.slice());         // where the glide started
    this.target = this.shown.map((a) => a.slice());       // where it is going
    this.t0 = 0;                 // when the glide started
    this.lastReplyAt = -Infinity;
    this.flowAt = null;          // when the signal started flowing (performance.now()), or null
    this.flowTime = null;        // at the time last asked: ms into the flow, or null
    this.tops = null;            // per layer, the connections into it that carry a pulse
    this.stepTo = null;          // stepping: the last layer lit (0: only the input), or null
    this.stepAt = 0;             // when that layer began to light
    this.stepTime = null;        // at the time last asked: ms into that step's lighting, null once it is lit
  }

  /** New activations: glide to them from the picture now (or at once: `jump`, for reduced motion). */
  glideTo(activations, now, { jump = false } = {}) {
    this.target = activations.map((a) => Float32Array.from(a));
    this.flowAt = null; // a new answer: the flow of the old one stops, and so does a step
    this.stepTo = null;
    if (jump) {
      for (let l = 0; l < this.shown.length; l++) this.shown[l].set(this.target[l]);
      this.flowTime = null;
      return;
    }
    const streaming = now - this.lastReplyAt < EASE_MS;
    this.lastReplyAt = now;
    for (let l = 0; l < this.shown.length; l++) this.from[l].set(streaming ? this.target[l] : this.shown[l]);
    this.t0 = streaming ? now - EASE_MS : now; // streaming: the "glide" is over before it starts
  }

  /** The signal starts flowing through the current activations (`net`: the weights, for the pulses). */
  startFlow(net, now) {
    this.tops = this.#strongest(net);
    for (let l = 0; l < this.shown.length; l++) this.from[l].set(this.target[l]);
    this.t0 = now - EASE_MS;
    this.flowAt = now;
    this.stepTo = null;
  }

  /**
   * Light the layers up to `k` (0: only the input) and hold: layer k lights as in the flow, with
   * the pulses into it; the later layers, and the connections into them, stay dark. `jump`: lit at once.
   */
  step(k, net, now, { jump = false } = {}) {
    this.tops = this.#strongest(net);
    for (let l = 0; l < this.shown.length; l++) this.from[l].set(this.target[l]);
    this.t0 = now - EASE_MS;
    this.flowAt = null;
    this.stepTo = k;
    const { pulse, fade } = this.flowTimes;
    this.stepAt = jump || k === 0 ? now - pulse - fade : now;
  }

  /** The flow, or a step, ends: the picture is the live one again. */
  stopFlow(now) {
    this.flowAt = null;
    this.stepTo = null;
    this.at(now);
  }

  /** Whether the flow runs, or a step holds the picture. */
  flowing(now) { return this.stepTo !== null || (this.flowAt !== null && now - this.flowAt < this.flowTimes.end); }

  /** Until when the picture changes (frames are needed up to then). */
  get movingUntil() {
    const { end, pulse, fade } = this.flowTimes;
    const flow = this.flowAt === null ? 0 : this.flowAt + end;
    const step = this.stepTo === null ? 0 : this.stepAt + pulse + fade;
    return Math.max(this.t0 + EASE_MS, flow, step);
  }

  /** At `time`: the flow's layer now lighting (0..last), 'done' when it has ended, or null without a flow. */
  flowLayer(time) {
    if (this.flowAt === null) return null;
    const t = Math.max(0, time - this.flowAt); // a frame's time can be a little before the flow began
    if (t >= this.flowTimes.end) return 'done';
    return this.flowTimes.light.filter((at) => t >= at).length - 1;
  }

  /** this.shown (and this.flowTime, this.stepTime) become the picture's state at `time`. */
  at(time) {
    const { light, fade, pulse, end } = this.flowTimes;
    const t = Math.min(1, Math.max(0, (time - this.t0) / EASE_MS));
    const e = 1 - (1 - t) ** 3; // ease-out: quick to react, gentle to settle
    this.flowTime = this.flowAt === null || time - this.flowAt >= end ? null : Math.max(0, time - this.flowAt);
    const k = this.stepTo, ts = Math.max(0, time - this.stepAt); // stepping: layer k lights after its pulses
    this.stepTime = k === null || ts >= pulse + fade ? null : ts;
    for (let l = 0; l < this.shown.length; l++) {
      const s = this.shown[l], f = this.from[l], g = this.target[l];
      // While the signal flows, a layer stays dark until its turn, then lights up.
      let lit = this.flowTime === null || l === 0 ? 1 : Math.min(1, Math.max(0, (this.flowTime - light[l]) / fade));
      if (k !== null && l > 0) lit = l < k ? 1 : l > k ? 0 : Math.min(1, Math.max(0, (ts - pulse) / fade));
      for (let i = 0; i < s.length; i++) s[i] = (f[i] + (g[i] - f[i]) * e) * lit;
    }
  }

  /**
   * For the painter: the flow at the time last asked ({time, tops, light, pulse}; `only`: a step's
   * layer, the one pulses run into), or null.
   */
  get flow() {
    if (!this.tops) return null;
    const { light, pulse } = this.flowTimes;
    if (this.stepTo !== null) {
      if (this.stepTime === null || this.stepTo === 0) return null;
      return { time: light[this.stepTo] - pulse + this.stepTime, tops: this.tops, light, pulse, only: this.stepTo };
    }
    if (this.flowTime === null) return null;
    return { time: this.flowTime, tops: this.tops, light, pulse };
  }

  /** For the painter: while stepping, the last layer lit (the connections into later ones are not drawn); else null. */
  get litUpTo() { return this.stepTo; }

  /** Whether the winner is boxed: not while the signal has yet to reach the output. */
  get outputLit() {
    const { light, fade } = this.flowTimes;
    if (this.stepTo !== null) return this.stepTo === light.length - 1 && this.stepTime === null;
    return this.flowTime === null || this.flowTime >= light[light.length - 1] + fade;
  }

  /** Per layer, the connections into it with the most |w·a| now (indices into paint.js's lines). */
  #strongest(net) {
    const tops = [null];
    for (let l = 1; l < this.sizes.length; l++) {
      const { weights, nIn } = net.layers[l - 1];
      const a = this.target[l - 1], n = this.sizes[l], k = pulsesInto(l, this.sizes.length);
      const best = [];
      let floor = 0;
      for (let i = 0; i < nIn; i++) {
        if (l === 1 && a[i] < FAINT_INPUT) continue;
        for (let j = 0; j < n; j++) {
          const c = Math.abs(weights[j * nIn + i] * a[i]);
          if (c <= floor) continue;
          // Line numbers as network/paint.js stores them: pixel * n + neuron into layer 1, else to * nFrom + from.
          best.push([c, l === 1 ? i * n + j : j * nIn + i]);
          if (best.length > k) {
            best.sort((x, y) => y[0] - x[0]);
            best.length = k;
            floor = best[k - 1][0];
          }
        }
      }
      best.sort((x, y) => y[0] - x[0]);
      const max = best.length ? best[0][0] : 1;
      tops.push({ lines: Int32Array.from(best, (b) => b[1]), strength: Float32Array.from(best, (b) => b[0] / max) });
    }
    return tops;
  }
}
