#!/usr/bin/env node
// `portcullis`: check policies and stores, decide a request, run policy tests.
// Reads files, calls the package API, prints; all decisions and findings
// come from the engine.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Buffer } from "node:buffer";
import { PortcullisError, Store, check, isDecision, runTests, version } from "./node.js";
import type { Decision, Diagnostic, Request, Severity } from "./types.js";

/** Exit codes; documented in `portcullis --help` and npm/README.md. */
const EXIT = {
  ok: 0,
  /** check: errors found; test: a case failed; eval: the store or request is invalid. */
  failed: 1,
  /** eval: the request is denied. */
  deny: 2,
  /** Bad arguments (usage printed). */
  usage: 64,
  /** A file is missing or unreadable. */
  noInput: 66,
} as const;

const USAGE = `usage: portcullis <command> [options]

commands:
  check [--strict] [--json] FILE...
      check policy documents or stores; prints file:line:col: severity code message
      exit 1 on any error (with --strict, also on security findings)
  eval --store STORE --request REQUEST [--json] [--now TIME]
      decide a request (a file, or - for standard input) against a store
      prints the decision and why; --json prints the Decision JSON
      exit 0 on Allow, 2 on Deny, 1 if the store or request is invalid
      --now sets the clock (RFC 3339) for requests without acs:CurrentTime; default: now
  test [--json] FILE|DIR...
      run policy test files (a DIR is searched for *.json test files)
      prints failures and a final "N passed, M failed"; exit 1 on any failure
  version
      print the engine and ABI versions

exit codes: 0 ok / allow, 1 errors or failures, 2 deny, 64 bad arguments, 66 missing or unreadable file`;

class UsageError extends Error {}
/** A file is missing or unreadable (exit 66). */
class InputError extends Error {}
/** A file was read but cannot be used, e.g. not JSON (exit 1). */
class DataError extends Error {}

interface Out {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Splits `--flag value`, `--flag=value` and bare switches from operands. */
function parseArgs(args: string[], valued: string[], switches: string[]) {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (valued.includes(name)) {
        const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        values.set(name, value);
      } else if (switches.includes(name) && eq < 0) {
        flags.add(name);
      } else {
        throw new UsageError(`unknown option ${arg}`);
      }
    } else {
      operands.push(arg);
    }
  }
  return { values, flags, operands };
}

function readText(path: string): string {
  try {
    return path === "-" ? readFileSync(0, "utf8") : readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${path}: no such file`);
    if (code === "EISDIR") throw new InputError(`${path}: is a directory, not a file`);
    throw new InputError(`${path}: cannot read: ${(e as Error).message}`);
  }
}

function readJson(path: string, what: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(`${path}: the ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function formatDiagnostic(file: string, d: Diagnostic): string {
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  const at = d.line > 0 || !d.path ? "" : ` (at ${d.path})`;
  return `${where}: ${d.severity} ${d.code} ${d.message}${at}`;
}

// ------------------------------------------------------------------ check

function cmdCheck(args: string[], io: Out): number {
  const { flags, operands } = parseArgs(args, [], ["strict", "json"]);
  if (operands.length === 0) throw new UsageError("check needs at least one FILE");
  const failing: Severity[] = flags.has("strict") ? ["error", "security"] : ["error"];
  let failed = false;
  const report: Array<{ file: string; kind: string; diagnostics: Diagnostic[] }> = [];
  const counts = new Map<Severity, number>();
  for (const file of operands) {
    const result = check(readText(file));
    report.push({ file, kind: result.kind, diagnostics: result.diagnostics });
    for (const d of result.diagnostics) {
      counts.set(d.severity, (counts.get(d.severity) ?? 0) + 1);
      if (failing.includes(d.severity)) failed = true;
      if (!flags.has("json")) {
        io.out(formatDiagnostic(file, d));
        if (d.help) io.out(`  help: ${d.help}`);
      }
    }
  }
  if (flags.has("json")) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    const parts = (["error", "security", "warning", "suggestion"] as const).map((s) => `${counts.get(s) ?? 0} ${s}`);
    io.out(`${operands.length} file${operands.length === 1 ? "" : "s"} checked: ${parts.join(", ")}`);
  }
  return failed ? EXIT.failed : EXIT.ok;
}

// ------------------------------------------------------------------- eval

/** 1-based line and column (in characters) of a UTF-8 byte offset. */
function lineColumn(bytes: Buffer, offset: number): [number, number] {
  const before = bytes.subarray(0, offset).toString("utf8");
  const lines = before.split("\n");
  return [lines.length, [...lines[lines.length - 1]!].length + 1];
}

function printDecision(d: Decision, storeFile: string, storeBytes: Buffer | null, io: Out): void {
  io.out(`${d.decision} (${d.reason}): ${d.summary}`);
  for (const m of d.matched) {
    const sid = m.sid ? ` ${m.sid}` : "";
    let where = m.path;
    if (m.span && storeBytes) {
      const [line, column] = lineColumn(storeBytes, m.span.start);
      where = `${storeFile}:${line}:${column} ${m.path}`;
    }
    io.out(`  ${m.effect.toLowerCase()} ${m.kind} ${m.policy} statement ${m.statement}${sid} via ${m.via || "-"} (${where})`);
  }
  for (const missing of d.missing ?? []) io.out(`  missing: ${missing}`);
  for (const alert of d.alerts) io.out(`  alert: ${alert}`);
  for (const note of d.notes) io.out(`  note: ${note}`);
}

function cmdEval(args: string[], io: Out): number {
  const { values, flags, operands } = parseArgs(args, ["store", "request", "now"], ["json"]);
  if (operands.length > 0) throw new UsageError(`unexpected argument ${operands[0]}`);
  const storeFile = values.get("store");
  const requestFile = values.get("request");
  if (!storeFile) throw new UsageError("eval needs --store STORE");
  if (!requestFile) throw new UsageError("eval needs --request REQUEST");
  if (storeFile === "-" && requestFile === "-") throw new UsageError("only one of --store and --request can be -");
  let now: number | undefined;
  const nowText = values.get("now");
  if (nowText !== undefined) {
    now = Date.parse(nowText);
    if (Number.isNaN(now)) throw new UsageError(`--now ${nowText} is not a time (use RFC 3339, e.g. 2026-11-23T10:00:00Z)`);
  }
  const storeText = readText(storeFile);
  const requests = readJson(requestFile, "request") as Request | Request[];
  let store: Store;
  try {
    store = Store.load(storeText);
  } catch (e) {
    if (e instanceof PortcullisError) {
      for (const d of e.diagnostics) io.err(formatDiagnostic(storeFile, d));
      io.err(`portcullis: ${storeFile}: the store has errors`);
      return EXIT.failed;
    }
    throw e;
  }
  try {
    const list = Array.isArray(requests) ? requests : [requests];
    const answers = store.evaluateMany(list, now === undefined ? {} : { now });
    let denied = false;
    let invalid = false;
    const storeBytes = Buffer.from(storeText, "utf8");
    for (const [i, answer] of answers.entries()) {
      if (!isDecision(answer)) {
        invalid = true;
        const label = Array.isArray(requests) ? `${requestFile}[${i}]` : requestFile;
        for (const d of answer.errors) io.err(formatDiagnostic(label, d));
        continue;
      }
      if (answer.decision !== "Allow") denied = true;
      if (!flags.has("json")) {
        if (Array.isArray(requests)) io.out(`[${i}] ${list[i]!.principal} ${list[i]!.action} ${list[i]!.resource}`);
        printDecision(answer, storeFile, storeBytes, io);
      }
    }
    if (flags.has("json")) io.out(JSON.stringify(Array.isArray(requests) ? answers : answers[0], null, 2));
    if (invalid) return EXIT.failed;
    return denied ? EXIT.deny : EXIT.ok;
  } finally {
    store.free();
  }
}

// ------------------------------------------------------------------- test

/** Test files named on the command line, and *.json test files found under directories. */
function collectTestFiles(operands: string[]): { files: string[]; skipped: number } {
  const files: string[] = [];
  let skipped = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(path);
      } else if (entry.name.endsWith(".json")) {
        // Store files beside the tests (storeFile) are not test files.
        if (looksLikeTestFile(path)) files.push(path);
        else skipped++;
      }
    }
  };
  for (const operand of operands) {
    let isDir: boolean;
    try {
      isDir = statSync(operand).isDirectory();
    } catch {
      throw new InputError(`${operand}: no such file or directory`);
    }
    if (isDir) walk(operand);
    else files.push(operand);
  }
  return { files, skipped };
}

function looksLikeTestFile(path: string): boolean {
  try {
    const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    return typeof json === "object" && json !== null && ("suites" in json || "cases" in json || "storeError" in json);
  } catch {
    return true; // let the run report why it is not a test file
  }
}

function cmdTest(args: string[], io: Out): number {
  const { flags, operands } = parseArgs(args, [], ["json"]);
  if (operands.length === 0) throw new UsageError("test needs at least one FILE or DIR");
  const { files, skipped } = collectTestFiles(operands);
  let passed = 0;
  let failed = 0;
  const report: Array<{ file: string; passed: number; failed: number; error?: string; results?: unknown[] }> = [];
  for (const file of files) {
    const text = readText(file);
    const base = dirname(resolve(file));
    try {
      const answer = runTests(text, { readStore: (path) => readFileSync(resolve(base, path), "utf8") });
      passed += answer.passed;
      failed += answer.failed;
      report.push({ file, passed: answer.passed, failed: answer.failed, results: answer.results });
      if (!flags.has("json")) {
        for (const r of answer.results.filter((r) => !r.passed)) {
          const expected = r.expected.reason ? `${r.expected.decision} (${r.expected.reason})` : r.expected.decision;
          const got = r.got
            ? `${r.got.decision} (${r.got.reason}${r.got.alerts.length ? `, alerts ${r.got.alerts.join(", ")}` : ""})`
            : (r.error ?? "nothing");
          io.out(`FAIL ${file}: ${r.suite ? `${r.suite} / ` : ""}${r.case}: expected ${expected}, got ${got}`);
        }
      }
    } catch (e) {
      if (!(e instanceof PortcullisError)) throw e;
      failed += 1;
      const d = e.errors[0] ?? e.diagnostics[0];
      const message = d ? formatDiagnostic(file, d) : `${file}: ${e.message}`;
      report.push({ file, passed: 0, failed: 1, error: message });
      if (!flags.has("json")) io.out(`FAIL ${message} (not a test file)`);
    }
  }
  if (flags.has("json")) io.out(JSON.stringify({ passed, failed, files: report }, null, 2));
  if (files.length === 0) io.err(`portcullis: no test files found in ${operands.join(", ")}`);
  if (skipped > 0 && !flags.has("json")) {
    io.out(`(skipped ${skipped} JSON file${skipped === 1 ? "" : "s"} without cases or suites)`);
  }
  io.out(`${passed} passed, ${failed} failed`);
  return failed > 0 || files.length === 0 ? EXIT.failed : EXIT.ok;
}

// ------------------------------------------------------------------- main

/** Runs the CLI; returns the exit code. */
function main(argv: string[], io: Out = { out: (l) => console.log(l), err: (l) => console.error(l) }): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "check":
        return cmdCheck(rest, io);
      case "eval":
        return cmdEval(rest, io);
      case "test":
        return cmdTest(rest, io);
      case "version":
      case "--version":
      case "-V": {
        const v = version();
        io.out(`portcullis engine ${v.engine}, abi ${v.abi.major}.${v.abi.minor}`);
        return EXIT.ok;
      }
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return EXIT.ok;
      case undefined:
        throw new UsageError("no command given");
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`portcullis: ${e.message}`);
      io.err(USAGE);
      return EXIT.usage;
    }
    if (e instanceof InputError) {
      io.err(`portcullis: ${e.message}`);
      return EXIT.noInput;
    }
    if (e instanceof DataError) {
      io.err(`portcullis: ${e.message}`);
      return EXIT.failed;
    }
    if (e instanceof PortcullisError) {
      for (const d of e.diagnostics) io.err(`portcullis: ${d.message}${d.help ? ` (${d.help})` : ""}`);
      return EXIT.failed;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
