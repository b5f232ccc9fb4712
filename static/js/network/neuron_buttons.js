// A layer of real <button>s over the network picture's neurons, so each one can be clicked,
// tapped or reached from the keyboard: data-testid="neuron-LAYER-INDEX" for every neuron of
// every layer after the input, whatever their number (named by labels.js, in the page's language).
//
// They are one tab stop (a roving tabindex, as in the WAI-ARIA grid pattern): Tab enters at
// the neuron last visited, the arrow keys move within a layer (up, down) and between layers
// (left, right), Home and End go to a layer's ends, Enter or Space opens the one with the
// focus, and the next Tab leaves the network.

export class NeuronButtons {
  /** `container`: the element they go in; `sizes`: neurons per layer; `onSelect({layer, index}, button, {keyboard})`. */
  constructor(container, sizes, onSelect) {
    this.all = [];
    this.byLayer = [null];
    this.current = null;
    for (let l = 1; l < sizes.length; l++) {
      const column = [];
      for (let i = 0; i < sizes[l]; i++) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'neuron-btn';
        b.dataset.layer = String(l);
        b.dataset.index = String(i);
        b.dataset.testid = `neuron-${l}-${i}`;
        b.setAttribute('aria-pressed', 'false');
        b.tabIndex = -1;
        // A click made by the keyboard (Enter, Space) has no pointer: detail 0.
        b.addEventListener('click', (e) => {
          this.#rove(b); // a tap may not focus it
          onSelect({ layer: l, index: i }, b, { keyboard: e.detail === 0 });
        });
        container.append(b);
        this.all.push(b);
        column.push(b);
      }
      this.byLayer.push(column);
    }
    this.#rove(this.all[0]);
    container.addEventListener('keydown', (e) => this.#arrowKey(e));
    // However a neuron got the focus (a click, a screen reader), Tab comes back to it.
    container.addEventListener('focusin', (e) => {
      if (e.target.classList.contains('neuron-btn')) this.#rove(e.target);
    });
  }

  /** Neuron `sel` ({layer, index}) is the one looked at (null: none). */
  select(sel) {
    for (const b of this.all) {
      const on = !!sel && sel.layer === +b.dataset.layer && sel.index === +b.dataset.index;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
  }

  /** Hidden neurons held at 0 ([[layer, index], ...]): data-silenced on their buttons (labels.js names them so). */
  setSilenced(list) {
    for (const b of this.all) {
      const off = list.some(([l, i]) => l === +b.dataset.layer && i === +b.dataset.index);
      if (off) b.dataset.silenced = 'true'; else delete b.dataset.silenced;
    }
  }

  /** Over the neurons as network/paint.js laid them out (`geo`: its layout, in CSS pixels of the canvas). */
  place({ layers, steps, r }) {
    for (const b of this.all) {
      const l = +b.dataset.layer;
      const p = layers[l][+b.dataset.index];
      // Big enough to hit (22 px) and to cover its neuron; in a crowded column small enough that
      // the next one leaves its middle free (a tap on a neuron finds its button).
      const side = Math.min(Math.max(2 * r + 6, 22), 2 * steps[l] - 2);
      // CSSOM writes, not style attributes: allowed under style-src 'self'.
      b.style.left = `${p.x - side / 2}px`;
      b.style.top = `${p.y - side / 2}px`;
      b.style.width = b.style.height = `${side}px`;
    }
  }

  /** `b` becomes the network's one tab stop. */
  #rove(b) {
    if (this.current === b) return;
    if (this.current) this.current.tabIndex = -1;
    b.tabIndex = 0;
    this.current = b;
  }

  #arrowKey(e) {
    const b = e.target.closest('.neuron-btn');
    if (!b || e.altKey || e.ctrlKey || e.metaKey) return;
    const layer = +b.dataset.layer, i = +b.dataset.index, last = this.byLayer.length - 1;
    const column = this.byLayer[layer];
    // Across layers the neuron at the same height (16 -> 10 neurons: proportionally).
    const across = (to) => {
      const n = this.byLayer[to].length;
      return this.byLayer[to][Math.round((i * (n - 1)) / Math.max(1, column.length - 1))];
    };
    const moves = {
      ArrowUp: () => column[Math.max(0, i - 1)],
      ArrowDown: () => column[Math.min(column.length - 1, i + 1)],
      ArrowLeft: () => (layer > 1 ? across(layer - 1) : b),
      ArrowRight: () => (layer < last ? across(layer + 1) : b),
      Home: () => column[0],
      End: () => column[column.length - 1],
    };
    if (!(e.key in moves)) return;
    e.preventDefault(); // no page scroll
    const to = moves[e.key]();
    this.#rove(to);
    to.focus();
  }
}
