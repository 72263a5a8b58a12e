// A small, tolerant JSON scanner for the editor's own needs: where the
// cursor is (for completion) and where a JSON pointer points (to jump to a
// policy or a role). It never throws and reads broken or half-typed text as
// far as it can. Validation is the engine's job (`check`); nothing here
// decides whether the text is valid.

export type PathPart = string | number;

interface Frame {
  kind: "object" | "array";
  /** Object: the key of the member being read; array: the element index. */
  key: PathPart | null;
  /** Object only: whether the next string is a key. */
  expectKey: boolean;
}

export interface CursorContext {
  /** Path of the container whose member is at the cursor (for keys), or of the value itself. */
  path: PathPart[];
  role: "key" | "value";
  /** The string token under the cursor, if any: offsets of its quotes (end is -1 when unclosed). */
  string: { from: number; to: number; closed: boolean } | null;
  /** The text typed so far inside the token, up to the cursor. */
  typed: string;
  /** Offset where the token under the cursor starts (the quote, or the first bare character). */
  from: number;
}

function readString(text: string, at: number): { end: number; value: string; closed: boolean } {
  // `at` is the opening quote. Returns the offset after the closing quote.
  let i = at + 1;
  let value = "";
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { end: i + 1, value, closed: true };
    if (c === "\n") break; // a string never spans lines: stop at the line end while typing
    if (c === "\\" && i + 1 < text.length) {
      const n = text[i + 1]!;
      if (n === "u") {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16) || 0);
        i += 6;
        continue;
      }
      value += ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[n] ?? n;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return { end: i, value, closed: false };
}

function currentPath(stack: Frame[]): PathPart[] {
  const path: PathPart[] = [];
  for (const f of stack) if (f.key !== null) path.push(f.key);
  return path;
}

/**
 * Visits every scalar and container start in `text` with its path. `visit`
 * returns true to stop. Used by both `contextAt` and `locate`.
 */
function scan(
  text: string,
  limit: number,
  visit: (event: { type: "string" | "scalar" | "open" | "close"; path: PathPart[]; from: number; to: number; isKey: boolean; closed: boolean; value?: string }) => boolean | void,
): Frame[] {
  const stack: Frame[] = [];
  let i = 0;
  const afterValue = () => {
    const top = stack[stack.length - 1];
    if (top && top.kind === "object") top.expectKey = false;
  };
  while (i < limit) {
    const c = text[i]!;
    if (c === " " || c === "\n" || c === "\r" || c === "\t") {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === "{" || c === "[") {
      if (visit({ type: "open", path: currentPath(stack), from: i, to: i + 1, isKey: false, closed: true })) return stack;
      stack.push({ kind: c === "{" ? "object" : "array", key: c === "[" ? 0 : null, expectKey: c === "{" });
      i++;
      continue;
    }
    if (c === "}" || c === "]") {
      stack.pop();
      if (visit({ type: "close", path: currentPath(stack), from: i, to: i + 1, isKey: false, closed: true })) return stack;
      afterValue();
      i++;
      continue;
    }
    if (c === ",") {
      if (top?.kind === "object") {
        top.expectKey = true;
        top.key = null;
      } else if (top?.kind === "array") {
        top.key = (typeof top.key === "number" ? top.key : -1) + 1;
      }
      i++;
      continue;
    }
    if (c === ":") {
      if (top?.kind === "object") top.expectKey = false;
      i++;
      continue;
    }
    if (c === '"') {
      const s = readString(text, i);
      const isKey = top?.kind === "object" && top.expectKey;
      if (isKey) {
        top.key = s.value;
        if (visit({ type: "string", path: currentPath(stack.slice(0, -1)), from: i, to: s.end, isKey: true, closed: s.closed, value: s.value })) return stack;
        top.expectKey = false;
      } else {
        if (visit({ type: "string", path: currentPath(stack), from: i, to: s.end, isKey: false, closed: s.closed, value: s.value })) return stack;
        afterValue();
      }
      i = s.end;
      continue;
    }
    // A bare word: number, true, false, null, or half-typed text.
    let j = i;
    while (j < limit && !/[\s,:{}[\]"]/.test(text[j]!)) j++;
    const isKey = top?.kind === "object" && top.expectKey;
    if (visit({ type: "scalar", path: currentPath(isKey ? stack.slice(0, -1) : stack), from: i, to: j, isKey, closed: true, value: text.slice(i, j) })) return stack;
    if (!isKey) afterValue();
    i = j;
  }
  return stack;
}

/** What the cursor at `pos` is on: a key or a value, and its path. */
export function contextAt(text: string, pos: number): CursorContext {
  let hit: CursorContext | null = null;
  const stack = scan(text, text.length, (e) => {
    if (e.from >= pos) return true;
    if ((e.type === "string" || e.type === "scalar") && pos <= e.to && (pos < e.to || !e.closed || e.type === "scalar")) {
      // The cursor is inside this token (or right after a bare word / unclosed string).
      if (e.type === "string" && e.closed && pos === e.to) return false;
      const container = e.path;
      if (e.isKey) {
        hit = { path: container, role: "key", string: e.type === "string" ? { from: e.from, to: e.to, closed: e.closed } : null, typed: text.slice(e.from + (e.type === "string" ? 1 : 0), pos), from: e.from };
      } else {
        hit = { path: container, role: "value", string: e.type === "string" ? { from: e.from, to: e.to, closed: e.closed } : null, typed: text.slice(e.from + (e.type === "string" ? 1 : 0), pos), from: e.from };
      }
      return true;
    }
    return false;
  });
  if (hit) return hit;
  // Between tokens: a key is expected in an object after `{` or `,`; otherwise a value.
  const top = stack[stack.length - 1];
  if (top?.kind === "object" && top.expectKey) return { path: currentPath(stack.slice(0, -1)), role: "key", string: null, typed: "", from: pos };
  return { path: currentPath(stack), role: "value", string: null, typed: "", from: pos };
}

/** Parses a JSON pointer (RFC 6901) into its parts. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * Where the value at `pointer` is: the range of its key (or of the value for
 * array elements and the root) and of the value. Null when not found.
 */
export function locate(text: string, pointer: string): { keyFrom: number; from: number; to: number } | null {
  const want = parsePointer(pointer);
  const same = (path: PathPart[]) => path.length === want.length && path.every((p, k) => String(p) === want[k]);
  let keyFrom = -1;
  let start = -1;
  let depthAtStart = -1;
  let result: { keyFrom: number; from: number; to: number } | null = null;
  let depth = 0;
  scan(text, text.length, (e) => {
    if (start < 0) {
      if (e.isKey && e.type === "string" && want.length > 0 && e.path.length === want.length - 1 && e.path.every((p, k) => String(p) === want[k]) && e.value === want[want.length - 1]) {
        keyFrom = e.from;
        return false;
      }
      if (!e.isKey && e.type !== "close" && same(e.path)) {
        start = e.from;
        if (keyFrom < 0) keyFrom = e.from;
        if (e.type !== "open") {
          result = { keyFrom, from: e.from, to: e.to };
          return true;
        }
        depthAtStart = depth;
        depth++;
        return false;
      }
    } else if (e.type === "close" && depth - 1 === depthAtStart) {
      result = { keyFrom, from: start, to: e.to };
      return true;
    }
    if (e.type === "open") depth++;
    else if (e.type === "close") depth--;
    return false;
  });
  return result;
}
