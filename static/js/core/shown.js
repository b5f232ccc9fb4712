// What the page shows, in one place (as asked.js holds what it asks): the weights on show (the
// network's trained ones, or a snapshot of its training: panels/learn.js) and the live prediction's
// newest reply. Whoever shows either subscribes (onWeights, onReply, onLiveState); nobody is handed
// them one by one. The live prediction is asked again whenever the question changes (asked.js).

import { LivePredictor } from './live.js';
import { onAskedChange } from './asked.js';

const weightListeners = new Set();
const replyListeners = new Set();
const stateListeners = new Set();
let live = null;
let latest = null;   // the newest reply shown
let net = null;      // the weights on show

const subscribe = (set, fn) => { set.add(fn); return () => set.delete(fn); };

/** Give every view these weights (a network as api.js's fetchNetwork returns it). */
export function showWeights(network) {
  net = network;
  for (const fn of weightListeners) fn(network);
}

/** The weights on show (null until they come). */
export const weights = () => net;

/** fn(network) whenever the weights on show change. Returns the unsubscribe. */
export const onWeights = (fn) => subscribe(weightListeners, fn);

/**
 * Start the page's live prediction: `snapshot()` is the drawing's 784 values as sent, `send(pixels)`
 * the request (live.js: one in flight, the newest drawing wins).
 */
export function startLive({ snapshot, send }) {
  live = new LivePredictor({
    snapshot,
    send,
    onReply: (reply, version) => {
      latest = reply;
      for (const fn of replyListeners) fn(reply, version);
    },
    onState: (state, err) => { for (const fn of stateListeners) fn(state, err); },
  });
  // Another question for the same drawing (a neuron silenced, a snapshot of the training): asked again.
  onAskedChange(() => ask({ reset: true }));
}

/** The drawing (or how it is sent) changed: ask again. `reset`: a jump (Clear, Undo...), older replies are dropped. */
export const ask = (options) => live.changed(options);

/** The newest reply shown (null before the first). */
export const lastReply = () => latest;

/** Whether a reply's `version` is the drawing as it is now. */
export const isCurrent = (version) => version === live.version;

/** The newest reply if it is the drawing as it is now (not an older one's), else null. */
export const currentReply = () => (latest && live.shownVersion === live.version ? latest : null);

/** fn(reply, version) for every reply shown. Returns the unsubscribe. */
export const onReply = (fn) => subscribe(replyListeners, fn);

/** fn(state, error): 'busy', 'idle' (the newest drawing's answer is on screen) or 'error'. */
export const onLiveState = (fn) => subscribe(stateListeners, fn);
