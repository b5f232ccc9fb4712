// Talking to the server: the network's weights (once) and predictions. A busy server's 429 is
// asked again after its Retry-After (retry.js).

import { toLevels } from './digit.js';
import { fetchRetrying, holdFor } from './retry.js';

async function json(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: report the status below */ }
  if (!response.ok) {
    const why = body && typeof body.error === 'string' ? body.error : `${response.status} ${response.statusText}`;
    throw new Error(why);
  }
  return body;
}

const base64Bytes = (b64) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));

/**
 * base64 of little-endian float32 -> Float32Array (DataView: correct on any byte order);
 * `count` numbers expected (by default, as many as the bytes hold).
 */
function decodeFloats(b64, count = null) {
  const bytes = base64Bytes(b64);
  count ??= Math.floor(bytes.length / 4);
  if (bytes.length !== count * 4) throw new Error(`expected ${count} numbers, got ${bytes.length / 4}`);
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** A query string of the options that are set: `?network=video&snapshot=3` (or ''). */
function query(options) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(options)) if (v !== null && v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const getJson = async (url) => json(await fetchRetrying(url, { headers: { Accept: 'application/json' } }));

/**
 * Every layer's weights (row-major n_out x n_in), biases and activation ('sigmoid' or 'relu'): of
 * `network` (default: the server's first) or of its training snapshot `snapshot` (an index into /api/snapshots).
 */
export async function fetchNetwork({ network = null, snapshot = null } = {}) {
  const body = await getJson(`/api/network${query({ network, snapshot })}`);
  const layers = body.layers.map((layer) => {
    const [nOut, nIn] = layer.shape;
    return {
      nOut, nIn, weights: decodeFloats(layer.weights, nOut * nIn), biases: Float32Array.from(layer.biases),
      activation: layer.activation || 'sigmoid',
    };
  });
  return { sizes: body.sizes, nParams: body.n_params, layers, meta: body.meta || {} };
}

/**
 * Ask for `network`'s weights before anything else is asked (a trained network this server has not
 * trained yet: asking trains it); every other request waits for the answer (retry.js's holdFor). The
 * page's own fetchNetwork of the same address then comes from the browser's cache (Cache-Control).
 */
export function prepareNetwork(network) {
  const request = fetchRetrying(`/api/network${query({ network })}`, { headers: { Accept: 'application/json' } }, { first: true });
  holdFor(request);
  return request;
}

/** 784 values in 0..1 -> base64 of one byte per pixel (0..255), the API's compact form. */
export function encodePixels(pixels) {
  return btoa(String.fromCharCode(...toLevels(pixels))); // rounded as the server and the links round
}

/** The compact form back: base64 of 784 bytes -> 784 values k/255. */
export function decodePixels(b64) {
  return Array.from(base64Bytes(b64), (k) => k / 255);
}

/** A compact reply's float32 array -> an Array of numbers (the page's code expects Arrays). */
const floats = (b64) => Array.from(decodeFloats(b64));

/**
 * One drawing (784 values, 0..1, each k/255 as the pad makes them) through the
 * network: every layer's activations. Sent in the API's compact form (8-bit
 * base64: a quarter of the bytes of 784 numbers), so the reply comes compact too
 * (every array base64); it is decoded here and the rest of the page sees numbers.
 * `preprocess: false`: the server gives the network the grid as sent, not normalized.
 */
export async function predict(pixels, { preprocess = true, ...asked } = {}) {
  const response = await post('/api/predict', pixels, { preprocess, ...asked });
  const reply = await json(response);
  const [input, ...layers] = reply.activations;
  reply.activations = [decodePixels(input), ...layers.map(floats)];
  reply.weighted_sums = reply.weighted_sums.map(floats);
  reply.probabilities = floats(reply.probabilities);
  return reply;
}

/**
 * The drawing sent to `url` with the options the API takes: `network`, `silenced`
 * ([[layer, index], ...]), `snapshot`, and `preprocess: false` for the grid as sent.
 */
function post(url, pixels, { preprocess = true, network = null, silenced = null, snapshot = null } = {}) {
  const body = { pixels: encodePixels(pixels) };
  if (!preprocess) body.preprocess = false; // the grid as sent: the "without pre-processing" switch
  if (network !== null) body.network = network;
  if (silenced && silenced.length) body.silenced = silenced;
  if (snapshot !== null) body.snapshot = snapshot;
  return fetchRetrying(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * Why this answer: the two brightest digits with a 28x28 map each of how much every
 * input pixel pushed that output's weighted sum up (> 0) or down (< 0); see the README.
 */
export async function explain(pixels, options = {}) {
  return json(await post('/api/explain', pixels, options));
}

/** The networks the server has, the default first (GET /api/networks). */
export const fetchNetworks = () => getJson('/api/networks');

/** The training snapshots of `network` (GET /api/snapshots): {network, snapshots: [{index, step, epoch, test_accuracy}]}. */
export const fetchSnapshots = (network = null) => getJson(`/api/snapshots${query({ network })}`);

/** What the Train-your-own form is built from (GET /api/train): {available, limits, presets}. */
export const fetchTraining = () => getJson('/api/train');

/**
 * Train `recipe` ({hidden, activation, images, epochs, seed}) on the server (POST /api/train): its
 * reply ({network, test_accuracy, snapshots, ...}), or an Error with the server's words (a 400 names
 * the limit; `status` is the HTTP status). `onWait`: told of each wait while the server is busy (retry.js).
 */
export async function train(recipe, { onWait = null } = {}) {
  const response = await fetchRetrying('/api/train', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(recipe),
  }, { onWait });
  try {
    return await json(response);
  } catch (err) {
    err.status = response.status;
    throw err;
  }
}
