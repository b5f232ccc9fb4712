// "Test it on your own hand": the learner draws, says which digit they meant, and
// the panel keeps a running score of how often the network read them right,
// overall and per digit, beside the network's own MNIST test figure; the misread
// drawings are shown small. The score is the shown network's alone (each entry names
// its network): another network's drawings are counted on its page, said in one line.
// Everything stays in this browser (store.js): the labelling sends nothing anywhere.
// Export as CSV and as one PNG sheet; clear after a confirmation. The digit buttons,
// or typing the digit while the panel is open, label the drawing on the pad (once per drawing).

import { t } from '../../ui/i18n.js';
import { network as shownNetwork } from '../../core/asked.js';
import { SidePanel } from '../side_panel.js';
import { currentReply } from '../../core/shown.js';
import { FONT } from '../../ui/theme.js';
import { OwnHandStore, drawingFrom, KEY, MAX_DRAWINGS } from './store.js';
import { tally, percent } from './score.js';
import { toCSV, drawSheet, download, fileName, SIDE } from './export.js';

const TYPING = 'input, textarea, select, [contenteditable="true"]';

export class OwnHand extends SidePanel {
  /**
   * @param {HTMLElement} root  the panel (starts hidden)
   * @param {object} options  drawing (drawing.js: the drawing labelled, once the pen is up, and
   *                          cleared for the next one), font (for the PNG sheet's labels)
   */
  constructor(root, { drawing, font = FONT }) {
    super(root);
    this.drawing = drawing;
    this.font = font;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      title: this.title,
      digits: [...root.querySelectorAll('[data-testid^="own-hand-meant-"]')],
      hint: $('[data-testid="own-hand-hint"]'),
      next: $('[data-testid="own-hand-next"]'),
      status: $('[data-testid="own-hand-status"]'),
      score: $('[data-testid="own-hand-score"]'),
      others: $('[data-testid="own-hand-others"]'),
      perDigit: [...root.querySelectorAll('[data-testid^="own-hand-digit-"]')],
      misread: $('[data-testid="own-hand-misread"]'),
      misreadNone: $('[data-testid="own-hand-misread-none"]'),
      csv: $('[data-testid="own-hand-csv"]'),
      png: $('[data-testid="own-hand-png"]'),
      clear: $('[data-testid="own-hand-clear"]'),
      confirm: $('[data-testid="own-hand-confirm"]'),
      confirmText: $('[data-testid="own-hand-confirm-text"]'),
      confirmYes: $('[data-testid="own-hand-confirm-yes"]'),
      confirmNo: $('[data-testid="own-hand-confirm-no"]'),
      count: $('[data-testid="own-hand-count"]'),
      note: $('[data-testid="own-hand-note"]'),
    };
    this.store = new OwnHandStore().load();
    this.labelled = null; // the reply already labelled: one label per drawing
    this.statusText = () => '';
    this.#listen();
    // The answer on screen is no longer this drawing's, or is now (the pen is up).
    drawing.onChange(() => this.update());
    drawing.onStrokeEnd(() => this.update());
    this.render();
  }

  open(opener, options) {
    super.open(opener, options);
    this.update();
  }

  /**
   * Whether the pad holds the learner's own strokes: only those are their handwriting. Noise
   * (the Noise button) or a drawing from a link (someone else's) is never labelled.
   */
  get ownStrokes() { return this.drawing.pad.image === null && this.drawing.pad.strokes.length > 0; }

  /** The reply on screen for the learner's own drawing on the pad, once the pen is up (or null). */
  current() {
    const reply = currentReply();
    return reply && !reply.empty && this.ownStrokes && !this.drawing.penDown ? reply : null;
  }

  /** The drawing or its reply changed: the digit buttons follow (enabled for an unlabelled answer). */
  update() {
    const reply = this.current();
    const ready = Boolean(reply) && reply !== this.labelled;
    for (const b of this.el.digits) b.disabled = !ready;
    const notYours = !this.drawing.isEmpty && !this.ownStrokes; // noise, or a link's drawing
    this.el.hint.textContent = ready ? t('ownHand.hintReady', { digit: reply.prediction })
      : reply ? t('ownHand.hintDone') : notYours ? t('ownHand.hintNotYours') : t('ownHand.hintDraw');
    // Labelled: the pad's own Clear may be under the sheet on a phone, so the panel has one too.
    const done = Boolean(reply) && reply === this.labelled;
    if (!done && this.el.next.contains(document.activeElement)) this.el.title.focus({ preventScroll: true });
    this.el.next.hidden = !done;
  }

  /** Label the drawing on the pad as `meant`; false if there is none to label. */
  label(meant) {
    const reply = this.current();
    if (!reply || reply === this.labelled) return false;
    const drawing = drawingFrom(reply, meant);
    const saved = this.store.add(drawing);
    this.labelled = reply;
    const { read } = drawing;
    this.#say(() => (read === meant ? t('ownHand.savedRight', { meant }) : t('ownHand.savedWrong', { meant, read }))
      + (saved ? '' : ` ${t('ownHand.note.unsaved')}`));
    this.render();
    return true;
  }

  /** Every string again, in the page's (new) language. */
  relabel() {
    this.render();
    this.el.status.textContent = this.statusText();
  }

  render() {
    const drawings = this.store.drawings;
    const score = tally(drawings.filter((d) => d.network === shownNetwork()));
    const others = drawings.length - score.total;
    const el = this.el;
    el.others.hidden = !others;
    el.others.textContent = others ? t('ownHand.others', { n: others }) : '';
    el.score.dataset.right = String(score.right);
    el.score.dataset.total = String(score.total);
    el.score.textContent = score.total
      ? t('ownHand.score', { right: score.right, total: score.total, pct: percent(score.right, score.total) })
      : t('ownHand.scoreNone');
    score.perDigit.forEach(({ right, total }, d) => {
      const li = el.perDigit[d];
      li.dataset.right = String(right);
      li.dataset.total = String(total);
      li.querySelector('.own-count').textContent = total ? `${right}/${total}` : '–';
      li.setAttribute('aria-label', t('ownHand.digitScore', { digit: d, right, total }));
      li.classList.toggle('own-some-wrong', right < total);
    });
    this.#renderMisread(score.misread);
    el.count.textContent = t('ownHand.count', { n: drawings.length, max: MAX_DRAWINGS });
    el.csv.disabled = el.png.disabled = el.clear.disabled = !drawings.length;
    if (!drawings.length) this.#hideConfirm();
    const problem = this.store.problem;
    el.note.hidden = !problem;
    el.note.dataset.kind = problem ? problem.kind : '';
    el.note.textContent = problem ? t(`ownHand.note.${problem.kind}`, { count: problem.count, max: MAX_DRAWINGS }) : '';
    this.update();
  }

  #renderMisread(misread) {
    const list = this.el.misread;
    list.replaceChildren(...misread.map((d) => {
      const li = document.createElement('li');
      li.setAttribute('data-testid', 'own-hand-misread-item');
      li.dataset.meant = String(d.meant);
      li.dataset.read = String(d.read);
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = SIDE;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', t('ownHand.misreadImage', { meant: d.meant, read: d.read }));
      const ctx = canvas.getContext('2d');
      const img = ctx.createImageData(SIDE, SIDE);
      d.grid.forEach((v, i) => {
        img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = v;
        img.data[i * 4 + 3] = 255;
      });
      ctx.putImageData(img, 0, 0);
      const cap = document.createElement('span');
      cap.setAttribute('aria-hidden', 'true'); // the picture's label says it already
      cap.textContent = t('ownHand.misreadAs', { meant: d.meant, read: d.read });
      li.append(canvas, cap);
      return li;
    }));
    list.hidden = !misread.length;
    this.el.misreadNone.hidden = misread.length > 0;
  }

  #say(fn) {
    this.statusText = fn;
    this.el.status.textContent = fn();
  }

  #hideConfirm() {
    this.el.confirm.hidden = true;
    this.el.clear.setAttribute('aria-expanded', 'false');
  }

  #exportCSV() {
    download(new Blob([toCSV(this.store.drawings)], { type: 'text/csv' }), fileName('csv'));
    this.#say(() => t('ownHand.exported', { n: this.store.drawings.length }));
  }

  #exportPNG() {
    const sheet = drawSheet(document.createElement('canvas'), this.store.drawings, {
      font: this.font,
      title: t('ownHand.sheetKey'),
      label: (d) => t('ownHand.sheetLabel', { meant: d.meant, read: d.read }),
    });
    sheet.toBlob((blob) => {
      if (!blob) return;
      download(blob, fileName('png'));
      this.#say(() => t('ownHand.exported', { n: this.store.drawings.length }));
    }, 'image/png');
  }

  #listen() {
    const el = this.el;
    for (const b of el.digits) b.addEventListener('click', () => this.label(Number(b.dataset.digit)));
    // Typing the digit while the panel is open labels too (not while typing in a field).
    document.addEventListener('keydown', (e) => {
      if (!this.isOpen || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (!/^[0-9]$/.test(e.key) || (e.target instanceof Element && e.target.closest(TYPING))) return;
      if (this.label(Number(e.key))) e.preventDefault();
    });
    el.next.addEventListener('click', () => this.drawing.pad.clear());
    el.csv.addEventListener('click', () => this.#exportCSV());
    el.png.addEventListener('click', () => this.#exportPNG());
    el.clear.addEventListener('click', () => {
      el.confirmText.textContent = t('ownHand.confirm', { n: this.store.drawings.length });
      el.confirm.hidden = false;
      el.clear.setAttribute('aria-expanded', 'true');
      el.confirmNo.focus();
    });
    el.confirmNo.addEventListener('click', () => { this.#hideConfirm(); el.clear.focus(); });
    el.confirmYes.addEventListener('click', () => {
      this.store.clear();
      this.labelled = null;
      this.#hideConfirm();
      this.#say(() => t('ownHand.cleared'));
      this.render();
      el.title.focus(); // the Clear button is now disabled: the focus stays in the panel
    });
    // Another tab of this page labelled or cleared: show the same list.
    window.addEventListener('storage', (e) => {
      if (e.key !== KEY && e.key !== null) return;
      this.store.load();
      this.render();
    });
  }
}
