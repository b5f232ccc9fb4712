// A small plot of a neuron's activation function with its weighted sum z marked on it: the sigmoid
// (the squishing that turns any z into an activation between 0 and 1), or ReLU for a ReLU layer.

import { fitCanvas } from '../ui/canvas.js';
import { BLUE, HILITE, rgba } from '../ui/colors.js';

export const sigmoid = (z) => 1 / (1 + Math.exp(-z));

export function drawSigmoid(canvas, z, font) {
  const { ctx, width: W, height: H } = fitCanvas(canvas);
  ctx.clearRect(0, 0, W, H);
  const range = 8; // past ±8 the curve is flat: σ is 0 or 1 to three decimals
  const left = 22, right = 8, top = 8, bottom = 18;
  const X = (v) => left + ((v + range) / (2 * range)) * (W - left - right);
  const Y = (s) => top + (1 - s) * (H - top - bottom);

  // Axes: sigma = 0 and 1, and z = 0 where the neuron is half lit.
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(160, 180, 220, 0.25)';
  ctx.beginPath();
  ctx.moveTo(left, Y(0)); ctx.lineTo(W - right, Y(0));
  ctx.moveTo(left, Y(1)); ctx.lineTo(W - right, Y(1));
  ctx.moveTo(X(0), Y(0)); ctx.lineTo(X(0), Y(1));
  ctx.stroke();

  ctx.font = `11px ${font}`;
  ctx.fillStyle = 'rgba(170, 185, 215, 0.8)';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillText('1', left - 6, Y(1));
  ctx.fillText('0', left - 6, Y(0));
  labelZAxis(ctx, X, range, H);

  ctx.beginPath();
  for (let i = 0; i <= 120; i++) {
    const v = -range + (2 * range * i) / 120;
    const x = X(v), y = Y(sigmoid(v));
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  }
  ctx.strokeStyle = rgba(BLUE);
  ctx.lineWidth = 2;
  ctx.stroke();

  if (!Number.isFinite(z)) return;
  const off = Math.abs(z) > range; // far past the flat end: pin the dot to the edge and say so
  const zc = Math.max(-range, Math.min(range, z));
  const x = X(zc), y = Y(sigmoid(z));
  markPoint(ctx, x, y, Y(0), left);
  if (off) {
    ctx.font = `11px ${font}`;
    ctx.fillStyle = rgba(HILITE);
    ctx.textBaseline = 'middle';
    ctx.textAlign = z > 0 ? 'right' : 'left';
    const label = z > 0 ? `z = ${z.toFixed(1)} →` : `← z = −${Math.abs(z).toFixed(1)}`;
    ctx.fillText(label, z > 0 ? x - 10 : x + 10, y + (z > 0 ? 14 : -14));
  }
}

export const relu = (z) => Math.max(0, z);

/**
 * ReLU's plot, for a ReLU neuron (a trained network's hidden layer): 0 for z below 0, then z itself,
 * with no ceiling. The axes reach past this neuron's z (at least ±4), so its dot is always on the
 * curve, and the activation axis is as tall as the z axis is wide: the slope of 1 looks like one.
 */
export function drawRelu(canvas, z, font) {
  const { ctx, width: W, height: H } = fitCanvas(canvas);
  ctx.clearRect(0, 0, W, H);
  const range = Math.max(4, Number.isFinite(z) ? Math.ceil(Math.abs(z) * 1.15) : 4);
  const left = 26, right = 8, top = 8, bottom = 18;
  const X = (v) => left + ((v + range) / (2 * range)) * (W - left - right);
  const Y = (a) => top + (1 - a / range) * (H - top - bottom);

  // Axes: a = 0 (and the top of the plot), and z = 0 where the neuron starts to give anything.
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(160, 180, 220, 0.25)';
  ctx.beginPath();
  ctx.moveTo(left, Y(0)); ctx.lineTo(W - right, Y(0));
  ctx.moveTo(left, Y(range)); ctx.lineTo(W - right, Y(range));
  ctx.moveTo(X(0), Y(0)); ctx.lineTo(X(0), Y(range));
  ctx.stroke();
  // a = 1: where the network view's brightness stops growing (above it the value is written on the neuron).
  ctx.setLineDash([2, 3]);
  ctx.beginPath();
  ctx.moveTo(left, Y(1)); ctx.lineTo(W - right, Y(1));
  ctx.stroke();
  ctx.setLineDash([]);

  ctx.font = `11px ${font}`;
  ctx.fillStyle = 'rgba(170, 185, 215, 0.8)';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillText(String(range), left - 6, Y(range));
  if (Y(0) - Y(1) >= 12) ctx.fillText('1', left - 6, Y(1)); // (too close to 0 on a tall axis: the dashes say it)
  ctx.fillText('0', left - 6, Y(0));
  labelZAxis(ctx, X, range, H);
  ctx.textAlign = 'left';
  ctx.fillText('ReLU', left + 6, Y(range * 0.55)); // the plot's name, where the curve never goes

  ctx.beginPath();
  ctx.moveTo(X(-range), Y(0));
  ctx.lineTo(X(0), Y(0));
  ctx.lineTo(X(range), Y(range));
  ctx.strokeStyle = rgba(BLUE);
  ctx.lineWidth = 2;
  ctx.stroke();

  if (!Number.isFinite(z)) return;
  markPoint(ctx, X(z), Y(relu(z)), Y(0), left);
}

// The z axis's labels under both plots: −range, 0 and range.
function labelZAxis(ctx, X, range, H) {
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'center';
  ctx.fillText(`−${range}`, X(-range) + 8, H - 3);
  ctx.fillText('0', X(0), H - 3);
  ctx.fillText(`${range}`, X(range) - 6, H - 3);
}

/** The neuron's point (x, y) on the curve, dashed down to the z axis (at `axisY`) and across to `left`. */
function markPoint(ctx, x, y, axisY, left) {
  ctx.setLineDash([3, 3]);
  ctx.strokeStyle = rgba(HILITE, 0.6);
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, axisY); ctx.lineTo(x, y); ctx.lineTo(left, y);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.arc(x, y, 4.5, 0, Math.PI * 2);
  ctx.fillStyle = rgba(HILITE);
  ctx.fill();
}
