// Messages between the page and the engine worker (src/worker.ts). The
// engine runs off the main thread so typing never waits for it, even on a
// store of several megabytes.

import type { CheckResult, Decision, Diagnostic, Request, TestCase, TestResults, Version } from "portcullis";

export interface CycleRequest {
  type: "cycle";
  id: number;
  /** The editor text; absent when unchanged since the last cycle. */
  text?: string;
  request: Request | null;
  tests: TestCase[];
  suiteName: string;
}

/** The store's directory: what the request form and the access view need, without the policy bodies. */
export interface Directory {
  kind: "store" | "policy" | "other";
  account?: string;
  partition: "acs" | "aws";
  policies: string[];
  groups: Record<string, { policies: string[]; roles: Assignment[] }>;
  roles: Record<string, { policies: string[]; boundary?: string; breakGlass: boolean; trustedBy: string[] }>;
  users: Record<string, { groups: string[]; policies: string[]; roles: Assignment[]; boundary?: string; tags: Record<string, string> }>;
  guardrails: string[];
  resources: string[];
  /** Actions named without wildcards in the policies, for the action field's suggestions. */
  actions: string[];
}

export interface Assignment {
  role: string;
  notBefore?: string;
  notAfter?: string;
  reason?: string;
}

export interface Timings {
  check: number;
  load: number;
  evaluate: number;
  tests: number;
  total: number;
}

export interface CycleAnswer {
  type: "cycle";
  id: number;
  /** The request this answer decided, as JSON: the page drops a kept decision once its request changes. */
  requestKey: string;
  /** Present when the text was (re)checked in this cycle. */
  check?: CheckResult;
  /** Errors that stopped the store from loading (text changed only). */
  loadErrors?: Diagnostic[];
  storeLoaded: boolean;
  /** Null when the text is not JSON (then the last good directory stands). */
  directory?: Directory | null;
  decision: (Decision & { matchedUtf16: Array<{ start: number; end: number } | null> }) | null;
  requestError: string | null;
  tests: TestResults | null;
  testsError: string | null;
  timings: Timings;
}

export interface ReadyAnswer {
  type: "ready";
  version: Version;
}

export interface FailedAnswer {
  type: "failed";
  id?: number;
  message: string;
}

export type WorkerAnswer = CycleAnswer | ReadyAnswer | FailedAnswer;
