// Reads a decision the WebAssembly module left as a compact record
// (`portcullis_core::decision::CompactWriter`, which documents the layout):
// numbers and ids of strings, each distinct string sent once and kept in
// the store's table. The object built here is the Decision JSON of
// DESIGN.md, field for field and in the same order; what goes into it
// (names, kinds, notes, the summary) comes from the module.

import type { Decision, MatchedStatement } from "./types.js";

/** The id of an absent string (`COMPACT_NONE`). */
const NONE = 0xffffffff;

const decoder = new TextDecoder();

/**
 * Builds the Decision in `words[at, at + length)`; new strings go into
 * `strings` (their bytes are read through `bytes`, a view of the same memory).
 */
export function readRecord(words: Uint32Array, bytes: Uint8Array, at: number, length: number, strings: string[]): Decision {
  const end = at + length;
  let i = at;
  for (let n = words[i++]!; n > 0; n--) {
    const id = words[i++]!;
    const len = words[i++]!;
    strings[id] = decoder.decode(bytes.subarray(i * 4, i * 4 + len));
    i += (len + 3) >>> 2;
  }
  const decision = strings[words[i++]!] as Decision["decision"];
  const reason = strings[words[i++]!] as Decision["reason"];
  const matched: MatchedStatement[] = [];
  for (let n = words[i++]!; n > 0; n--) {
    const m = { policy: strings[words[i]!]!, via: strings[words[i + 1]!]!, kind: strings[words[i + 2]!]!, statement: words[i + 3]! } as MatchedStatement;
    const sid = words[i + 4]!;
    if (sid !== NONE) m.sid = strings[sid]!;
    m.effect = strings[words[i + 5]!] as MatchedStatement["effect"];
    m.path = strings[words[i + 6]!]!;
    const start = words[i + 7]!;
    if (start !== 0) m.span = { start: start - 1, end: words[i + 8]! };
    matched.push(m);
    i += 9;
  }
  const alerts: string[] = [];
  for (let n = words[i++]!; n > 0; n--) alerts.push(strings[words[i++]!]!);
  const notes: string[] = [];
  for (let n = words[i++]!; n > 0; n--) notes.push(strings[words[i++]!]!);
  const out: Decision = { decision, reason, matched, alerts, notes } as Decision;
  const missing = words[i++]!;
  if (missing > 0) {
    const list: string[] = [];
    for (let n = missing; n > 0; n--) list.push(strings[words[i++]!]!);
    out.missing = list as Decision["missing"];
  }
  out.summary = strings[words[i++]!]!;
  if (i !== end) throw new Error(`portcullis: a decision record of ${length} words was read as ${i - at}`);
  return out;
}
