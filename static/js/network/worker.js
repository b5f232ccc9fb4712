// Paints the network view's animation frames off the page's main thread (see
// network/frames.js, its other side): without a GPU, rasterizing thousands of lines takes most of
// a frame, and on the main thread it would hold up the pen and the replies.
// Messages in:  {type: 'init', sizes, font, side, labels} | {type: 'network', layers}
//               | {type: 'labels', labels} (the layers' names: {full, compact})
//               | {type: 'resize', width, height, pixelWidth, pixelHeight, dpr, text} (text: the words' size)
//               | {type: 'paint', id, state}
// Messages out: {type: 'ready', timeOrigin}
//               | {type: 'frame', id, bitmap, start, end, painted} (painted: the painter's report)
//               | {type: 'failed', message}

import { NetworkPainter } from './paint.js';

let painter = null;
let canvas = null;
let ctx = null;
let scale = [1, 1];
// On the CPU, like the page's own canvas when there is no GPU: the same pixels, and
// no round trips to a GPU process (or a slow software one) for every frame.
const CONTEXT = { willReadFrequently: true };

self.onmessage = ({ data: m }) => {
  try {
    if (m.type === 'init') {
      painter = new NetworkPainter(m.sizes, { font: m.font, side: m.side });
      if (m.labels) painter.setLabels(m.labels);
      canvas = new OffscreenCanvas(1, 1);
      ctx = canvas.getContext('2d', CONTEXT);
      if (!ctx || typeof canvas.transferToImageBitmap !== 'function') throw new Error('no 2D OffscreenCanvas here');
      self.postMessage({ type: 'ready', timeOrigin: performance.timeOrigin });
    } else if (m.type === 'labels') {
      painter.setLabels(m.labels);
    } else if (m.type === 'network') {
      painter.setNetwork(m.layers);
    } else if (m.type === 'resize') {
      canvas.width = m.pixelWidth;
      canvas.height = m.pixelHeight;
      ctx = canvas.getContext('2d', CONTEXT);
      scale = [m.pixelWidth / Math.max(1, m.width), m.pixelHeight / Math.max(1, m.height)];
      painter.resize(m.width, m.height, m.dpr, m.text);
    } else if (m.type === 'paint') {
      const start = performance.now();
      ctx.setTransform(scale[0], 0, 0, scale[1], 0, 0);
      painter.draw(ctx, m.state);
      const bitmap = canvas.transferToImageBitmap(); // rasterizes here, in this thread
      const end = performance.now();
      self.postMessage({ type: 'frame', id: m.id, bitmap, start, end, painted: painter.painted }, [bitmap]);
    }
  } catch (err) {
    self.postMessage({ type: 'failed', message: String(err && err.message ? err.message : err) });
  }
};
