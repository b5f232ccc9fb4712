// The pad's buttons: Undo (and Ctrl/Cmd+Z), Clear; while the pad is empty they, Share and
// "See the pre-processing" are disabled, and the hint to draw shows.

const $ = (sel) => document.querySelector(sel);

export class PadTools {
  /** @param {Drawing} drawing  (drawing.js) */
  constructor(drawing) {
    const pad = drawing.pad;
    this.drawing = drawing;
    this.needInk = ['undo', 'clear', 'share', 'preprocess-show'].map((id) => $(`[data-testid="${id}"]`));
    this.hint = $('[data-testid="hint"]');
    $('[data-testid="undo"]').addEventListener('click', () => pad.undo());
    $('[data-testid="clear"]').addEventListener('click', () => pad.clear());
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        pad.undo();
      }
    });
    drawing.onChange(() => this.sync());
    this.sync();
  }

  sync() {
    for (const b of this.needInk) b.disabled = this.drawing.isEmpty;
    this.hint.hidden = !this.drawing.isEmpty;
  }
}
