// On a phone a side panel is a sheet over the lower part of the screen (main.css: position fixed;
// on a desktop it is a column beside the network). What stays in view above it.

/** Whether `panel` is a phone's sheet (not a column beside the network). */
export const isSheet = (panel) => getComputedStyle(panel).position === 'fixed';

/** Where a phone's sheet begins: its top now, or higher once its content (fetched after it opens) fills it. */
function sheetTop(panel) {
  const max = parseFloat(getComputedStyle(panel).maxHeight); // NaN for 'none'
  const top = panel.getBoundingClientRect().top;
  return Number.isFinite(max) ? Math.min(top, window.innerHeight - max) : top;
}

/** Whether `el` fits whole in the room a phone's sheet `panel` leaves above it. */
export function fitsAboveSheet(el, panel) {
  return isSheet(panel) && el.getBoundingClientRect().height <= sheetTop(panel) - 16;
}

/**
 * On a phone, scroll the page so that `el` (the neuron looked at, the network...) sits in the
 * middle of what stays in view above the sheet `panel`. (main.css gives the page room below
 * for that while a panel is open.)
 */
export function keepAboveSheet(el, panel) {
  if (!isSheet(panel)) return; // a column beside the network
  const room = sheetTop(panel);
  const r = el.getBoundingClientRect();
  if (r.top >= 8 && r.bottom <= room - 8) return;
  window.scrollBy({ top: r.top + r.height / 2 - room / 2, behavior: 'instant' });
}
