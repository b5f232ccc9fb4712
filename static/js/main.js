// Wires the page together, and only that: it makes the page's parts and lists them. Each part
// subscribes to what it follows (the drawing: drawing/drawing.js; the weights and the replies:
// core/shown.js; the question: core/asked.js; the language and the palette: ui/), so the order
// below is only the order things are made in. The page's language is loaded first: every sentence
// comes from it. A new side panel is one module in panels/ (a SidePanel) and one line below.

import { initLanguage, t } from './ui/i18n.js';
import { initPalette } from './ui/palette.js';
import { fetchNetwork, predict } from './core/api.js';
import { asked, network as askedNetwork } from './core/asked.js';
import { ask, onReply, onWeights, showWeights, startLive } from './core/shown.js';
import { Pad } from './drawing/pad.js';
import { Drawing } from './drawing/drawing.js';
import { PadTools } from './drawing/tools.js';
import { Share } from './drawing/share.js';
import { NoiseNote } from './drawing/noise.js';
import { Answer } from './drawing/answer.js';
import { NetworkView } from './network/view.js';
import { NetworkLabels } from './network/labels.js';
import { Flow } from './network/flow.js';
import { PixelInspector } from './network/pixels.js';
import { SilenceBar, SilenceEffect } from './network/silence.js';
import { NetworkPicker } from './network/picker.js';
import { OptionLabels } from './network/option_labels.js';
import { Panels } from './panels/panels.js';
import { Train } from './panels/train/panel.js';
import { Inspector } from './panels/inspector.js';
import { EdgeDetector } from './panels/edge_detector.js';
import { OwnHand } from './panels/own_hand/panel.js';
import { Compare } from './panels/compare.js';
import { ExplainPanel } from './panels/explain.js';
import { Learn } from './panels/learn.js';
import { Lesson } from './lesson/lesson.js';
import { Classroom } from './ui/classroom.js';

await initLanguage();
initPalette(byId('palette'));

/** The page's element with data-testid `id`. */
function byId(id) { return document.querySelector(`[data-testid="${id}"]`); }

const SIZES = document.body.dataset.sizes.split(',').map(Number); // from the server's network

// The drawing, and the live prediction that reads it (the question's other options: asked.js).
const drawing = new Drawing(new Pad(byId('pad')), byId('without-preprocessing'));
startLive({ snapshot: () => drawing.grid(), send: (pixels) => predict(pixels, { preprocess: !drawing.raw, ...asked() }) });

// Around the pad: its buttons, the share link, the noise experiment, the answer.
new PadTools(drawing);
const share = new Share({
  button: byId('share'), status: byId('share-status'), fallback: byId('share-fallback'),
  field: byId('share-link'), close: byId('share-fallback-close'), note: byId('link-note'),
}, { drawing });
const noise = new NoiseNote(byId('noise-note'), { button: byId('noise'), drawing });
const answer = new Answer({ drawing, noise });

// The network: its picture (the weights and every reply), its words, the flow, its input pixels,
// the silenced neurons, and which network it is (network/picker.js opens the page again for another).
const view = new NetworkView(byId('network'), byId('neurons'), { sizes: SIZES });
onWeights((net) => view.setNetwork(net));
onReply((reply, version) => view.show(reply, version));
new NetworkLabels(view, SIZES, document.querySelector('.key-neg'));
const flow = new Flow({ drawing, view });
new PixelInspector(byId('input-pixels'), byId('pixel-info'), { view, sizes: SIZES });
new NetworkPicker(byId('network-form'), { grid: () => drawing.shareable() });
new OptionLabels(document.querySelectorAll('.network-select')); // the network lists' labels, never cut

// The side panels, one open at a time (panels/panels.js): each is a SidePanel (panels/side_panel.js).
const panels = new Panels(document.querySelector('.layout'), drawing.pad.canvas);
const inspector = panels.add(new Inspector(byId('inspector'), { sizes: SIZES, view }), { keep: false });
panels.add(new EdgeDetector(byId('edge-detector'), { drawing, overlay: byId('edge-overlay') }), { chip: byId('edge-open') });
panels.add(new OwnHand(byId('own-hand'), { drawing }), { chip: byId('own-hand-open') });
if (byId('compare-open')) panels.add(new Compare(byId('compare'), { drawing }), { chip: byId('compare-open') }); // 2+ networks
panels.add(new ExplainPanel(byId('explain'), { drawing }), { chip: byId('explain-open') });
// Watch it learn: on a phone the network, which its timeline changes, stays in view above the sheet.
panels.add(new Learn(byId('learn'), { chip: byId('learn-open'), drawing }), { chip: byId('learn-open'), keep: byId('network') });
panels.add(new Train(byId('train-panel'), { drawing }), { chip: byId('train') }); // a network of one's own design, trained by the server

// The lesson walks through the page (and drives it: lesson/); classroom mode makes it big (P: not while own-hand reads digit keys).
new Lesson(byId('lesson-card'), { button: byId('lesson'), spotlight: byId('lesson-spotlight'), drawing, view, flow, panels, sizes: SIZES });
new Classroom(byId('present'), { listening: () => panels.get('own-hand').isOpen });

new SilenceBar(byId('silence-bar'), {
  view,
  afterReset: () => (inspector.isOpen ? byId('silence-toggle') : view.neurons.current).focus(),
});
new SilenceEffect(byId('silence-effect'), { drawing, afterReset: () => byId('silence-toggle').focus() });

const shared = share.open(); // a drawing from the link in the address bar, if it holds a good one
if (shared) drawing.pad.showGrid(shared); // exactly the sender's 784 values: the same answer
ask(); // the drawing (or the blank pad: its resting state) through the network

fetchNetwork({ network: askedNetwork() }).then(showWeights, (err) => {
  answer.status(() => t('status.weights', { error: err.message }));
});
