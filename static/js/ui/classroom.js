// Classroom mode, for a projector: the same page with large type, a larger network and side panels
// scaled up (classroom.css, under body[data-present="on"]). The button or the key P enters and
// leaves it; the tab remembers it (sessionStorage). P is a letter, so it never fires while typing
// in a field, with a modifier key held, or while `listening()` says digit keys are being listened
// for (the own-hand panel). Whoever lays out text on a canvas follows onClassroomChange.

const STORE = 'nn-present';
const TYPING = 'input, textarea, select, [contenteditable="true"]';
const events = new EventTarget();

/** Whether the page is in classroom mode. */
export const presenting = () => document.body.dataset.present === 'on';

/** fn(on) after every change. */
export function onClassroomChange(fn) {
  events.addEventListener('change', () => fn(presenting()));
}

export class Classroom {
  /** @param {HTMLButtonElement} button  its toggle  @param {object} options  listening(): P is someone else's now */
  constructor(button, { listening = () => false } = {}) {
    this.button = button;
    let saved = null;
    try { saved = window.sessionStorage.getItem(STORE); } catch { /* storage off: not remembered */ }
    this.set(saved === 'on');
    button.addEventListener('click', () => this.set(!presenting()));
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'p' && e.key !== 'P') return;
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat || listening()) return;
      if (e.target instanceof Element && e.target.closest(TYPING)) return;
      e.preventDefault();
      this.set(!presenting());
    });
  }

  /** Enter (`on`) or leave classroom mode. */
  set(on) {
    const was = presenting();
    if (on) document.body.dataset.present = 'on'; else delete document.body.dataset.present;
    this.button.setAttribute('aria-pressed', on ? 'true' : 'false');
    try { window.sessionStorage.setItem(STORE, on ? 'on' : 'off'); } catch { /* not remembered */ }
    if (was !== on) events.dispatchEvent(new Event('change'));
  }
}
