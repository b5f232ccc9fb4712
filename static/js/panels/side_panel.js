// What the two side panels (the neuron inspector and the edge detector) share:
// opening and closing, Escape, and the keyboard focus. While a panel is open and
// the focus is inside it, Tab and Shift+Tab go round its own controls (they never
// fall out to the page behind it); when it closes, the focus goes back to the
// control that opened it (a neuron, or the edge detector's button). The mouse is
// never trapped: clicking elsewhere leaves the panel open and the focus there.

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** The controls Tab can reach inside `root`, in order (hidden or disabled ones left out). */
function tabbable(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => !el.disabled && el.getClientRects().length > 0);
}

export class SidePanel {
  /**
   * @param {HTMLElement} root  the panel (starts hidden)
   * @param {object} options  title (focused on a keyboard open), close (its close button),
   *                          onOpen, onClose (after it is shown / hidden)
   */
  constructor(root, { title, close, onOpen = () => {}, onClose = () => {} }) {
    this.root = root;
    this.title = title;
    this.onOpen = onOpen;
    this.onClose = onClose;
    this.opener = null;
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
  }

  get isOpen() { return !this.root.hidden; }

  /** Show the panel. `opener` gets the focus back on close; `focus`: move the focus to the title now. */
  open(opener, { focus = false } = {}) {
    this.opener = opener || null;
    this.root.hidden = false;
    this.onOpen();
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
  }

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
