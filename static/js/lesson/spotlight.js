// The lesson's spotlight: a ring around each part of the page a step is about, the rest of the
// page dimmed (a full-window layer with holes cut out of it), and the lesson's card placed where
// it covers none of them. Nothing of it takes a click: the page stays live under it.
//
// A step names its parts as groups of elements (one ring around each group: a column of neurons,
// a figure), or of {rect()} for what is only painted (the output digits); the first group is the
// one that must be in view. The rings follow the page, which
// moves under them (a panel opens, the window is resized or scrolled): while shown, every animation
// frame measures them, and moves the rings and the card only when something moved.
//
// Where the card goes: on a desktop, in a column of its own at the page's right (lesson.css makes
// room for it while no side panel is open), else the first corner of the window where it covers no
// ring; on a phone (the stacked layout) it is a sheet along the bottom, and the page is scrolled so the
// first group sits above it (at the top instead, when that group is itself in a sheet at the bottom).

import { stacked } from '../ui/theme.js';

const PAD = 8;     // px between a part and its ring
const MARGIN = 12; // px between the card and the window's edges

const isElement = (el) => el instanceof Element;

/** The union of the boxes of `els` that are on the page (a hidden one has no box), or null. */
function unionRect(els) {
  let r = null;
  for (const el of els) {
    const b = isElement(el) ? (el.isConnected && el.getClientRects().length ? el.getBoundingClientRect() : null) : el.rect();
    if (!b) continue;
    if (!(b.right - b.left) && !(b.bottom - b.top)) continue;
    r = r ? { left: Math.min(r.left, b.left), top: Math.min(r.top, b.top), right: Math.max(r.right, b.right), bottom: Math.max(r.bottom, b.bottom) }
      : { left: b.left, top: b.top, right: b.right, bottom: b.bottom };
  }
  return r;
}

const grow = (r, d) => ({ left: r.left - d, top: r.top - d, right: r.right + d, bottom: r.bottom + d });

function overlap(a, b) {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Whether `el` is inside something fixed to the window (a phone's sheet): scrolling the page does not move it. */
function inFixed(el) {
  for (let e = el; e && e !== document.body; e = e.parentElement) {
    if (getComputedStyle(e).position === 'fixed') return true;
  }
  return false;
}

export class Spotlight {
  /**
   * @param {HTMLElement} layer  the spotlight's layer (fixed, over the page; holds the dimming)
   * @param {HTMLElement} card  the lesson's card (fixed; placed here)
   */
  constructor(layer, card) {
    this.layer = layer;
    this.dim = layer.querySelector('.lesson-dim');
    this.card = card;
    this.groups = [];
    this.rings = [];
    this.raf = null;
    this.last = '';     // what was measured last (rects, window, card): nothing moved, nothing written
    this.marked = [];   // the elements marked data-lesson-highlight
  }

  /**
   * Ring `groups` (arrays of elements) and place the card; `scroll`: bring the first group into view
   * (not when the rings only follow the drawing: the page must not move under the pen).
   */
  show(groups, { scroll = true } = {}) {
    this.groups = groups.map((g) => g.filter(Boolean)).filter((g) => g.length);
    for (const el of this.marked) delete el.dataset.lessonHighlight;
    this.marked = this.groups.flat().filter(isElement);
    this.groups.forEach((g, i) => { for (const el of g.filter(isElement)) el.dataset.lessonHighlight = String(i); });
    while (this.rings.length < this.groups.length) {
      const ring = document.createElement('div');
      ring.className = 'lesson-ring';
      this.layer.append(ring);
      this.rings.push(ring);
    }
    this.rings.forEach((ring, i) => { ring.hidden = i >= this.groups.length; });
    this.layer.hidden = false;
    this.last = '';
    if (scroll) this.#scrollIntoView();
    if (this.raf === null) this.#frame();
  }

  /** Take it all away. */
  hide() {
    if (this.raf !== null) cancelAnimationFrame(this.raf);
    this.raf = null;
    for (const el of this.marked) delete el.dataset.lessonHighlight;
    this.marked = [];
    this.groups = [];
    this.layer.hidden = true;
  }

  /** The card's text changed size: place it again. */
  refit() {
    this.last = '';
  }

  /** The first group in view: inside its scrolling panel, and on a phone above the card's sheet. */
  #scrollIntoView() {
    const first = this.groups[0];
    if (!first) return;
    const el = first.find(isElement);
    if (!el) return;
    if (el.getClientRects().length) el.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: 'instant' });
    if (!stacked() || inFixed(el)) return;
    const r = unionRect(first);
    if (!r) return;
    const room = window.innerHeight - this.card.getBoundingClientRect().height - MARGIN;
    const h = r.bottom - r.top;
    const want = h + 2 * PAD > room ? r.top - PAD - 4 : r.top + h / 2 - room / 2; // its middle in the room's middle
    if (r.top < PAD || r.bottom > room - PAD || h + 2 * PAD > room) window.scrollBy({ top: want, behavior: 'instant' });
  }

  #frame() {
    this.raf = requestAnimationFrame(() => this.#frame());
    const rects = this.groups.map((g) => unionRect(g));
    const cardBox = this.card.getBoundingClientRect();
    const key = JSON.stringify([rects, window.innerWidth, window.innerHeight, Math.round(cardBox.width), Math.round(cardBox.height), stacked()]);
    if (key === this.last) return;
    this.last = key;
    const W = window.innerWidth, H = window.innerHeight;
    const holes = [];
    rects.forEach((r, i) => {
      const ring = this.rings[i];
      if (!r) { ring.hidden = true; return; }
      const g = grow(r, PAD);
      ring.hidden = false;
      Object.assign(ring.style, { left: `${g.left}px`, top: `${g.top}px`, width: `${g.right - g.left}px`, height: `${g.bottom - g.top}px` });
      holes.push(g);
    });
    // The dimming with a hole at each ring (even-odd: every box inside the window's is cut out).
    const path = [`M0 0H${W}V${H}H0Z`, ...holes.map((g) => `M${g.left} ${g.top}H${g.right}V${g.bottom}H${g.left}Z`)].join(' ');
    this.dim.style.clipPath = `path(evenodd, "${path}")`;
    this.#placeCard(holes, W, H);
  }

  #placeCard(holes, W, H) {
    const card = this.card;
    const { width: cw, height: ch } = card.getBoundingClientRect();
    let spots;
    if (stacked()) {
      spots = [{ left: 0, top: H - ch, where: 'bottom' }, { left: 0, top: 0, where: 'top' }];
    } else {
      const right = W - cw - MARGIN, bottom = H - ch - MARGIN;
      const layout = document.querySelector('.layout');
      const column = layout && !layout.classList.contains('inspecting') ? layout.getBoundingClientRect() : null;
      const pad = column ? parseFloat(getComputedStyle(layout).paddingRight) : 0;
      spots = [
        ...(column ? [{ left: column.right - pad - cw, top: column.top + parseFloat(getComputedStyle(layout).paddingTop), where: 'column' }] : []),
        { left: MARGIN, top: bottom, where: 'bottom-left' }, { left: right, top: bottom, where: 'bottom-right' },
        { left: right, top: MARGIN, where: 'top-right' }, { left: MARGIN, top: MARGIN, where: 'top-left' },
      ];
    }
    // The first place that covers no ring, else the one that covers least of them.
    let best = null, least = Infinity;
    for (const s of spots) {
      const box = { left: s.left, top: s.top, right: s.left + cw, bottom: s.top + ch };
      const covered = holes.reduce((sum, g) => sum + overlap(box, g), 0);
      if (covered < least) { least = covered; best = s; }
      if (!covered) break;
    }
    card.dataset.place = best.where;
    Object.assign(card.style, { left: `${Math.max(0, best.left)}px`, top: `${Math.max(0, best.top)}px` });
  }
}
