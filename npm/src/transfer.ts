// JavaScript values handed to the WebAssembly module in one piece, in the
// transfer form of `portcullis_core::transfer` (which documents it): a tag
// byte per value, lengths and counts as u32 little-endian. The module reads
// a request object straight from it, or reads any value into JSON and holds
// it to the rules of JSON text (unknown fields refused, `null` and
// `undefined` for absent), so nothing about requests is decided here: every
// own enumerable property is written as it is, with one call across the
// boundary per value instead of one per property.

const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const NUMBER = 3;
const STRING = 4;
const ARRAY = 5;
const OBJECT = 6;
const OTHER = 7;

/** Deeper values are written as "too deep" (which the module refuses), so a cycle cannot recurse forever. */
const MAX_DEPTH = 64;

const encoder = new TextEncoder();
const hasOwn = Object.prototype.hasOwnProperty;
const number = new Float64Array(1);
const numberBytes = new Uint8Array(number.buffer);

// Values are written one at a time, into the module's memory when the
// caller has room there, else into this buffer of our own (grown as needed).
let own: Uint8Array = new Uint8Array(1024);
let bytes: Uint8Array = own;
let at = 0;
let limit = own.length;

/** Thrown when a value does not fit the caller's room: it is written again into our own buffer. */
const FULL = new Error("portcullis: the value does not fit the transfer room");

function reserve(n: number): void {
  if (at + n <= limit) return;
  if (bytes !== own) throw FULL;
  const bigger = new Uint8Array(Math.max(own.length * 2, at + n));
  bigger.set(own.subarray(0, at));
  own = bytes = bigger;
  limit = own.length;
}

function u32At(where: number, n: number): void {
  bytes[where] = n;
  bytes[where + 1] = n >>> 8;
  bytes[where + 2] = n >>> 16;
  bytes[where + 3] = n >>> 24;
}

/** A length-prefixed UTF-8 string: ASCII by a loop, the rest by TextEncoder. */
function text(s: string): void {
  const n = s.length;
  reserve(4 + n * 3);
  const lengthAt = at;
  let p = at + 4;
  const b = bytes;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) break;
    b[p++] = c;
  }
  if (i < n) p += encoder.encodeInto(s.slice(i), b.subarray(p)).written;
  u32At(lengthAt, p - lengthAt - 4);
  at = p;
}

function value(v: unknown, depth: number): void {
  reserve(9);
  switch (typeof v) {
    case "string":
      bytes[at++] = STRING;
      text(v);
      return;
    case "boolean":
      bytes[at++] = v ? TRUE : FALSE;
      return;
    case "number":
      bytes[at++] = NUMBER;
      number[0] = v;
      bytes.set(numberBytes, at);
      at += 8;
      return;
    case "undefined":
      bytes[at++] = NULL;
      return;
    case "object": {
      if (v === null) {
        bytes[at++] = NULL;
        return;
      }
      if (depth >= MAX_DEPTH) {
        bytes[at++] = OTHER;
        text("value nested too deep");
        return;
      }
      if (Array.isArray(v)) {
        bytes[at++] = ARRAY;
        u32At(at, v.length);
        at += 4;
        for (let i = 0; i < v.length; i++) value(v[i], depth + 1);
        return;
      }
      bytes[at++] = OBJECT;
      const countAt = at;
      at += 4;
      let count = 0;
      for (const key in v) {
        if (!hasOwn.call(v, key)) continue;
        count++;
        text(key);
        value((v as Record<string, unknown>)[key], depth + 1);
      }
      u32At(countAt, count);
      return;
    }
    default:
      bytes[at++] = OTHER;
      text(typeof v);
  }
}

/** Writes `v` and returns its bytes (a view into a shared buffer, valid until the next call). */
export function transferBytes(v: unknown): Uint8Array {
  bytes = own;
  at = 0;
  limit = own.length;
  value(v, 0);
  return own.subarray(0, at);
}

/**
 * Writes `v` into `target[start, end)` (the module's memory) and returns
 * where it ends, or -1 when it does not fit (write it with `transferBytes`).
 */
export function transferInto(v: unknown, target: Uint8Array, start: number, end: number): number {
  bytes = target;
  at = start;
  limit = end;
  try {
    value(v, 0);
    return at;
  } catch (e) {
    if (e === FULL) return -1;
    throw e;
  } finally {
    bytes = own;
    limit = own.length;
  }
}
