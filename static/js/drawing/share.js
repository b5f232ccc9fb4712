// Sharing a drawing by link. The address bar always holds the current drawing
// as /?d=CODE (history.replaceState, so Back is never flooded), the network
// that reads it as &network=ID unless it is the default, and its silenced hidden
// neurons as &off=1.3_2.0 (sharelink.js's form) if any, and the page's language as &lang= unless it
// is the first (English), so the link's preview speaks it; the Share button copies it.
// A ?network= or &off= the server could not use is dropped, with the server's note kept.
// Opening such a link shows the drawing it holds, or a friendly note when the link is damaged.
// Only a drawing from someone else's link is called shared: the tab remembers (sessionStorage)
// the link of its own latest drawing, so a reload shows one's own drawing as one's own.
// Everything from a link is decoded into numbers by sharelink.js; no link text is ever put
// into the page as HTML.

import { encode, decode, encodeSilenced, LinkError, REASONS, SILENCED_PARAM, LANG_PARAM } from '../core/sharelink.js';
import { t, onLanguageChange, language, LANGUAGES } from '../ui/i18n.js';
import { network as shownNetwork, silenced as shownSilenced, onAskedChange } from '../core/asked.js';

const PARAM = 'd';
const NETWORK = 'network';
const defaultNetwork = () => document.body.dataset.defaultNetwork || null; // the server's first
const OWN = 'mlp.ownDrawing'; // sessionStorage: this tab's own latest drawing's code

function ownCode() {
  try { return window.sessionStorage.getItem(OWN); } catch { return null; } // storage may be off
}

function rememberOwn(code) {
  try { window.sessionStorage.setItem(OWN, code); } catch { /* then a reload calls it shared: harmless */ }
}

// What is wrong with a bad link, as a catalog key: the codec's reason code (the server's too).
// Its English message is for programs and logs; the page says the reason in its language.
const reasonKey = (err) => (REASONS.includes(err.reason) ? `link.reason.${err.reason}` : 'link.reason.other');

/**
 * The address for `grid` (784 values) read by `network` (an id; by default the page's) with `silenced`
 * hidden neurons (by default the page's): the current one with ?d= set (none for an empty drawing),
 * ?network= set (none for the default network) and &off= set (none when every neuron is on); &lang=
 * the page's language when it is not the first (a link from the Chinese page previews in Chinese).
 */
export function addressFor(grid, { href = window.location.href, network = shownNetwork(), silenced = shownSilenced() } = {}) {
  const url = new URL(href);
  if (grid && grid.some((v) => v > 0)) url.searchParams.set(PARAM, encode(grid));
  else url.searchParams.delete(PARAM);
  if (network && network !== defaultNetwork()) url.searchParams.set(NETWORK, network);
  else url.searchParams.delete(NETWORK);
  if (silenced.length) url.searchParams.set(SILENCED_PARAM, encodeSilenced(silenced));
  else url.searchParams.delete(SILENCED_PARAM);
  if (language() && language() !== LANGUAGES[0]) url.searchParams.set(LANG_PARAM, language());
  url.hash = '';
  return url.href;
}

// What the server's note on the page is about -> the parameters it did not use (for an unknown
// network, the link's silenced neurons were another network's: not used either).
const UNUSED = { network: [NETWORK, SILENCED_PARAM], silenced: [SILENCED_PARAM] };

/** The current address without `params`. */
function without(params) {
  const url = new URL(window.location.href);
  for (const p of params) url.searchParams.delete(p);
  return url.href;
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

export class Share {
  /**
   * @param {object} els  button, status (the "Link copied" live region), fallback (panel),
   *                      field (read-only link box), close (the panel's close button), note (on the pad)
   * @param {object} options  drawing (drawing.js: what the link carries, and its changes)
   */
  constructor(els, { drawing }) {
    Object.assign(this, els);
    this.grid = () => drawing.shareable();
    this.shownNote = null; // [kind, () => [title, detail]]: said again when the language changes
    this.copied = false;
    this.linkCode = null; // the code of the drawing a link opened (not this person's own)
    this.button.addEventListener('click', () => this.copy());
    this.close.addEventListener('click', () => {
      this.#hidePanels();
      this.button.focus();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && (this.status.firstChild || !this.fallback.hidden)) this.#hidePanels();
    });
    // Mid-stroke the address bar waits for the pen to lift: one replaceState per stroke, not per move.
    drawing.onChange((kind) => this.changed({ settled: kind !== 'ink' && kind !== 'fresh', loaded: kind === 'load' }));
    drawing.onStrokeEnd(() => this.sync());
    onAskedChange((what) => { if (what === 'silenced') this.sync(); }); // the link holds the silenced neurons too
    onLanguageChange(() => this.relabel());
  }

  /**
   * The drawing in the address bar's ?d=, if it holds a good one (784 values), else null.
   * A bad link is no error: the page opens empty, says so kindly, and drops the bad ?d=.
   */
  open() {
    const badLink = this.#openServerNote();
    const params = new URLSearchParams(window.location.search);
    if (!params.has(PARAM)) return null;
    try {
      const code = params.get(PARAM);
      const values = decode(code);
      if (code !== ownCode()) { // a reload of one's own drawing is not a shared one
        this.linkCode = code;
        // The server's note (an unknown network, neurons it could not silence) says more than "shared": it stays.
        if (!badLink) this.#note('shared', () => [t('link.shared.title'), t('link.shared.detail')]);
      }
      return values;
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      const key = reasonKey(err);
      this.#note('bad', () => [t('link.bad.title'), `${t(key, err.params)} ${t('link.bad.restart')}`]);
      this.#replaceAddress(addressFor(null));
      return null;
    }
  }

  /**
   * The server's note that ?network= named no network of ours (the page shows the default), or that
   * &off= named neurons it could not silence (every neuron is on): said again now (a status the
   * screen reader announces) and on a language switch; what was not used leaves the address bar, so
   * the links made from here hold what is shown. Whether there was such a note.
   */
  #openServerNote() {
    const unused = UNUSED[this.note.dataset.about];
    if (!unused || this.note.hidden) return false;
    const [title, detail] = this.note.querySelectorAll('[data-i18n]');
    const args = JSON.parse(detail.dataset.i18nArgs || '{}');
    this.#note('bad', () => [t(title.dataset.i18n), t(detail.dataset.i18n, args)]);
    this.#replaceAddress(without(unused));
    return true;
  }

  /** The drawing changed. `settled`: not in the middle of a stroke, so the address bar follows now. */
  changed({ settled = true, loaded = false } = {}) {
    this.#hidePanels();
    if (!loaded) this.#clearNote();
    if (settled) this.sync();
  }

  /** Put the current drawing's link in the address bar (no new history entry); returns it. */
  sync() {
    const address = addressFor(this.grid());
    const code = new URL(address).searchParams.get(PARAM);
    if (code && code !== this.linkCode) rememberOwn(code);
    this.#replaceAddress(address);
    return address;
  }

  async copy() {
    const address = this.sync();
    if (!new URL(address).searchParams.has(PARAM)) return; // nothing drawn: nothing to share
    try {
      // Missing where the page is not a secure context (e.g. plain http on a LAN address).
      if (!navigator.clipboard || typeof navigator.clipboard.writeText !== 'function') {
        throw new Error('no clipboard');
      }
      await navigator.clipboard.writeText(address);
      this.#showCopied();
    } catch {
      this.#showFallback(address); // not allowed here: let the person copy it themselves
    }
  }

  /** The language changed: say what is showing again, in it. */
  relabel() {
    if (this.shownNote) this.#note(...this.shownNote);
    if (this.copied) this.#showCopied();
  }

  #replaceAddress(address) {
    if (address !== window.location.href) window.history.replaceState(window.history.state, '', address);
  }

  #showCopied() {
    this.fallback.hidden = true;
    const text = element('span', 'share-copied-text', '');
    text.append(element('strong', '', t('share.copied')), ' ', element('span', 'share-copied-detail', t('share.copiedDetail')));
    this.status.replaceChildren(text);
    this.button.classList.add('copied');
    this.copied = true;
  }

  #showFallback(address) {
    this.status.textContent = '';
    this.copied = false;
    this.button.classList.remove('copied');
    this.field.value = address;
    this.fallback.hidden = false;
    this.field.focus();
    // All of it selected, ready to copy; 'backward' keeps the start of the link in view.
    this.field.setSelectionRange(0, address.length, 'backward');
  }

  #hidePanels() {
    // Called on every pen move: touch the page only when something is showing.
    if (this.status.firstChild) this.status.replaceChildren();
    if (!this.fallback.hidden) this.fallback.hidden = true;
    this.copied = false;
    this.button.classList.remove('copied');
  }

  #note(kind, texts) {
    const [title, detail] = texts();
    this.shownNote = [kind, texts];
    this.note.dataset.kind = kind;
    this.note.replaceChildren(element('strong', 'pad-note-title', title), element('span', 'pad-note-detail', detail));
    this.note.hidden = false;
  }

  #clearNote() {
    if (this.note.hidden) return;
    this.shownNote = null;
    this.note.hidden = true;
    this.note.replaceChildren();
    delete this.note.dataset.kind;
    delete this.note.dataset.about;
  }
}
