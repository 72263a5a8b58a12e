// The engine worker: holds the compiled store and runs one cycle per
// message: check the text (when it changed), load it, decide the form's
// request, run the test table. Answers carry UTF-16 offsets for the editor.

import { PortcullisError, Store, check, runTests, utf16Offsets, version } from "portcullis";
import type { Assignment, CycleAnswer, CycleRequest, Directory, WorkerAnswer } from "./protocol";

/** The worker's global scope, typed with just what is used (the DOM and WebWorker libs clash in one program). */
const scope = self as unknown as { postMessage(message: WorkerAnswer): void; onmessage: ((event: MessageEvent<CycleRequest>) => void) | null };

let text = "";
let store: Store | null = null;
let loadErrors: PortcullisError | null = null;

const post = (answer: WorkerAnswer) => scope.postMessage(answer);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : typeof value === "string" ? [value] : [];
}

function assignments(value: unknown): Assignment[] {
  if (!Array.isArray(value)) return [];
  const out: Assignment[] = [];
  for (const a of value) {
    if (typeof a === "string") out.push({ role: a });
    else if (typeof a === "object" && a !== null && typeof (a as Assignment).role === "string") {
      const { role, notBefore, notAfter, reason } = a as Assignment;
      out.push({ role, notBefore: typeof notBefore === "string" ? notBefore : undefined, notAfter: typeof notAfter === "string" ? notAfter : undefined, reason: typeof reason === "string" ? reason : undefined });
    }
  }
  return out;
}

function entries(value: unknown): Array<[string, Record<string, unknown>]> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}]);
}

function statements(policy: unknown): Record<string, unknown>[] {
  if (typeof policy !== "object" || policy === null) return [];
  const s = (policy as Record<string, unknown>).Statement;
  const list = Array.isArray(s) ? s : s ? [s] : [];
  return list.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null);
}

/** Reads the directory from the parsed store, tolerating any shape (the engine validates). */
function directoryOf(doc: unknown): Directory {
  const d = (typeof doc === "object" && doc !== null && !Array.isArray(doc) ? doc : {}) as Record<string, unknown>;
  const isPolicy = "Statement" in d || "Version" in d;
  const dir: Directory = {
    kind: isPolicy ? "policy" : typeof doc === "object" && doc !== null && !Array.isArray(doc) ? "store" : "other",
    account: typeof d.account === "string" ? d.account : undefined,
    partition: d.partition === "aws" ? "aws" : "acs",
    policies: entries(d.policies).map(([k]) => k),
    groups: {},
    roles: {},
    users: {},
    guardrails: strings(d.guardrails),
    resources: entries(d.resources).map(([k]) => k),
    actions: [],
  };
  for (const [name, g] of entries(d.groups)) dir.groups[name] = { policies: strings(g.policies), roles: assignments(g.roles) };
  for (const [name, r] of entries(d.roles)) {
    const trustedBy: string[] = [];
    for (const st of statements(r.trust)) {
      const p = st.Principal;
      if (p === "*") trustedBy.push("*");
      else if (typeof p === "object" && p !== null) for (const v of Object.values(p)) trustedBy.push(...strings(v));
    }
    dir.roles[name] = { policies: strings(r.policies), boundary: typeof r.boundary === "string" ? r.boundary : undefined, breakGlass: r.breakGlass === true, trustedBy };
  }
  for (const [name, u] of entries(d.users)) {
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries((u.tags as Record<string, unknown>) ?? {})) if (typeof v === "string") tags[k] = v;
    dir.users[name] = { groups: strings(u.groups), policies: strings(u.policies), roles: assignments(u.roles), boundary: typeof u.boundary === "string" ? u.boundary : undefined, tags };
  }
  const actions = new Set<string>();
  const policies = isPolicy ? [d] : entries(d.policies).map(([, p]) => p);
  for (const p of policies) for (const st of statements(p)) for (const a of strings(st.Action)) if (!a.includes("*") && !a.includes("?") && actions.size < 500) actions.add(a);
  dir.actions = [...actions].sort();
  return dir;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function cycle(msg: CycleRequest): CycleAnswer {
  const started = performance.now();
  const timings = { check: 0, load: 0, evaluate: 0, tests: 0, total: 0 };
  const answer: CycleAnswer = { type: "cycle", id: msg.id, requestKey: JSON.stringify(msg.request), storeLoaded: false, decision: null, requestError: null, tests: null, testsError: null, timings };

  if (msg.text !== undefined) {
    text = msg.text;
    let t = performance.now();
    answer.check = check(text);
    timings.check = performance.now() - t;

    let parsed: unknown;
    let isJson = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      isJson = false;
    }
    answer.directory = isJson ? directoryOf(parsed) : null;

    store?.free();
    store = null;
    loadErrors = null;
    t = performance.now();
    if (answer.check.kind === "store" && !answer.check.hasErrors) {
      try {
        store = Store.load(text);
      } catch (e) {
        if (e instanceof PortcullisError) loadErrors = e;
        else throw e;
      }
    }
    timings.load = performance.now() - t;
    answer.loadErrors = loadErrors?.errors ?? [];
  }
  answer.storeLoaded = store !== null;

  if (store && msg.request) {
    const t = performance.now();
    try {
      const decision = store.evaluate(msg.request);
      const spans = decision.matched.map((m) => m.span);
      const offsets = utf16Offsets(text, spans.flatMap((s) => (s ? [s.start, s.end] : [])));
      let k = 0;
      const matchedUtf16 = spans.map((s) => (s ? { start: offsets[k++]!, end: offsets[k++]! } : null));
      answer.decision = { ...decision, matchedUtf16 };
    } catch (e) {
      answer.requestError = message(e);
    }
    timings.evaluate = performance.now() - t;
  }

  if (store && msg.tests.length > 0) {
    const t = performance.now();
    try {
      // The store text is spliced in as is: the same test file the CLI runs, without re-serialising the store.
      const file = `{"name":${JSON.stringify(msg.suiteName)},"store":${text}\n,"cases":${JSON.stringify(msg.tests)}}`;
      answer.tests = runTests(file);
    } catch (e) {
      answer.testsError = message(e);
    }
    timings.tests = performance.now() - t;
  }
  timings.total = performance.now() - started;
  return answer;
}

scope.onmessage = (event: MessageEvent<CycleRequest>) => {
  try {
    post(cycle(event.data));
  } catch (e) {
    post({ type: "failed", id: event.data.id, message: message(e) });
  }
};

post({ type: "ready", version: version() });
