// On a phone a side panel is a sheet (main.css: position fixed; on a desktop it is a column beside the
// network): over the lower part of the screen held upright, a column on the right held sideways.
// What stays in view above it (or beside it).

/** Whether `panel` is a phone's sheet (not a column beside the network). */
export const isSheet = (panel) => getComputedStyle(panel).position === 'fixed';

/** Whether the sheet `panel` is a column at the side (a phone held sideways), the page in view beside it. */
const besidePage = (panel) => panel.getBoundingClientRect().left > 0;

/** Where a phone's sheet begins: its top now, or higher once its content (fetched after it opens) fills it. */
function sheetTop(panel) {
  const max = parseFloat(getComputedStyle(panel).maxHeight); // NaN for 'none'
  const top = panel.getBoundingClientRect().top;
  return Number.isFinite(max) ? Math.min(top, window.innerHeight - max) : top;
}

/** The height of the page left in view by the sheet `panel`: above it, or all of it beside a column. */
const room = (panel) => (besidePage(panel) ? window.innerHeight : sheetTop(panel));

/** Whether `el` fits whole in the room a phone's sheet `panel` leaves above (or beside) it. */
export function fitsAboveSheet(el, panel) {
  return isSheet(panel) && el.getBoundingClientRect().height <= room(panel) - 16;
}

/**
 * On a phone, scroll the page so that `el` (the neuron looked at, the network...) sits in the
 * middle of what stays in view above (or beside) the sheet `panel`. (main.css gives the page room
 * below for that while a panel is open.)
 */
export function keepAboveSheet(el, panel) {
  if (!isSheet(panel)) return; // a column beside the network
  const space = room(panel);
  const r = el.getBoundingClientRect();
  if (r.top >= 8 && r.bottom <= space - 8) return;
  window.scrollBy({ top: r.top + r.height / 2 - space / 2, behavior: 'instant' });
}
