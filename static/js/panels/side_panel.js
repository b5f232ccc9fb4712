// What every side panel is (the neuron inspector, the edge detector, why this answer, watch it
// learn, the test on your own hand, compare; the lesson to come): one interface, which the page,
// the chips and the lesson drive —
//   open(opener, { focus })  show it (the other panels close first: panels.js); the focus goes to its
//                            title when `focus` (the default); closing gives it back to `opener`
//   close({ restoreFocus })  hide it
//   isOpen
//   update(reply, version)   the page's newest reply (core/shown.js)
//   relabel()                the page's language changed
//   repaint()                the colour palette changed
// A panel subscribes to those itself here; it overrides only what it uses, and onOpen() / onClose()
// (just after it is shown / hidden). What else it follows (the drawing, asked.js) it subscribes to
// in its own constructor.
//
// And what they share: Escape, and the keyboard focus. While a panel is open and the focus is
// inside it, Tab and Shift+Tab go round its own controls (they never fall out to the page behind
// it); when it closes, the focus goes back to the control that opened it (a neuron, a chip). The
// mouse is never trapped: clicking elsewhere leaves the panel open and the focus there.

import { onReply } from '../core/shown.js';
import { onLanguageChange } from '../ui/i18n.js';
import { onPaletteChange } from '../ui/palette.js';

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** The controls Tab can reach inside `root`, in order (hidden or disabled ones left out). */
function tabbable(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => !el.disabled && el.getClientRects().length > 0);
}

export class SidePanel {
  /**
   * @param {HTMLElement} root  the panel (starts hidden)
   * @param {object} options  title (focused on open), close (its close button); by default its <h2>
   *                          and its [data-testid$="-close"] button
   */
  constructor(root, { title = root.querySelector('h2'), close = root.querySelector('[data-testid$="-close"]') } = {}) {
    this.root = root;
    this.title = title;
    this.opener = null;
    this.group = null; // the Panels it belongs to (panels.js sets it)
    close.addEventListener('click', () => this.close());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen && !e.defaultPrevented) {
        e.preventDefault(); // one Escape closes one panel
        this.close();
      }
    });
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Tab' && !e.altKey && !e.ctrlKey && !e.metaKey) this.#wrapTab(e);
    });
    onReply((reply, version) => this.update(reply, version));
    onLanguageChange(() => this.relabel());
    onPaletteChange(() => this.repaint());
  }

  get isOpen() { return !this.root.hidden; }

  /** Show the panel (closing the others). `opener` gets the focus back on close; `focus`: move the focus to the title now. */
  open(opener = this.opener, { focus = true } = {}) {
    if (this.group) this.group.closeOthers(this);
    this.opener = opener || null;
    this.root.hidden = false;
    this.onOpen();
    if (this.group) this.group.opened(this);
    if (focus) this.title.focus({ preventScroll: true });
  }

  /**
   * Hide the panel. `restoreFocus`: if the focus was in it (or nowhere: on the page's body),
   * give it back to the opener, so a keyboard user is where they were.
   */
  close({ restoreFocus = true } = {}) {
    if (!this.isOpen) return;
    const active = document.activeElement;
    const lost = !active || active === document.body || this.root.contains(active);
    this.root.hidden = true;
    if (restoreFocus && lost && this.opener && this.opener.isConnected) this.opener.focus({ preventScroll: true });
    this.onClose();
    if (this.group) this.group.closed(this);
  }

  /** Just shown (before the focus moves in). */
  onOpen() {}

  /** Just hidden. */
  onClose() {}

  /** The page's newest reply (every one, open or not). */
  update() {}

  /** The page's language changed. */
  relabel() {}

  /** The colour palette changed. */
  repaint() {}

  /** Tab past the last control goes to the first one; Shift+Tab before the first, to the last. */
  #wrapTab(e) {
    const items = tabbable(this.root);
    if (!items.length) {
      e.preventDefault();
      return;
    }
    const first = items[0], last = items[items.length - 1];
    const at = document.activeElement;
    if (e.shiftKey && (at === first || at === this.title)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && at === last) {
      e.preventDefault();
      first.focus();
    }
  }
}
