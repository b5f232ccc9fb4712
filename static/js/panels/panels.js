// The side panels, one open at a time: opening one closes the others (side_panel.js asks here
// first). While one is open the layout makes room for it (.layout.inspecting); a panel's chip
// opens and closes it and says whether it is open (aria-expanded); on a phone, where the panel
// is a sheet over the lower half, opening it brings the pad into view above it (or what the
// panel changes, when that fits: sheet.js). The lesson drives the panels by name (get, open).

import { stacked } from '../ui/theme.js';
import { fitsAboveSheet, keepAboveSheet } from './sheet.js';

export class Panels {
  /** @param {HTMLElement} layout  the page's grid  @param {HTMLElement} pad  kept in view above a phone's sheet */
  constructor(layout, pad) {
    this.layout = layout;
    this.pad = pad;
    this.all = [];
    this.how = new Map(); // panel -> {chip, keep}
  }

  /**
   * `panel` joins. `chip`: its button (it opens and closes it). `keep`: on a phone, what to keep in
   * view above its sheet when it fits (else the pad); false: the panel places the page itself.
   * Returns the panel.
   */
  add(panel, { chip = null, keep = null } = {}) {
    this.all.push(panel);
    this.how.set(panel, { chip, keep });
    panel.group = this;
    if (chip) {
      chip.addEventListener('click', () => {
        if (panel.isOpen) panel.close(); else panel.open(chip);
      });
    }
    return panel;
  }

  /** The panel named `name` (its data-testid: 'inspector', 'edge-detector', 'explain', 'learn', 'own-hand', 'compare'). */
  get(name) { return this.all.find((p) => p.root.dataset.testid === name) || null; }

  /** Open the panel named `name` (as its chip would); the panel, or null if the page has none of that name. */
  open(name, options) {
    const panel = this.get(name);
    if (panel) panel.open(this.how.get(panel).chip, options);
    return panel;
  }

  /** The open panel, or null. */
  get current() { return this.all.find((p) => p.isOpen) || null; }

  /** Close every panel but `keep` (the one about to open), leaving the focus where it goes next. */
  closeOthers(keep) {
    for (const p of this.all) if (p !== keep) p.close({ restoreFocus: false });
  }

  /** `panel` has just been shown (side_panel.js). */
  opened(panel) {
    const { chip, keep } = this.how.get(panel);
    if (chip) chip.setAttribute('aria-expanded', 'true');
    this.#sync();
    if (keep === false || !stacked()) return;
    if (keep && fitsAboveSheet(keep, panel.root)) keepAboveSheet(keep, panel.root);
    else this.pad.scrollIntoView({ block: 'nearest' });
  }

  /** `panel` has just been hidden. */
  closed(panel) {
    const { chip } = this.how.get(panel);
    if (chip) chip.setAttribute('aria-expanded', 'false');
    this.#sync();
  }

  #sync() { this.layout.classList.toggle('inspecting', this.all.some((p) => p.isOpen)); }
}
