// The drawing in a share link, in the browser: the same codec as web/sharelink.py,
// byte for byte (the tests compare the two), with the same checks and messages.
//
// Format version 1: "1" + base64url(payload), no padding, where payload is the
// 28x28 grid row by row as bytes (a pixel 1..255 is one byte; a run of 1..255
// background pixels is the two bytes 0x00, length), then the CRC-32 of the 784
// pixel bytes, big-endian. See web/sharelink.py for the reasons.
//
// Nothing here touches the page: decode() only ever returns numbers or throws
// a LinkError whose message is our own text (safe to show with textContent) and whose
// reason is one of REASONS, the same code web/sharelink.py gives (the page names it in its language).

import { N_PIXELS, toLevels } from './digit.js';
import { normalizeSilenced } from './silenced.js';

export { N_PIXELS };
export const VERSION = '1';
export const MAX_LENGTH = 4096; // the longest possible v1 link is ~2,100 characters

const ALPHABET = /^[A-Za-z0-9_-]*$/;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_VALUE = new Map([...B64].map((ch, i) => [ch, i]));

// Why a link cannot be opened, as a code (web/sharelink.py's REASONS; static/i18n's link.reason.<code>).
export const REASONS = Object.freeze(['empty', 'tooLong', 'characters', 'version', 'damaged', 'tooMany', 'checksum']);

/**
 * A share link that cannot be opened; `message` says why, for people; `reason` is one of REASONS;
 * `params` the numbers the page's words for it need (tooLong: {n}, the link's length).
 */
export class LinkError extends Error {
  constructor(reason, message, params = {}) {
    if (!REASONS.includes(reason)) throw new RangeError(`unknown link error reason ${reason}`);
    super(message);
    this.name = 'LinkError';
    this.reason = reason;
    this.params = params;
  }
}

// ---- CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zlib.crc32 ----

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of a byte array, as an unsigned 32-bit number (zlib.crc32's value). */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---- base64url without padding ----

function toBase64url(bytes) {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >>> 18] + B64[(n >>> 12) & 63] + B64[(n >>> 6) & 63] + B64[n & 63];
  }
  const left = bytes.length - i;
  if (left === 1) {
    const n = bytes[i] << 16;
    out += B64[n >>> 18] + B64[(n >>> 12) & 63];
  } else if (left === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >>> 18] + B64[(n >>> 12) & 63] + B64[(n >>> 6) & 63];
  }
  return out;
}

/** base64url text (alphabet already checked) -> bytes, or null where Python's decoder refuses it. */
function fromBase64url(text) {
  // One character past a multiple of 4 holds only 6 bits: no byte. Like Python,
  // bits left over in the last character are ignored, not refused.
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0, bits = 0, j = 0;
  for (const ch of text) {
    acc = ((acc << 6) | B64_VALUE.get(ch)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

// ---- the codec ----

/** 784 values in [0, 1] (k/255, row by row) -> the link code, e.g. "1AGQA...". */
export function encode(values) {
  const levels = toLevels(values); // the bytes 0..255 (as web.sharelink.quantize): digit.js's rounding
  if (levels.length !== N_PIXELS) throw new RangeError(`a drawing has ${N_PIXELS} pixels, got ${levels.length}`);
  const out = [];
  let run = 0;
  for (const v of levels) {
    if (v === 0) {
      run += 1;
      if (run === 255) {
        out.push(0, run);
        run = 0;
      }
      continue;
    }
    if (run) {
      out.push(0, run);
      run = 0;
    }
    out.push(v);
  }
  if (run) out.push(0, run);
  const crc = crc32(levels);
  out.push(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff);
  return VERSION + toBase64url(out);
}

// ---- the silenced neurons a link carries ----

/** The query parameter: web.sharelink.SILENCED_PARAM. */
export const SILENCED_PARAM = 'off';

/** The language a link was shared in: web.sharelink.LANG_PARAM (its preview speaks it). */
export const LANG_PARAM = 'lang';

/**
 * [[layer, index], ...] -> the link's off= text, as web.sharelink.encode_silenced writes it: "LAYER.INDEX"
 * pairs joined by "_", sorted and each once (e.g. "1.3_2.0"); "" for none. (Read on the server only:
 * the page is rendered with the neurons it could silence.)
 */
export function encodeSilenced(pairs) {
  return normalizeSilenced(pairs).map(([l, i]) => `${l}.${i}`).join('_');
}

/** The 784 pixel bytes (0..255) of a link code, or a LinkError saying what is wrong. */
export function decodeLevels(code) {
  if (typeof code !== 'string' || !code) throw new LinkError('empty', 'the link holds no drawing');
  if (code.length > MAX_LENGTH) {
    const characters = [...code].length; // as Python counts them (an emoji is one, not two)
    if (characters > MAX_LENGTH) throw new LinkError('tooLong', `the link is too long (${characters} characters) to be a drawing`, { n: characters });
  }
  if (!ALPHABET.test(code)) throw new LinkError('characters', 'the link has characters a drawing link never has');
  if (code[0] !== VERSION) {
    throw new LinkError('version', `the link's format version '${code[0]}' is unknown to this version of the app`);
  }
  const raw = fromBase64url(code.slice(1));
  if (raw === null) throw new LinkError('damaged', 'the link is cut short or damaged (not valid base64)');
  if (raw.length < 4) throw new LinkError('damaged', 'the link is cut short');
  const end = raw.length - 4;
  const checksum = ((raw[end] << 24) | (raw[end + 1] << 16) | (raw[end + 2] << 8) | raw[end + 3]) >>> 0;
  const levels = new Uint8Array(N_PIXELS);
  let n = 0;
  let i = 0;
  while (i < end) {
    if (raw[i] === 0) {
      if (i + 1 >= end || raw[i + 1] === 0) {
        throw new LinkError('damaged', 'the link is cut short or damaged (broken run of background)');
      }
      n += raw[i + 1]; // the run's zeros: the array already holds them
      i += 2;
    } else {
      if (n < N_PIXELS) levels[n] = raw[i];
      n += 1;
      i += 1;
    }
    if (n > N_PIXELS) throw new LinkError('tooMany', 'the link holds more than 28x28 pixels');
  }
  if (n !== N_PIXELS) throw new LinkError('damaged', `the link is cut short or damaged (${n} of ${N_PIXELS} pixels)`);
  if (crc32(levels) !== checksum) {
    throw new LinkError('checksum', 'the link was changed or damaged (its checksum does not match)');
  }
  return levels;
}

/** The 784 pixel values (k/255, as the page's grid holds them) of a link code, or a LinkError. */
export function decode(code) {
  return Array.from(decodeLevels(code), (v) => v / 255);
}
