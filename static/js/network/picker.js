// Which network reads the drawing. The page is built for one network's sizes (the server
// renders it for ?network=ID), so choosing another opens the page again for that network,
// carrying the drawing along in the share link's form (?d=: the 28x28 grid the network
// reads, so the new network reads exactly the same input). The picker is a plain GET form:
// without this script its Show button still opens the chosen network (with an empty pad).
//
// A pick with the mouse (or from the open list) goes at once. Arrow keys on the closed list
// only move the choice, as a keyboard user looks through it: Enter or the Show button goes
// (changing the page at every arrow press would make the list impossible to browse).

import { addressFor } from '../drawing/share.js';
import { network as shownNetwork } from '../core/asked.js';

const BROWSE_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

export class NetworkPicker {
  /**
   * @param {HTMLFormElement} form  the picker's form (its select and Show button)
   * @param {object} options  grid(): the drawing's 784 values, or null for an empty pad;
   *                          go(address): open it (default: a new page, so Back comes back here)
   */
  constructor(form, { grid, go = (address) => window.location.assign(address) }) {
    this.form = form;
    this.select = form.querySelector('select');
    this.show = form.querySelector('[type="submit"]');
    this.grid = grid;
    this.goTo = go;
    this.browsing = false; // the choice was moved with the keys: wait for Enter or Show
    this.select.value = shownNetwork(); // a browser may restore another choice on Back
    this.#sync();
    this.select.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.go();
      } else if (BROWSE_KEYS.has(e.key) || e.key.length === 1) {
        this.browsing = true; // a letter jumps to an option, too
      }
    });
    this.select.addEventListener('pointerdown', () => { this.browsing = false; });
    this.select.addEventListener('change', () => {
      this.#sync();
      if (!this.browsing) this.go();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.go();
    });
  }

  /** The address of the drawing on the pad, read by the chosen network (whole: silenced neurons were this one's). */
  address() {
    return addressFor(this.grid(), { network: this.select.value, silenced: [] });
  }

  /** Open the chosen network (nothing to do for the one shown). */
  go() {
    this.browsing = false;
    if (this.select.value === shownNetwork()) return;
    this.goTo(this.address());
  }

  /** Show only when there is somewhere to go. */
  #sync() {
    this.show.hidden = this.select.value === shownNetwork();
  }
}
