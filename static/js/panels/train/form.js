// Train your own's form: built from what the server says it can train (GET /api/train: the limits
// and the presets), read back as a recipe ({hidden, activation, images, epochs, seed}, the API's
// form). A value outside a limit is named before anything is sent, with the server's numbers; whether a
// recipe is too much work is the server's to say (only its estimate knows: its 400 names the limit).

import { t, language } from '../../ui/i18n.js';
import { N_CLASSES, N_PIXELS } from '../../core/digit.js';

const FIELDS = ['images', 'epochs', 'seed'];
const STEPS = { images: 1000, epochs: 1, seed: 1 }; // what the arrow keys add

/** The parameter count of a network of these layer sizes (weights and biases), as the page's facts say it. */
export function paramCount(sizes) {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += sizes[i - 1] * sizes[i] + sizes[i];
  return n;
}

const sameRecipe = (a, b) => a.activation === b.activation && a.images === b.images && a.epochs === b.epochs
  && a.seed === b.seed && a.hidden.length === b.hidden.length && a.hidden.every((n, i) => n === b.hidden[i]);

export class TrainForm {
  /** @param {HTMLFormElement} form  @param {object} options  onPreset(key): a preset was chosen */
  constructor(form, { onPreset = () => {} } = {}) {
    this.form = form;
    this.onPreset = onPreset;
    const $ = (sel) => form.querySelector(sel);
    this.el = {
      presets: $('[data-field="presets"]'),
      presetNote: $('[data-testid="train-preset-note"]'),
      layers: $('[data-testid="train-layers"]'),
      sizes: $('[data-field="sizes"]'),
      activations: $('[data-field="activations"]'),
      activationNone: $('[data-testid="train-activation-none"]'),
      shape: $('[data-testid="train-shape"]'),
      limit: $('[data-testid="train-limit"]'),
      inputs: Object.fromEntries(FIELDS.map((f) => [f, $(`[data-testid="train-${f}"]`)])),
      labels: Object.fromEntries(FIELDS.map((f) => [f, $(`[data-field="${f}-label"]`)])),
    };
    this.limits = null;
    this.presets = [];
    this.presetKey = null; // the preset whose note is shown
    this.sizeInputs = [];
    this.radios = [];
    form.addEventListener('input', () => this.#sync());
    form.addEventListener('change', () => this.#sync());
  }

  /** Build the form from GET /api/train's reply (once), filled with the first preset. */
  setup({ limits, presets }) {
    this.limits = limits;
    this.presets = presets;
    const { el } = this;
    el.presets.replaceChildren(...presets.map((p) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'tool tool-small train-preset';
      b.dataset.testid = `train-preset-${p.key}`;
      b.dataset.key = p.key;
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => this.choosePreset(p.key));
      return b;
    }));
    const [fewest, most] = limits.hidden_layers;
    el.layers.replaceChildren(...Array.from({ length: most - fewest + 1 }, (_, i) => new Option(String(fewest + i), String(fewest + i))));
    this.sizeInputs = Array.from({ length: most }, (_, i) => {
      const row = document.createElement('div');
      row.className = 'train-field';
      const label = document.createElement('label');
      const input = document.createElement('input');
      Object.assign(input, { type: 'number', id: `train-size-${i + 1}`, className: 'train-number', autocomplete: 'off' });
      input.dataset.testid = `train-size-${i + 1}`;
      input.inputMode = 'numeric';
      [input.min, input.max] = limits.layer_size.map(String);
      label.htmlFor = input.id;
      row.append(label, input);
      el.sizes.append(row);
      return { row, label, input };
    });
    this.radios = limits.activations.map((name) => {
      const label = document.createElement('label');
      label.className = 'train-choice';
      const radio = document.createElement('input');
      Object.assign(radio, { type: 'radio', name: 'train-activation', value: name });
      radio.dataset.testid = `train-activation-${name}`;
      const text = document.createElement('span');
      label.append(radio, text);
      el.activations.append(label);
      return { radio, text, name };
    });
    for (const f of FIELDS) {
      const input = el.inputs[f];
      [input.min, input.max] = limits[f].map(String);
      input.step = String(STEPS[f]);
    }
    this.relabel();
    if (presets.length) this.set(presets[0].recipe);
  }

  get ready() { return this.limits !== null; }

  /** Every word again, in the page's language. */
  relabel() {
    if (!this.ready) return;
    const { el, limits } = this;
    const n = (v) => new Intl.NumberFormat(language()).format(v);
    for (const b of el.presets.children) b.textContent = t(`train.preset.${b.dataset.key}`);
    this.sizeInputs.forEach(({ label }, i) => {
      label.textContent = t('train.size', { layer: i + 1, min: n(limits.layer_size[0]), max: n(limits.layer_size[1]) });
    });
    for (const { text, name } of this.radios) text.textContent = t(`train.activation.${name}`);
    for (const f of FIELDS) el.labels[f].textContent = t(`train.${f}`, { min: n(limits[f][0]), max: n(limits[f][1]) });
    el.limit.textContent = t('train.limit', { seconds: n(limits.max_seconds) });
    if (this.presetKey) el.presetNote.textContent = t(`train.presetNote.${this.presetKey}`);
    this.#sync();
  }

  /** Fill the form with `recipe` (the API's form). */
  set(recipe) {
    if (!this.ready) return;
    const count = Math.min(recipe.hidden.length, this.sizeInputs.length);
    this.el.layers.value = String(count);
    this.sizeInputs.forEach(({ input }, i) => {
      // Layers beyond the count keep a size to come back to (the video's 16 when none was given).
      if (i < count) input.value = String(recipe.hidden[i]);
      else if (!input.value) input.value = '16';
    });
    const activation = count ? recipe.activation : (this.#checked() || recipe.activation);
    for (const { radio, name } of this.radios) radio.checked = name === activation;
    for (const f of FIELDS) this.el.inputs[f].value = String(recipe[f]);
    this.#sync();
  }

  /** Fill in preset `key` and say what it is for. */
  choosePreset(key) {
    const preset = this.presets.find((p) => p.key === key);
    if (!preset) return;
    this.set(preset.recipe);
    this.presetKey = key;
    this.el.presetNote.textContent = t(`train.presetNote.${key}`);
    this.el.presetNote.hidden = false;
    this.onPreset(key);
  }

  /**
   * The recipe in the form, checked against the limits: {recipe}, or {problem: {key, params, input}}
   * (the catalog key and its numbers that say which limit, and the field to fix).
   */
  read() {
    const { limits } = this;
    const n = (v) => new Intl.NumberFormat(language()).format(v);
    const whole = (input, [low, high], key, params = {}) => {
      const text = input.value.trim();
      const v = Number(text);
      if (text !== '' && Number.isInteger(v) && v >= low && v <= high) return { value: v };
      return { problem: { key, input, params: { ...params, min: n(low), max: n(high), value: text || '…' } } };
    };
    const count = Number(this.el.layers.value);
    if (!(count >= limits.hidden_layers[0] && count <= limits.hidden_layers[1])) {
      return { problem: { key: 'train.check.layers', input: this.el.layers, params: { max: limits.hidden_layers[1] } } };
    }
    const hidden = [];
    for (let i = 0; i < count; i++) {
      const got = whole(this.sizeInputs[i].input, limits.layer_size, 'train.check.size', { layer: i + 1 });
      if (got.problem) return got;
      hidden.push(got.value);
    }
    const recipe = { hidden, activation: count ? this.#checked() || limits.activations[0] : 'sigmoid' };
    for (const f of FIELDS) {
      const got = whole(this.el.inputs[f], limits[f], `train.check.${f}`);
      if (got.problem) return got;
      recipe[f] = got.value;
    }
    return { recipe };
  }

  /** The layer sizes the form asks for now (input to output), or null while a size is not a number. */
  sizes() {
    const count = Number(this.el.layers.value);
    const hidden = this.sizeInputs.slice(0, count).map(({ input }) => Number(input.value));
    return hidden.every((v) => Number.isInteger(v) && v > 0) ? [N_PIXELS, ...hidden, N_CLASSES] : null;
  }

  /** Every control on or off (off while training). */
  disable(off) {
    this.form.dataset.busy = String(off);
    for (const control of this.form.querySelectorAll('button, input, select')) control.disabled = off;
    if (!off) this.#sync();
  }

  #checked() {
    const on = this.radios.find(({ radio }) => radio.checked);
    return on ? on.name : null;
  }

  /** The layers shown, the activation (nothing to choose without hidden layers), the shape line, the presets pressed. */
  #sync() {
    if (!this.ready) return;
    const { el } = this;
    const count = Number(el.layers.value);
    this.sizeInputs.forEach(({ row }, i) => { row.hidden = i >= count; });
    for (const { radio } of this.radios) radio.disabled = count === 0 || this.form.dataset.busy === 'true';
    el.activationNone.hidden = count !== 0;
    const sizes = this.sizes();
    el.shape.textContent = sizes
      ? t('train.shape', { sizes: sizes.join('-'), n: new Intl.NumberFormat(language()).format(paramCount(sizes)) }) : '';
    const read = this.read();
    const matches = (key) => {
      const preset = this.presets.find((p) => p.key === key);
      return Boolean(read.recipe && preset && sameRecipe(read.recipe, preset.recipe));
    };
    for (const b of el.presets.children) b.setAttribute('aria-pressed', String(matches(b.dataset.key)));
    if (this.presetKey && !matches(this.presetKey)) { // changed since: the preset's note is not about this one
      this.presetKey = null;
      el.presetNote.hidden = true;
    }
    for (const input of this.form.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute('aria-invalid');
  }
}
