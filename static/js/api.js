// Talking to the server: the network's weights (once) and predictions.

async function json(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: report the status below */ }
  if (!response.ok) {
    const why = body && typeof body.error === 'string' ? body.error : `${response.status} ${response.statusText}`;
    throw new Error(why);
  }
  return body;
}

/** base64 of little-endian float32 -> Float32Array (DataView: correct on any byte order). */
function decodeFloats(b64, count) {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  if (bytes.length !== count * 4) throw new Error(`expected ${count} weights, got ${bytes.length / 4}`);
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Every layer's weights (row-major n_out x n_in) and biases. */
export async function fetchNetwork() {
  const body = await json(await fetch('/api/network', { headers: { Accept: 'application/json' } }));
  const layers = body.layers.map((layer) => {
    const [nOut, nIn] = layer.shape;
    return { nOut, nIn, weights: decodeFloats(layer.weights, nOut * nIn), biases: Float32Array.from(layer.biases) };
  });
  return { sizes: body.sizes, nParams: body.n_params, layers, meta: body.meta || {} };
}

/** One drawing (784 values, 0..1) through the network: every layer's activations. */
export async function predict(pixels) {
  const response = await fetch('/api/predict', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ pixels }),
  });
  return json(response);
}
