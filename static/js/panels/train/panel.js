// Train your own (issue 25): a side panel where the learner designs a network (0 to 3 hidden layers
// of 1 to 128 neurons, sigmoid or ReLU, how many MNIST images, epochs, a seed: form.js) and the
// server trains it (POST /api/train, a second or two). Then the page opens that network with the
// drawing kept, as the network picker does (network/picker.js: the drawing in the share link's form,
// ?network= the trained network's id, its recipe: a shareable address, and Back comes back here),
// and plays its training on the network view: Watch it learn's timeline (panels/learn.js), from
// random weights to trained, the answer for the drawing at each step, the test-accuracy curve.
//
// Never a silent wait: while the server trains, the panel says what and counts the seconds; a busy
// server (429) is asked again after its Retry-After, and the panel says so (core/retry.js); a recipe
// outside the limits is named before it is sent (the server's numbers), and a refusal (400) says the
// server's words. Without MNIST the server trains nothing: the panel says so, and nothing else changes.
//
// The page of a trained network the server has not trained yet (a link opened on another server,
// or after a restart) comes at once and trains it when its weights are asked for (web/pages.py):
// the note over the network view (data-testid="train-note") says so until they come.

import { t, language } from '../../ui/i18n.js';
import { SidePanel } from '../side_panel.js';
import { fetchTraining, prepareNetwork, train } from '../../core/api.js';
import { network as askedNetwork } from '../../core/asked.js';
import { onWeights, onLiveState } from '../../core/shown.js';
import { onServerBusy } from '../../core/retry.js';
import { addressFor } from '../../drawing/share.js';
import { TrainForm } from './form.js';
import { addRecent, rememberShown } from './recent.js';

const HANDOFF = 'mlp.justTrained'; // sessionStorage: the network this tab just trained (its page plays the training)
const TICK_MS = 100; // the seconds counted while training (a display, not a wait)

function takeHandoff() {
  try {
    const id = window.sessionStorage.getItem(HANDOFF);
    window.sessionStorage.removeItem(HANDOFF);
    return id;
  } catch {
    return null;
  }
}

function handOff(id) {
  try { window.sessionStorage.setItem(HANDOFF, id); } catch { /* the page opens it without playing the training */ }
}

const byId = (id) => document.querySelector(`[data-testid="${id}"]`);

export class Train extends SidePanel {
  /**
   * @param {HTMLElement} root  the panel (starts hidden)
   * @param {object} options  drawing (drawing.js: carried to the trained network's page);
   *   go(address): open it (default: a new page, so Back comes back here)
   */
  constructor(root, { drawing, go = (address) => window.location.assign(address) }) {
    super(root);
    this.drawing = drawing;
    this.go = go;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      formEl: $('[data-testid="train-form"]'),
      go: $('[data-testid="train-go"]'),
      goRow: $('.train-go-row'),
      elapsed: $('[data-testid="train-elapsed"]'),
      status: $('[data-testid="train-status"]'),
      yours: $('[data-testid="train-yours"]'),
      after: $('[data-testid="train-after"]'),
      learn: $('[data-testid="train-learn"]'),
      compare: $('[data-testid="train-compare"]'),
      note: byId('train-note'),
    };
    this.form = new TrainForm(this.el.formEl);
    this.info = null;        // GET /api/train's reply, once fetched
    this.loading = null;     // its promise
    this.training = false;
    this.said = null;        // [key, params] on the status line: said again in a new language
    this.shown = null;       // the page's network, if trained from a recipe: {recipe, args, pct}
    this.noteSaid = null;    // [key, params] of the note over the network view
    this.#state('closed');

    this.el.formEl.addEventListener('submit', (e) => {
      e.preventDefault();
      this.train();
    });
    this.el.learn.addEventListener('click', () => this.#watchLearning({ play: false }));
    this.el.compare.addEventListener('click', () => { if (this.group) this.group.open('compare'); });

    // The page's network, if it is a trained one: remembered for the network lists, described here.
    const picker = byId('network-picker');
    const option = picker ? [...picker.options].find((o) => o.value === askedNetwork()) : null;
    const facts = byId('n-params'); // "{n} weights and biases": its n, as the server wrote it
    let params = '';
    try { params = JSON.parse(facts.dataset.i18nArgs).n; } catch { /* not remembered with a count */ }
    rememberShown(option, { params });
    this.#listRecent();
    // Back to this page from the trained network's, as the browser kept it: the lists gain that network,
    // and the panel no longer says it is opening it.
    window.addEventListener('pageshow', (e) => {
      if (!e.persisted) return;
      this.#listRecent();
      if (this.root.dataset.state === 'done') {
        this.#state('ready');
        this.#say(null);
      }
    });
    if (option && (option.dataset.i18n || '').startsWith('train.')) {
      this.shown = { args: JSON.parse(option.dataset.i18nArgs || '{}'), recipe: null, pct: option.dataset.pct || null };
    }

    const played = takeHandoff() === askedNetwork(); // just trained here: its page shows it learning
    let first = true;
    onWeights((net) => {
      if (!first) return; // later ones are Watch it learn's snapshots
      first = false;
      this.#note(null);
      if (this.shown && net.meta && net.meta.recipe) {
        this.shown.recipe = net.meta.recipe;
        if (!this.shown.pct && Number.isFinite(net.meta.test_accuracy)) {
          this.shown.pct = (net.meta.test_accuracy * 100).toFixed(1);
          this.#sayAccuracy(this.shown.pct);
        }
        this.form.set(net.meta.recipe);
        this.#renderShown();
      }
      if (played) this.#watchLearning({ play: true });
    });
    if (this.el.note.dataset.untrained === 'true') { // its weights first: asking trains it (the rest of the page waits)
      this.#note(['train.firstAsk', {}]);
      prepareNetwork(askedNetwork());
    }
    onServerBusy((wait) => {
      if (this.training) return; // the panel says it in its own words
      if (wait) this.#note(['train.busyPage', wait]);
      else if (this.noteSaid && this.noteSaid[0] === 'train.busyPage') this.#note(null);
    });
    onLiveState((state) => { if (state === 'error' && this.noteSaid) this.#note(null); }); // the status line says why
  }

  /** Open, fetching what the server can train the first time (the form is built from it). */
  async open(opener, options) {
    super.open(opener, options);
    if (this.training) return;
    if (!this.info) {
      this.#state('loading');
      this.#say('train.loading');
    }
    try {
      await this.#load();
    } catch (err) {
      if (this.isOpen && !this.info) {
        this.#state('error');
        this.#say('train.loadError', { error: err.message });
      }
      return;
    }
    if (!this.training && ['loading', 'error', 'closed'].includes(this.root.dataset.state)) this.#ready();
  }

  onClose() { if (!this.training && this.info) this.#state(this.info.available ? 'ready' : 'unavailable'); }

  relabel() {
    this.form.relabel();
    if (this.said) this.el.status.textContent = t(...this.said);
    if (this.noteSaid) this.el.note.textContent = t(...this.noteSaid);
    this.#renderShown();
  }

  /** Train the form's recipe (it is checked first), then open the network it makes. */
  async train() {
    if (this.training || !this.form.ready) return;
    const read = this.form.read();
    if (read.problem) {
      const { key, params, input } = read.problem;
      this.#state('invalid');
      this.#say(key, params);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    const { recipe } = read;
    const sizes = this.form.sizes().join('-');
    this.training = true;
    this.form.disable(true);
    this.el.go.disabled = true;
    this.#state('training');
    const n = (v) => new Intl.NumberFormat(language()).format(v);
    this.#say('train.training', { sizes, images: n(recipe.images), epochs: n(recipe.epochs) });
    const started = performance.now();
    const tick = setInterval(() => {
      this.el.elapsed.textContent = t('train.elapsed', { seconds: ((performance.now() - started) / 1000).toFixed(1) });
    }, TICK_MS);
    let reply = null;
    try {
      reply = await train(recipe, {
        onWait: (wait) => {
          this.#state('busy');
          this.#say('train.busy', wait);
        },
      });
    } catch (err) {
      this.#failed(err);
    } finally {
      clearInterval(tick);
      this.el.elapsed.textContent = '';
      this.training = false;
      this.form.disable(false);
      this.el.go.disabled = false;
    }
    if (!reply) return;
    this.#state('done');
    this.root.dataset.network = reply.network;
    this.#say('train.done', { seconds: n(reply.train_seconds), pct: (reply.test_accuracy * 100).toFixed(1) });
    this.#show(reply.network);
  }

  // ---- what the server can train ----

  #load() {
    if (!this.loading) {
      this.loading = fetchTraining().then((info) => {
        this.info = info;
        if (info.available) this.form.setup(info);
        if (this.shown && this.shown.recipe) this.form.set(this.shown.recipe);
      });
      this.loading.catch(() => { this.loading = null; }); // asked again on the next open
    }
    return this.loading;
  }

  /** The form (or, without MNIST on the server, why there is none). */
  #ready() {
    const available = this.info.available;
    this.el.formEl.hidden = !available;
    this.el.goRow.hidden = !available;
    this.#state(available ? 'ready' : 'unavailable');
    if (available) this.#say(null);
    else this.#say('train.unavailable');
    this.#renderShown();
  }

  #failed(err) {
    if (err.status === 503) {
      this.info = { ...this.info, available: false };
      this.el.formEl.hidden = true;
      this.el.goRow.hidden = true;
      this.#state('unavailable');
      this.#say('train.unavailable');
    } else if (err.status === 400) {
      this.#state('refused');
      this.#say('train.refused', { error: err.message });
    } else if (err.status === 429) {
      this.#state('failed');
      this.#say('train.busyGaveUp');
    } else {
      this.#state('failed');
      this.#say('train.error', { error: err.message });
    }
  }

  // ---- the trained network ----

  /** Open network `id` with the drawing (this page's own network: its training plays here). */
  #show(id) {
    if (id === askedNetwork()) {
      this.#watchLearning({ play: true });
      return;
    }
    handOff(id);
    this.go(addressFor(this.drawing.shareable(), { network: id, silenced: [] }));
  }

  /** Watch it learn, open on this network's training (and `play`ing it: from random weights to trained). */
  async #watchLearning({ play }) {
    const learn = this.group ? this.group.get('learn') : null;
    const chip = byId('learn-open');
    if (!learn) return;
    if (chip) chip.hidden = false;
    await learn.open(chip, { focus: true });
    const button = learn.root.querySelector('[data-testid="learn-play"]');
    if (play && learn.isOpen && button && button.dataset.state !== 'playing') button.click();
  }

  /** The networks this browser remembers, in the page's two network lists. */
  #listRecent() {
    const picker = byId('network-picker');
    if (picker) addRecent(picker);
    const other = byId('compare-picker');
    if (other) addRecent(other, { except: askedNetwork() });
  }

  /** What the panel says of the page's network when it is a trained one. */
  #renderShown() {
    const s = this.shown;
    const known = Boolean(s && s.pct);
    this.el.yours.hidden = !known;
    this.el.after.hidden = !known;
    if (!known) return;
    this.el.yours.textContent = t('train.yours', { ...s.args, pct: s.pct });
    this.el.compare.hidden = !byId('compare-open');
  }

  // ---- words ----

  /** The masthead's MNIST figure, for a page that came before its network was trained (web/pages.py). */
  #sayAccuracy(pct) {
    const fact = byId('train-accuracy');
    if (!fact) return;
    Object.assign(fact.dataset, { i18n: 'facts.accuracy', i18nArgs: JSON.stringify({ pct }) }); // a language switch says it again
    fact.textContent = t('facts.accuracy', { pct });
    fact.hidden = false;
  }

  #say(key, params = {}) {
    this.said = key ? [key, params] : null;
    this.el.status.textContent = key ? t(key, params) : '';
  }

  /** The note over the network view: [key, params], or null to hide it. */
  #note(said) {
    this.noteSaid = said;
    this.el.note.hidden = !said;
    this.el.note.textContent = said ? t(...said) : '';
    if (said) this.el.note.dataset.key = said[0]; else delete this.el.note.dataset.key;
  }

  /** data-state, for the page's styles and the tests: closed, loading, ready, unavailable, error, invalid, training, busy, refused, failed, done. */
  #state(state) { this.root.dataset.state = state; }
}
