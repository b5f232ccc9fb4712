// The learner's own labelled drawings, kept only in this browser (localStorage):
// nothing of them is sent to the server. One key holds them all, as JSON
// {"v": 1, "drawings": [...]}, oldest first. What is read back is checked
// entry by entry (another version, another tab, a hand edit or a full disk may
// have left anything there): what does not pass is left out, and the reason is
// reported, never thrown. Each entry names the network that read it (`n`, an id of
// GET /api/networks); entries stored before there was a choice of network have none:
// they were read by the default, the video's network (LEGACY_NETWORK).

import { N_PIXELS as PIXELS, N_CLASSES as OUTPUTS } from '../../core/digit.js'; // the server's (mlp/digit.py)

export const KEY = 'nn-own-hand';
export const VERSION = 1;
export const MAX_DRAWINGS = 500; // about 1.2 kB each: 500 stay well inside localStorage's ~5 MB

const isDigit = (v) => Number.isInteger(v) && v >= 0 && v <= 9;
// A network id as mlp/registry.py's ID_PATTERN states it (tests/test_api_compare.py checks they match):
// safe in a CSV cell as it is.
export const NETWORK_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const LEGACY_NETWORK = 'video'; // the only network the page had before a network could be chosen

/** 784 grey levels (0..255) <-> base64, one byte each: a quarter of the JSON of the numbers. */
export function bytesToBase64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
function base64ToBytes(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** One stored entry -> a drawing {time, meant, read, network, outputs: number[10], grid: Uint8Array(784)}, or null. */
function checkEntry(e) {
  if (!e || typeof e !== 'object' || Array.isArray(e)) return null;
  const { t: time, m: meant, r: read, o: outputs, n: network = LEGACY_NETWORK } = e;
  if (!Number.isFinite(time) || time < 0 || !isDigit(meant) || !isDigit(read)) return null;
  if (typeof network !== 'string' || !NETWORK_ID.test(network)) return null;
  if (!Array.isArray(outputs) || outputs.length !== OUTPUTS) return null;
  if (!outputs.every((v) => typeof v === 'number' && v >= 0 && v <= 1)) return null;
  const grid = base64ToBytes(e.g);
  if (!grid || grid.length !== PIXELS) return null;
  return { time, meant, read, network, outputs: outputs.slice(), grid };
}

const toEntry = (d) => ({ t: d.time, m: d.meant, r: d.read, n: d.network, o: d.outputs, g: bytesToBase64(d.grid) });

/**
 * A stored value (the string localStorage gave, or null) -> {drawings, problem}.
 * `problem` is null when all was well, else {kind, count}: 'unreadable' (not our JSON),
 * 'version' (another format), 'damaged' (`count` entries left out), 'tooMany' (`count` oldest left out).
 */
export function parseStored(text) {
  if (text === null || text === undefined) return { drawings: [], problem: null };
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { drawings: [], problem: { kind: 'unreadable', count: 0 } };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { drawings: [], problem: { kind: 'unreadable', count: 0 } };
  if (data.v !== VERSION) return { drawings: [], problem: { kind: 'version', count: 0 } };
  if (!Array.isArray(data.drawings)) return { drawings: [], problem: { kind: 'unreadable', count: 0 } };
  let drawings = data.drawings.map(checkEntry).filter(Boolean);
  const damaged = data.drawings.length - drawings.length;
  if (damaged) return { drawings: cap(drawings), problem: { kind: 'damaged', count: damaged } };
  if (drawings.length > MAX_DRAWINGS) {
    const over = drawings.length - MAX_DRAWINGS;
    drawings = cap(drawings);
    return { drawings, problem: { kind: 'tooMany', count: over } };
  }
  return { drawings, problem: null };
}

/** The newest MAX_DRAWINGS (the list is oldest first). */
const cap = (drawings) => drawings.slice(Math.max(0, drawings.length - MAX_DRAWINGS));

export function serialize(drawings) {
  return JSON.stringify({ v: VERSION, drawings: cap(drawings).map(toEntry) });
}

/**
 * A labelled drawing from a reply: `meant` (what the learner says), the reply's answer, the
 * network that gave it, its 10 output activations, and the 28x28 grid the network read (its input layer).
 */
export function drawingFrom(reply, meant, time = Date.now()) {
  const acts = reply.activations;
  const round = (v) => Math.round(Math.min(1, Math.max(0, v)) * 1e6) / 1e6;
  return {
    time,
    meant,
    read: reply.prediction,
    network: typeof reply.network === 'string' && NETWORK_ID.test(reply.network) ? reply.network : LEGACY_NETWORK,
    outputs: Array.from(acts[acts.length - 1], round),
    grid: Uint8Array.from(acts[0], (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)),
  };
}

/** Reading and writing the one key; every localStorage call may throw (private mode, quota, policy). */
export class OwnHandStore {
  constructor(storage = globalThis.localStorage) {
    this.storage = storage;
    this.drawings = [];
    this.problem = null;
  }

  /** Read the key again (at start, and when another tab changed it). */
  load() {
    let text = null;
    try {
      text = this.storage.getItem(KEY);
    } catch {
      this.drawings = [];
      this.problem = { kind: 'unavailable', count: 0 };
      return this;
    }
    ({ drawings: this.drawings, problem: this.problem } = parseStored(text));
    return this;
  }

  /** Add one drawing (the oldest goes beyond the cap); false if the browser refused to store it. */
  add(drawing) {
    this.drawings = cap([...this.drawings, drawing]);
    return this.#save();
  }

  clear() {
    this.drawings = [];
    this.problem = null;
    try {
      this.storage.removeItem(KEY);
      return true;
    } catch {
      return false;
    }
  }

  #save() {
    try {
      this.storage.setItem(KEY, serialize(this.drawings));
      if (this.problem && this.problem.kind === 'unsaved') this.problem = null;
      return true;
    } catch {
      this.problem = { kind: 'unsaved', count: 0 };
      return false;
    }
  }
}
