// The hand-written facade over the generated bindings (`../pkg/`, made by
// wasm-pack from `wasm/src/js.rs`). It gives the calls their types, fills in
// the clock, turns failures into `PortcullisError`, and converts UTF-8 byte
// spans to UTF-16 offsets once, here at the JavaScript edge. Decisions,
// findings and test results all come from the core unchanged.
//
// The entry points (`node.ts`, `browser.ts`) instantiate the module first.

import {
  WasmStore,
  moduleMemory as wasmMemory,
  check as wasmCheck,
  runTests as wasmRunTests,
  version as wasmVersion,
} from "../pkg/portcullis_wasm.js";
import type {
  CheckResult,
  Decision,
  Diagnostic,
  Request,
  RequestFailure,
  Span,
  StoreDocument,
  StoreStats,
  TestFile,
  TestResults,
  Version,
} from "./types.js";

export type * from "./types.js";

import { transferBytes, transferInto } from "./transfer.js";
import { readRecord } from "./record.js";

/** The failure answer the WebAssembly side throws. */
interface Failure {
  type: "failure";
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

function isFailure(value: unknown): value is Failure {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "failure";
}

/**
 * Thrown when a store, request or test file cannot be used. `diagnostics`
 * holds every finding (errors first); the message is the first error's.
 */
export class PortcullisError extends Error {
  /** Every finding: the errors, then any warnings. */
  readonly diagnostics: Diagnostic[];
  /** The code of the first error, e.g. `invalid-json`, `unknown-policy`, `store-freed`. */
  readonly code: string;

  constructor(diagnostics: Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === "error") ?? diagnostics[0];
    super(first ? describe(first) : "portcullis: unknown failure");
    this.name = "PortcullisError";
    this.diagnostics = diagnostics;
    this.code = first?.code ?? "unknown";
  }

  /** The error-level findings. */
  get errors(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.severity === "error");
  }
}

function describe(d: Diagnostic): string {
  const where = d.line > 0 ? ` (line ${d.line}, column ${d.column}${d.path ? `, at ${d.path}` : ""})` : d.path ? ` (at ${d.path})` : "";
  return `${d.message}${where}`;
}

/** Converts a thrown failure answer into a PortcullisError; anything else is rethrown as is. */
function raise(thrown: unknown, text?: string): never {
  if (isFailure(thrown)) {
    const diagnostics = [...thrown.errors, ...thrown.warnings];
    if (text !== undefined) locateUtf16(text, diagnostics);
    throw new PortcullisError(diagnostics);
  }
  throw thrown;
}

// ------------------------------------------------------------ UTF-16 edge

/**
 * Converts UTF-8 byte offsets into `text` to UTF-16 code-unit offsets
 * (JavaScript string indices). An offset inside a character moves back to
 * the character's start; one past the end becomes `text.length`. One pass
 * over the text for any number of offsets.
 */
export function utf16Offsets(text: string, byteOffsets: readonly number[]): number[] {
  const order = byteOffsets.map((offset, index) => [offset, index] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(byteOffsets.length);
  let bytes = 0;
  let i = 0;
  for (const [target, index] of order) {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      let width = 3;
      let units = 1;
      if (c < 0x80) width = 1;
      else if (c < 0x800) width = 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        width = 4;
        units = 2;
      }
      if (bytes + width > target) break;
      bytes += width;
      i += units;
    }
    out[index] = i;
  }
  return out;
}

/** A UTF-8 byte span of `text` as a UTF-16 span: `text.slice(start, end)`. */
export function toUtf16(text: string, span: Span): Span {
  const [start, end] = utf16Offsets(text, [span.start, span.end]);
  return { start: start!, end: end! };
}

function locateUtf16(text: string, diagnostics: Diagnostic[]): void {
  const offsets: number[] = [];
  for (const d of diagnostics) {
    offsets.push(d.span.start, d.span.end);
    if (d.fix) offsets.push(d.fix.span.start, d.fix.span.end);
  }
  const converted = utf16Offsets(text, offsets);
  let k = 0;
  for (const d of diagnostics) {
    d.utf16 = { start: converted[k++]!, end: converted[k++]! };
    if (d.fix) d.fix.utf16 = { start: converted[k++]!, end: converted[k++]! };
  }
}

// ------------------------------------------------------------------ store

/** Options of `evaluate` and `evaluateMany`. */
export interface EvaluateOptions {
  /**
   * The clock, used when a request's context carries no `acs:CurrentTime` /
   * `aws:CurrentTime`: a `Date` or epoch milliseconds. Default: the current
   * time. `null`: no clock, as in test runs (time-bound role assignments are
   * then not in force).
   */
  now?: Date | number | null;
}

function clock(options: EvaluateOptions | undefined): number | undefined {
  const now = options?.now;
  if (now === undefined) return Date.now();
  if (now === null) return undefined;
  return typeof now === "number" ? now : now.getTime();
}

function freed(): PortcullisError {
  return new PortcullisError([
    {
      code: "store-freed",
      severity: "error",
      message: "this store has been freed",
      help: "a store cannot be used after `free()`; load it again with `Store.load`",
      path: "",
      span: { start: 0, end: 0 },
      line: 0,
      column: 0,
    },
  ]);
}

// ------------------------------------------------------------- transfer

let memory: WebAssembly.Memory | undefined;
let memoryBytes = new Uint8Array(0);
let memoryWords = new Uint32Array(0);

/** Views of the module's memory, remade when it has grown (which replaces its buffer). */
function views(): void {
  // Growing the memory detaches its old buffer, which empties every view of
  // it: testing that is cheaper than reading `memory.buffer` (an accessor
  // call) on every evaluation.
  if (memoryBytes.byteLength !== 0) return;
  memory ??= wasmMemory() as WebAssembly.Memory;
  memoryBytes = new Uint8Array(memory.buffer);
  memoryWords = new Uint32Array(memory.buffer);
}

/** A compiled store: load once, evaluate many. Call `free()` when done with it. */
export class Store {
  #inner: WasmStore | null;
  /** The strings of decision records this store's module has sent, by id. */
  #strings: string[] = [];
  /** Where this store's transfer room is in the module's memory, and its size (0: none yet). */
  #transferAt = 0;
  #transferRoom = 0;
  /** Findings below error level from loading (warnings, suggestions), with UTF-16 offsets when loaded from text. */
  readonly warnings: Diagnostic[];
  /** Counts of what was loaded. */
  readonly stats: StoreStats;

  private constructor(inner: WasmStore, text: string | undefined) {
    this.#inner = inner;
    const info = inner.info() as { stats: StoreStats; warnings: Diagnostic[] };
    if (text !== undefined) locateUtf16(text, info.warnings);
    this.warnings = info.warnings;
    this.stats = info.stats;
  }

  /**
   * Loads and compiles a store from JSON source text (findings then carry
   * line, column and spans) or from an object. Throws `PortcullisError`
   * with every finding when the store has errors.
   */
  static load(source: string | StoreDocument): Store {
    let inner: WasmStore;
    if (typeof source === "string") {
      try {
        inner = WasmStore.fromText(source);
      } catch (e) {
        raise(e, source);
      }
      return new Store(inner, source);
    }
    if (typeof source !== "object" || source === null || Array.isArray(source)) {
      throw new TypeError("Store.load takes the store's JSON text or a store object");
    }
    try {
      inner = WasmStore.fromTransferred(transferBytes(source));
    } catch (e) {
      raise(e);
    }
    return new Store(inner, undefined);
  }

  /**
   * Writes a request object (or an array of them) into this store's transfer
   * room in the module's memory, making the room larger when it does not
   * fit, and returns its length in bytes, for `evaluateTransferred`.
   */
  #transfer(inner: WasmStore, value: unknown): number {
    views();
    if (this.#transferRoom > 0) {
      const end = transferInto(value, memoryBytes, this.#transferAt, this.#transferAt + this.#transferRoom);
      if (end >= 0) return end - this.#transferAt;
    }
    const bytes = transferBytes(value);
    this.#transferRoom = Math.max(bytes.length, 4096);
    this.#transferAt = inner.transferBuffer(this.#transferRoom);
    views(); // asking for room may have grown the memory
    memoryBytes.set(bytes, this.#transferAt);
    return bytes.length;
  }

  #live(): WasmStore {
    if (this.#inner === null) throw freed();
    return this.#inner;
  }

  /**
   * Decides one request (an object, or its JSON text). Throws
   * `PortcullisError` when the request is malformed. A principal that is not
   * in the store is not an error: the decision is a Deny with a note.
   */
  evaluate(request: Request | string, options?: EvaluateOptions): Decision {
    const inner = this.#live();
    try {
      const now = clock(options);
      const at =
        typeof request === "string"
          ? inner.evaluate(request, now)
          : inner.evaluateTransferred(this.#transfer(inner, request), now);
      if (at === 0) raise(inner.takeFailure());
      views();
      const record = at >>> 2;
      return readRecord(memoryWords, memoryBytes, record + 1, memoryWords[record]!, this.#strings);
    } catch (e) {
      raise(e);
    }
  }

  /**
   * Decides one request (an object, or its JSON text) and answers the
   * engine's Decision JSON text (the raw ABI's answer): for a caller that
   * forwards or logs the decision rather than reading it. Throws
   * `PortcullisError` when the request is malformed.
   */
  evaluateJson(request: Request | string, options?: EvaluateOptions): string {
    const inner = this.#live();
    try {
      const now = clock(options);
      return typeof request === "string"
        ? inner.evaluateJson(request, now)
        : inner.evaluateTransferredJson(this.#transfer(inner, request), now);
    } catch (e) {
      raise(e);
    }
  }

  /**
   * Decides many requests in one call. Each answer is a Decision, or a
   * `RequestFailure` (`{type: "failure", errors}`) for a malformed request;
   * one bad request does not spoil the others. See `isDecision`.
   */
  evaluateMany(requests: ReadonlyArray<Request | string>, options?: EvaluateOptions): Array<Decision | RequestFailure> {
    if (!Array.isArray(requests)) throw new TypeError("evaluateMany takes an array of requests");
    const inner = this.#live();
    try {
      const at = inner.evaluateManyTransferred(this.#transfer(inner, requests), clock(options));
      if (at === 0) raise(inner.takeFailure());
      // Header: length in words, requests, invalid requests; then per request a record's length and the record, or 0.
      views();
      let word = (at >>> 2) + 1;
      const count = memoryWords[word++]!;
      const failures = memoryWords[word++]! > 0 ? (inner.takeFailure() as RequestFailure[]) : [];
      views();
      let nextFailure = 0;
      const answers: Array<Decision | RequestFailure> = new Array(count);
      for (let i = 0; i < count; i++) {
        const length = memoryWords[word++]!;
        if (length === 0) {
          answers[i] = failures[nextFailure++]!;
        } else {
          answers[i] = readRecord(memoryWords, memoryBytes, word, length, this.#strings);
          word += length;
        }
      }
      return answers;
    } catch (e) {
      raise(e);
    }
  }

  /** Releases the compiled store's memory. Using the store afterwards throws. Safe to call twice. */
  free(): void {
    this.#inner?.free();
    this.#inner = null;
  }

  /** Whether `free()` has been called. */
  get isFreed(): boolean {
    return this.#inner === null;
  }
}

/** Tells a Decision from a RequestFailure in `evaluateMany`'s answer. */
export function isDecision(answer: Decision | RequestFailure): answer is Decision {
  return (answer as RequestFailure).type !== "failure";
}

// ------------------------------------------------------------------ check

/**
 * Checks a policy document or a whole store given as source text. Never
 * throws on bad input: text that is not JSON gives an `invalid-json`
 * finding. Each finding has its JSON pointer, UTF-8 byte span, 1-based
 * line and column, and UTF-16 offsets for editors.
 */
export function check(text: string): CheckResult {
  if (typeof text !== "string") throw new TypeError("check takes source text; use JSON.stringify for an object");
  const answer = wasmCheck(text) as { kind: CheckResult["kind"]; diagnostics: Diagnostic[] };
  locateUtf16(text, answer.diagnostics);
  return {
    kind: answer.kind,
    diagnostics: answer.diagnostics,
    hasErrors: answer.diagnostics.some((d) => d.severity === "error"),
  };
}

// ------------------------------------------------------------------ tests

export interface RunTestsOptions {
  /**
   * Reads a suite's `storeFile` (the path as written in the test file) and
   * returns its text, or throws. Without it, `storeFile` suites fail with a
   * message. The CLI resolves paths relative to the test file.
   */
  readStore?: (path: string) => string;
}

/**
 * Runs a test file (source text or an object): every case's expected
 * decision against the engine's. Deterministic: no clock is filled in, so a
 * case that needs "now" carries `acs:CurrentTime` in its context. Throws
 * `PortcullisError` when the file is not a test file.
 */
export function runTests(testFile: string | TestFile, options?: RunTestsOptions): TestResults {
  try {
    const answer = (
      typeof testFile === "string"
        ? wasmRunTests(testFile, undefined, options?.readStore)
        : wasmRunTests(undefined, transferBytes(testFile), options?.readStore)
    ) as TestResults & { type?: string };
    return { passed: answer.passed, failed: answer.failed, results: answer.results };
  } catch (e) {
    raise(e, typeof testFile === "string" ? testFile : undefined);
  }
}

// ---------------------------------------------------------------- version

/** The engine version and the version of the JavaScript-to-WebAssembly calls. */
export function version(): Version {
  return wasmVersion() as Version;
}
