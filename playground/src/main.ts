// The playground page: wires the editor, the request form, the decision
// panel, the effective-access view and the test table to the engine worker,
// and keeps the state in localStorage and in share links.

import { forEachDiagnostic } from "@codemirror/lint";
import { ChangeSet } from "@codemirror/state";
import type { EditorView } from "@codemirror/view";
import type { Decision, Diagnostic, Severity, TestCase, TestFile, TestResults, TestSuite } from "portcullis";
import { accessTree, renderTree } from "./access";
import { SEVERITY_LABEL, SEVERITY_ORDER, applyFix, createEditor, jumpTo, type Placed, rich, severityIcon, showHighlights, showProblems } from "./editor";
import { EXAMPLES, exampleById } from "./examples";
import { locate } from "./jsonScan";
import type { CycleAnswer, CycleRequest, Directory, WorkerAnswer } from "./protocol";
import {
  type PlaygroundState,
  type RequestForm,
  decodeShare,
  encodeShare,
  formToRequest,
  loadSaved,
  requestToForm,
  save,
} from "./state";
import { REQUEST_KEY_PRESETS, ACS_KEYS, AWS_KEYS } from "./vocabulary";
import "./style.css";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: Array<Node | string>) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
};

// ------------------------------------------------------------- banner

function banner(text: string, kind: "info" | "error" = "info", action?: { label: string; run: () => void }): void {
  const b = $("banner");
  b.hidden = false;
  b.className = `banner-${kind}`;
  $("banner-text").textContent = text;
  const button = $<HTMLButtonElement>("banner-action");
  button.hidden = !action;
  if (action) {
    button.textContent = action.label;
    button.onclick = () => {
      action.run();
      b.hidden = true;
    };
  }
}
$("banner-close").addEventListener("click", () => ($("banner").hidden = true));

// ------------------------------------------------------------- state

let state: PlaygroundState;
let directory: Directory | null = null;
let directoryStale = false;
let last: CycleAnswer | null = null;
/** The current findings, placed in the document as of the last render. */
let placed: Placed[] = [];
/** The last decision, for the request it answered; kept (dimmed) while the store is broken, dropped when the request or the whole store changes. */
let lastDecision: { decision: Decision; spans: Array<{ from: number; to: number } | null>; stale: boolean; request: string } | null = null;
/** Edits since the last render: maps positions of shown results to the current document. */
let sinceRender: ChangeSet = ChangeSet.empty(0);
const hiddenClasses = new Set<Severity>();

const stats: Array<{ textLength: number; worker: CycleAnswer["timings"]; roundTrip: number }> = [];

function initialState(): Promise<PlaygroundState> {
  return (async () => {
    const saved = loadSaved();
    const fallback = saved ?? exampleById("governance")!.state();
    const share = await decodeShare(location.hash);
    if (share.kind === "none") return fallback;
    history.replaceState(null, "", location.pathname + location.search);
    if (share.kind === "ok") {
      if (saved) {
        banner("Opened a shared playground. Your own previous work is kept aside.", "info", {
          label: "Restore my previous work",
          run: () => setState(saved, "restored your previous work"),
        });
      } else banner("Opened a shared playground.");
      return share.state;
    }
    const kept = saved ? "your saved work is shown instead" : "the governance example is shown instead";
    if (share.kind === "newer") banner(`This share link was made by a newer version of the playground (link format v${share.version}; this page reads v1). Nothing was loaded from it; ${kept}.`, "error");
    else banner(`This share link is damaged: ${share.detail}. Nothing was loaded from it; ${kept}.`, "error");
    return fallback;
  })();
}

// ------------------------------------------------------------- worker

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
let workerReady = false;
let cycleId = 0;
let inflight: { id: number; changes: ChangeSet; sentAt: number } | null = null;
let pending = false;
let textDirty = true;
let timer: ReturnType<typeof setTimeout> | undefined;

function debounceFor(length: number): number {
  return length > 1_000_000 ? 700 : length > 200_000 ? 350 : 120;
}

let scheduled = false;
function schedule(delay = debounceFor(view?.state.doc.length ?? 0)): void {
  clearTimeout(timer);
  scheduled = true;
  timer = setTimeout(send, delay);
}

function send(): void {
  scheduled = false;
  // The worker may be ready before the page is (reading a share link is asynchronous);
  // the start-up code schedules the first cycle itself.
  if (!workerReady || inflight || view === undefined) {
    pending = true;
    return;
  }
  pending = false;
  const id = ++cycleId;
  const message: CycleRequest = { type: "cycle", id, request: currentRequest(), tests: state.tests, suiteName: state.suiteName ?? "playground" };
  if (textDirty) {
    message.text = view.state.doc.toString();
    textDirty = false;
    const kb = message.text.length / 1024;
    $("doc-kind").textContent = kb > 200 ? `large store (${kb > 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb.toFixed(0)} KB`}): checked in the background after a pause in typing` : "";
  }
  inflight = { id, changes: ChangeSet.empty(view.state.doc.length), sentAt: performance.now() };
  document.body.classList.add("busy");
  worker.postMessage(message);
}

worker.addEventListener("message", (event: MessageEvent<WorkerAnswer>) => {
  const answer = event.data;
  if (answer.type === "ready") {
    workerReady = true;
    $("engine-version").textContent = `engine ${answer.version.engine} · ABI ${answer.version.abi.major}.${answer.version.abi.minor}`;
    send();
    return;
  }
  const changes = inflight?.changes ?? ChangeSet.empty(view.state.doc.length);
  const sentAt = inflight?.sentAt ?? performance.now();
  inflight = null;
  document.body.classList.remove("busy");
  if (answer.type === "failed") {
    banner(`The engine failed on this input: ${answer.message}. Your text is unchanged.`, "error");
  } else {
    render(answer, changes);
    stats.push({ textLength: view.state.doc.length, worker: answer.timings, roundTrip: performance.now() - sentAt });
    if (stats.length > 500) stats.shift();
  }
  if (pending) send();
});
worker.addEventListener("error", (e) => banner(`The engine could not start: ${e.message || "the worker failed to load"}.`, "error"));

// ------------------------------------------------------------- editor

let view: EditorView;

function onEditorChange(changes: ChangeSet): void {
  textDirty = true;
  if (inflight) inflight.changes = inflight.changes.compose(changes);
  sinceRender = sinceRender.compose(changes);
  state.store = view.state.doc.toString();
  document.body.classList.add("stale");
  persist();
  schedule();
}

function mapped(pos: number, assoc = 1): number {
  return sinceRender.mapPos(Math.min(pos, sinceRender.length), assoc);
}

function jumpToPointer(pointer: string): void {
  const text = view.state.doc.toString();
  const at = locate(text, pointer);
  if (at) jumpTo(view, at.keyFrom, at.to, false);
  else banner(`${pointer} is not in the store text.`, "error");
}

// ------------------------------------------------------------- rendering

function render(answer: CycleAnswer, changes: ChangeSet): void {
  last = answer;
  sinceRender = ChangeSet.empty(view.state.doc.length);
  document.body.classList.toggle("stale", textDirty);
  const map = (pos: number, assoc: number) => changes.mapPos(Math.min(pos, changes.length), assoc);
  if (answer.directory !== undefined) {
    if (answer.directory) {
      directory = answer.directory;
      directoryStale = false;
    } else directoryStale = directory !== null;
    renderDirectoryLists();
  }
  if (answer.check) {
    const all: Diagnostic[] = [...answer.check.diagnostics];
    for (const e of answer.loadErrors ?? []) if (!all.some((d) => d.code === e.code && d.span.start === e.span.start)) all.push(e);
    placed = all.map((d) => place(d, map));
    showProblems(view, placed);
    renderProblems();
  }
  if (answer.decision) {
    lastDecision = {
      decision: answer.decision,
      spans: answer.decision.matchedUtf16.map((s) => (s ? { from: map(s.start, 1), to: map(s.end, -1) } : null)),
      stale: false,
      request: answer.requestKey,
    };
  } else if (lastDecision) {
    lastDecision.stale = true;
    if (lastDecision.request !== answer.requestKey) lastDecision = null;
  }
  renderDecision(answer);
  renderAccess();
  renderTests(answer.tests, answer.testsError, answer.storeLoaded);
  const t = answer.timings;
  $("timing").textContent = answer.check
    ? `check ${t.check.toFixed(1)} · load ${t.load.toFixed(1)} · evaluate ${t.evaluate.toFixed(2)} · tests ${t.tests.toFixed(1)} · total ${t.total.toFixed(1)} ms`
    : `store unchanged: evaluate ${t.evaluate.toFixed(2)} · tests ${t.tests.toFixed(1)} · total ${t.total.toFixed(1)} ms`;
}

function place(d: Diagnostic, map: (pos: number, assoc: number) => number): Placed {
  const from = map(d.utf16?.start ?? 0, 1);
  const to = Math.max(from, map(d.utf16?.end ?? 0, -1));
  let fix: Placed["fix"] = null;
  if (d.fix?.utf16) fix = { title: d.fix.title, from: map(d.fix.utf16.start, 1), to: map(d.fix.utf16.end, -1), insert: d.fix.replacement };
  else {
    // Findings whose "did you mean `X`?" has no engine fix (e.g. a misspelt action): offer the same kind of fix.
    const meant = d.help && /did you mean `([^`]+)`\?/.exec(d.help)?.[1];
    const flagged = view.state.sliceDoc(from, to);
    if (meant && /^".*"$/.test(flagged)) fix = { title: `use \`${meant}\``, from, to, insert: JSON.stringify(meant) };
  }
  return { d, from, to, fix };
}

function renderProblems(): void {
  const list = $("problem-list");
  const counts = new Map<Severity, number>(SEVERITY_ORDER.map((s) => [s, 0]));
  for (const p of placed) counts.set(p.d.severity, counts.get(p.d.severity)! + 1);
  const head = $("problem-counts");
  head.replaceChildren(
    ...SEVERITY_ORDER.map((s) => {
      const b = el("button", { type: "button", className: `chip chip-${s}${hiddenClasses.has(s) ? " off" : ""}`, title: `show or hide ${SEVERITY_LABEL[s]}s` }, severityIcon(s), ` ${counts.get(s)} ${SEVERITY_LABEL[s]}${counts.get(s) === 1 ? "" : "s"}`);
      b.dataset.severity = s;
      b.addEventListener("click", () => {
        if (hiddenClasses.has(s)) hiddenClasses.delete(s);
        else hiddenClasses.add(s);
        renderProblems();
      });
      return b;
    }),
  );
  const shown = placed.filter((p) => !hiddenClasses.has(p.d.severity));
  const items: HTMLElement[] = [];
  const LIMIT = 300;
  for (const p of shown.slice(0, LIMIT)) {
    const where = view.state.doc.lineAt(Math.min(mapped(p.from), view.state.doc.length));
    const column = mapped(p.from) - where.from + 1;
    const row = el(
      "li",
      { className: `problem sev-${p.d.severity}`, tabIndex: 0, title: "show in the editor" },
      severityIcon(p.d.severity),
      el("span", { className: "problem-text" }, el("span", { className: "problem-message" }, ...rich(p.d.message)), " ", el("code", { className: "problem-code" }, p.d.code), p.d.help ? el("span", { className: "problem-help" }, ...rich(p.d.help)) : ""),
      el("span", { className: "problem-where" }, `${where.number}:${column}`),
    );
    row.dataset.code = p.d.code;
    const go = () => jumpTo(view, mapped(p.from, 1), mapped(p.to, -1));
    row.addEventListener("click", go);
    row.addEventListener("keydown", (e) => {
      if (e.key === "Enter") go();
    });
    if (p.fix) {
      const fix = p.fix;
      const button = el("button", { type: "button", className: "fix", title: `quick fix: ${fix.title.replace(/`/g, "")}` }, `Fix: ${fix.title.replace(/`/g, "")}`);
      button.addEventListener("click", (e) => {
        e.stopPropagation();
        applyFix(view, { ...p, fix: { ...fix, from: mapped(fix.from, 1), to: mapped(fix.to, -1) } });
      });
      row.append(button);
    }
    items.push(row);
  }
  if (shown.length > LIMIT) items.push(el("li", { className: "muted" }, `… and ${shown.length - LIMIT} more (the editor marks the first 2,000)`));
  if (placed.length === 0) items.push(el("li", { className: "muted ok" }, "No problems found."));
  list.replaceChildren(...items);
}

const MISSING_WORDS: Record<string, string> = {
  allow: "no policy allows this request",
  identity: "no identity policy allows it",
  resource: "the resource policy does not allow it",
  boundary: "the permissions boundary does not allow it",
  guardrail: "a guardrail does not allow it",
  session: "the session policy does not allow it",
  trust: "the role's trust policy does not allow it",
  "session-expired": "the session has expired",
};

const KIND_WORDS: Record<string, string> = {
  identity: "identity policy",
  resource: "resource policy",
  boundary: "permissions boundary",
  session: "session policy",
  guardrail: "guardrail",
  trust: "trust policy of role",
};

/** "denied by guardrail Baseline, statement ProdDeletesOnlyFromOffice" */
export function matchedWords(m: Decision["matched"][number]): string {
  const verb = m.effect === "Deny" ? "denied by" : ["boundary", "guardrail", "session"].includes(m.kind) ? "permitted by" : "allowed by";
  return `${verb} ${KIND_WORDS[m.kind] ?? m.kind} ${m.policy}, statement ${m.sid ?? `#${m.statement}`}`;
}

function renderDecision(answer: CycleAnswer): void {
  const box = $("decision");
  const parts: Node[] = [el("div", { className: "panel-head" }, el("h2", {}, "Decision"))];
  const text = state.store;
  let problem: string | null = null;
  if (text.trim() === "") problem = "The editor is empty. Pick an example above, or paste a store or a policy.";
  else if (directory?.kind === "policy" && !directoryStale) problem = 'The editor holds a single policy document. Decisions and tests need a store: put it under "policies" with an "account" and a user that uses it (the Minimal AWS IAM example shows the shape).';
  else if (!answer.storeLoaded) {
    const errors = placed.filter((p) => p.d.severity === "error").length;
    problem = `The store has ${errors || "some"} error${errors === 1 ? "" : "s"} and cannot be loaded, so nothing is decided until ${errors === 1 ? "it is" : "they are"} fixed (see Problems).`;
  } else if (answer.requestError) problem = `This request cannot be decided: ${answer.requestError}`;
  else if (!answer.decision) problem = "Fill in the request to see a decision.";
  if (problem) parts.push(el("p", { className: "notice" }, problem));

  const d = text.trim() === "" ? null : lastDecision;
  if (d && (!problem || d.stale)) {
    const dec = d.decision;
    const verdict = el("div", { className: `verdict verdict-${dec.decision.toLowerCase()}${d.stale ? " is-stale" : ""}` });
    verdict.append(
      el("span", { className: "verdict-word" }, dec.decision),
      el("span", { className: "verdict-reason" }, dec.reason === "Allowed" ? "allowed" : dec.reason === "ExplicitDeny" ? "explicit deny" : "implicit deny"),
    );
    if (d.stale) verdict.append(el("span", { className: "verdict-stale" }, "the last result while the store still loaded"));
    parts.push(verdict);
    parts.push(el("p", { className: "summary" }, sentence(dec)));
    if (dec.matched.length) {
      const ul = el("ul", { className: "matched" });
      dec.matched.forEach((m, i) => {
        const span = d.spans[i];
        const button = el("button", { type: "button", className: `link matched-${m.effect.toLowerCase()}`, title: `show ${m.path} in the editor` }, matchedWords(m));
        button.addEventListener("click", () => {
          if (span) jumpTo(view, mapped(span.from, 1), mapped(span.to, -1));
          else jumpToPointer(m.path);
        });
        ul.append(el("li", {}, button, el("span", { className: "via" }, ` via ${m.via}`)));
      });
      parts.push(ul);
    }
    if (dec.alerts.length) parts.push(el("p", { className: "alerts" }, ...dec.alerts.map((a) => el("span", { className: "alert" }, `⚑ ${a === "break-glass" ? "break-glass: this allow is through a break-glass role and is flagged for audit" : a}`))));
    if (dec.notes.length) parts.push(el("ul", { className: "notes" }, ...dec.notes.map((n) => el("li", {}, ...rich(n)))));
    const time = timeOf(state.request);
    parts.push(el("p", { className: "muted small" }, time ? `decided at ${time} (from the request's context)` : "decided at the browser's current time (add a time to the context to fix it)"));
  }
  box.replaceChildren(...parts);
  showHighlights(
    view,
    d && !d.stale && !problem ? d.decision.matched.flatMap((m, i) => (d.spans[i] ? [{ from: mapped(d.spans[i]!.from, 1), to: mapped(d.spans[i]!.to, -1), effect: m.effect }] : [])) : [],
  );
}

function sentence(d: Decision): string {
  if (d.reason === "ImplicitDeny") return `Denied: ${d.missing?.length ? d.missing.map((m) => MISSING_WORDS[m] ?? m).join("; ") : "nothing allows it"}.`;
  const deciding = d.matched.filter((m) => (d.reason === "ExplicitDeny" ? m.effect === "Deny" : m.kind === "identity" || m.kind === "resource" || m.kind === "trust"));
  const words = (deciding.length ? deciding : d.matched).map(matchedWords).join("; ");
  return words ? words.charAt(0).toUpperCase() + words.slice(1) + "." : d.summary;
}

function timeOf(form: RequestForm): string | null {
  const row = form.context.find(([k]) => /^(acs|aws):currenttime$/i.test(k.trim()));
  return row ? row[1] : null;
}

function renderAccess(): void {
  const box = $("access-tree");
  if (!directory || state.store.trim() === "") {
    box.replaceChildren(el("p", { className: "muted" }, "No store yet."));
    return;
  }
  const time = timeOf(state.request);
  const at = time ? new Date(time) : new Date();
  const matched = new Set(lastDecision && !lastDecision.stale ? lastDecision.decision.matched.map((m) => m.policy) : []);
  const tree = accessTree(directory, state.request.principal, Number.isNaN(at.getTime()) ? null : at, matched);
  box.replaceChildren(renderTree(tree, jumpToPointer));
  if (directoryStale) box.prepend(el("p", { className: "muted small" }, "as of the last valid JSON"));
}

// ------------------------------------------------------------- request form

function currentRequest() {
  const r = state.request;
  if (!r.principal.trim() || !r.action.trim() || !r.resource.trim()) return null;
  return formToRequest(r);
}

function requestChanged(): void {
  persist();
  renderAccess();
  schedule(60);
}

function renderDirectoryLists(): void {
  const select = $<HTMLSelectElement>("principal");
  const dir = directory;
  const users = dir ? Object.keys(dir.users).map((u) => `user/${u}`) : [];
  const roles = dir ? Object.keys(dir.roles).map((r) => `role/${r}`) : [];
  const current = state.request.principal;
  const groups: HTMLElement[] = [];
  if (users.length) groups.push(el("optgroup", { label: "users" }, ...users.map((u) => el("option", { value: u }, u))));
  if (roles.length) groups.push(el("optgroup", { label: "roles (sessions)" }, ...roles.map((r) => el("option", { value: r }, r))));
  if (current && !users.includes(current) && !roles.includes(current)) groups.unshift(el("option", { value: current }, `${current} (not in the store)`));
  if (!current) groups.unshift(el("option", { value: "" }, "pick a principal"));
  select.replaceChildren(...groups);
  select.value = current;
  $<HTMLDataListElement>("actions").replaceChildren(...(dir?.actions ?? []).map((a) => el("option", { value: a })));
  $<HTMLDataListElement>("resources").replaceChildren(...(dir?.resources ?? []).map((a) => el("option", { value: a })));
  const keys = dir?.partition === "aws" ? [...AWS_KEYS, ...ACS_KEYS] : [...ACS_KEYS, ...AWS_KEYS];
  $<HTMLDataListElement>("context-keys").replaceChildren(...keys.map((k) => el("option", { value: k.label })));
  updateSessionVisibility();
}

function updateSessionVisibility(): void {
  const role = state.request.principal.startsWith("role/");
  document.querySelectorAll<HTMLElement>(".session-only").forEach((e) => (e.hidden = !role));
}

function renderForm(): void {
  renderDirectoryLists();
  $<HTMLInputElement>("action").value = state.request.action;
  $<HTMLInputElement>("resource").value = state.request.resource;
  $<HTMLInputElement>("session-name").value = state.request.sessionName ?? "";
  renderContext();
}

function renderContext(): void {
  const rows = state.request.context.map(([key, value], i) => {
    const k = el("input", { value: key, placeholder: "condition key", spellcheck: false, className: "ctx-key" });
    k.setAttribute("list", "context-keys");
    k.setAttribute("aria-label", `context key ${i + 1}`);
    const v = el("input", { value, placeholder: "value (true, false, text, or a [list])", spellcheck: false, className: "ctx-value" });
    v.setAttribute("aria-label", `context value ${i + 1}`);
    const remove = el("button", { type: "button", className: "icon", title: "remove this key" }, "✕");
    k.addEventListener("input", () => {
      state.request.context[i]![0] = k.value;
      requestChanged();
    });
    v.addEventListener("input", () => {
      state.request.context[i]![1] = v.value;
      requestChanged();
    });
    remove.addEventListener("click", () => {
      state.request.context.splice(i, 1);
      renderContext();
      requestChanged();
    });
    return el("div", { className: "ctx-row" }, k, v, remove);
  });
  $("context-rows").replaceChildren(...rows);
}

function addContext(key: string, value: string): void {
  const existing = state.request.context.findIndex(([k]) => k.toLowerCase() === key.toLowerCase());
  if (existing >= 0) state.request.context[existing]![1] = value;
  else state.request.context.push([key, value]);
  renderContext();
  requestChanged();
  const inputs = document.querySelectorAll<HTMLInputElement>("#context-rows .ctx-value");
  inputs[existing >= 0 ? existing : inputs.length - 1]?.focus();
}

function presets() {
  return REQUEST_KEY_PRESETS[directory?.partition ?? "acs"];
}

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

$<HTMLSelectElement>("principal").addEventListener("change", (e) => {
  state.request.principal = (e.target as HTMLSelectElement).value;
  updateSessionVisibility();
  requestChanged();
});
for (const id of ["action", "resource", "session-name"] as const) {
  $<HTMLInputElement>(id).addEventListener("input", (e) => {
    const value = (e.target as HTMLInputElement).value;
    if (id === "session-name") state.request.sessionName = value;
    else state.request[id] = value;
    requestChanged();
  });
}
$("add-context").addEventListener("click", () => {
  state.request.context.push(["", ""]);
  renderContext();
  document.querySelectorAll<HTMLInputElement>("#context-rows .ctx-key")[state.request.context.length - 1]?.focus();
});
$("add-mfa").addEventListener("click", () => addContext(presets().mfa, "true"));
$("add-ip").addEventListener("click", () => addContext(presets().ip, "203.0.113.7"));
$("add-time").addEventListener("click", () => addContext(presets().time, nowIso()));

// ------------------------------------------------------------- tests

function describeRequest(t: TestCase): Node[] {
  const r = t.request;
  const ctx = Object.entries(r.context ?? {}).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  const main = `${r.principal} · ${r.action} · ${r.resource}${r.session ? ` · session ${r.session.name ?? ""}${r.session.policy ? " + policy" : ""}` : ""}`;
  return [document.createTextNode(main), ...(ctx.length ? [el("span", { className: "ctx" }, ctx.join("  "))] : [])];
}

function renderTests(results: TestResults | null, error: string | null, storeLoaded: boolean): void {
  const tbody = $("test-table").querySelector("tbody")!;
  const summary = $("test-summary");
  const rows = state.tests.map((t, i) => {
    const r = results?.results[i];
    const status = !r ? "not-run" : r.passed ? "pass" : "fail";
    const statusCell = el("td", { className: `status status-${status}`, title: status === "not-run" ? "not run" : status === "pass" ? "passed" : "failed" }, status === "pass" ? "✔" : status === "fail" ? "✘" : "–");
    const name = el("input", { value: t.name ?? "", className: "test-name", spellcheck: false, title: t.name ?? "" });
    name.setAttribute("aria-label", `name of test ${i + 1}`);
    name.addEventListener("change", () => {
      t.name = name.value;
      persist();
      schedule(60);
    });
    const decision = el("select", { className: "expect-decision" }, el("option", { value: "Allow" }, "Allow"), el("option", { value: "Deny" }, "Deny"));
    decision.value = t.expect.decision;
    decision.setAttribute("aria-label", `expected decision of test ${i + 1}`);
    const reason = el("select", { className: "expect-reason" }, el("option", { value: "" }, "any reason"), ...["Allowed", "ExplicitDeny", "ImplicitDeny"].map((x) => el("option", { value: x }, x)));
    reason.value = t.expect.reason ?? "";
    decision.addEventListener("change", () => {
      t.expect.decision = decision.value as "Allow" | "Deny";
      if (t.expect.reason && (t.expect.decision === "Allow") !== (t.expect.reason === "Allowed")) {
        delete t.expect.reason;
        reason.value = "";
      }
      persist();
      schedule(0);
    });
    reason.addEventListener("change", () => {
      if (reason.value) t.expect.reason = reason.value as "Allowed";
      else delete t.expect.reason;
      persist();
      schedule(0);
    });
    const expectCell = el("td", {}, decision, " ", reason);
    if (t.expect.alerts) expectCell.append(el("span", { className: "small muted" }, ` alerts: ${t.expect.alerts.join(", ") || "none"}`));
    const got = el("td", { className: "got" });
    if (r?.got) got.append(`${r.got.decision} (${r.got.reason})${r.got.alerts.length ? ` ⚑ ${r.got.alerts.join(", ")}` : ""}`);
    else if (r?.error) got.append(el("span", { className: "small" }, r.error));
    const load = el("button", { type: "button", className: "icon", title: "load this request into the form" }, "↑");
    load.addEventListener("click", () => {
      state.request = requestToForm(t.request);
      renderForm();
      requestChanged();
    });
    const update = el("button", { type: "button", className: "icon", title: "replace this row's request with the form's" }, "⇣");
    update.addEventListener("click", () => {
      const req = currentRequest();
      if (!req) return banner("The request form is incomplete.", "error");
      t.request = { ...req, ...(t.request.session?.policy && req.session ? { session: { ...req.session, policy: t.request.session.policy } } : {}) };
      renderTests(last?.tests ?? null, null, storeLoaded);
      persist();
      schedule(0);
    });
    const remove = el("button", { type: "button", className: "icon", title: "delete this test" }, "✕");
    remove.addEventListener("click", () => {
      state.tests.splice(i, 1);
      renderTests(null, null, storeLoaded);
      persist();
      schedule(0);
    });
    const tr = el("tr", { className: `test-row row-${status}` }, statusCell, el("td", {}, name), el("td", { className: "req" }, ...describeRequest(t)), expectCell, got, el("td", { className: "row-buttons" }, load, update, remove));
    return tr;
  });
  if (rows.length === 0) tbody.replaceChildren(el("tr", {}, el("td", { colSpan: 6, className: "muted" }, "No tests yet: set up a request above and press “Add current request”, or import a test file.")));
  else tbody.replaceChildren(...rows);
  if (state.tests.length === 0) summary.textContent = "";
  else if (error) summary.textContent = `not run: ${error}`;
  else if (!storeLoaded || !results) summary.textContent = "not run: the store does not load";
  else {
    summary.textContent = `${results.passed} passed, ${results.failed} failed`;
    summary.className = results.failed ? "summary-fail" : "summary-pass";
    return;
  }
  summary.className = "muted";
}

$("add-test").addEventListener("click", () => {
  const request = currentRequest();
  if (!request) return banner("Fill in the request (principal, action, resource) first.", "error");
  const d = lastDecision && !lastDecision.stale ? lastDecision.decision : null;
  let note = "";
  if (!timeOf(state.request)) {
    // The form decides at the browser's clock; a test file has no clock, so pin the time.
    const key = presets().time;
    request.context = { ...(request.context ?? {}), [key]: nowIso() };
    note = ` It carries ${key} so it does not depend on the clock.`;
  }
  const name = `${request.principal} ${request.action} on ${request.resource.split(/[:/]/).pop() || request.resource}`;
  state.tests.push({ name, request, expect: d ? { decision: d.decision, reason: d.reason } : { decision: "Deny" } });
  banner(`Added a test expecting ${d ? `${d.decision} (${d.reason})` : "Deny"}.${note}`);
  renderTests(null, null, last?.storeLoaded ?? false);
  persist();
  schedule(0);
});

$("export-tests").addEventListener("click", () => {
  let store: unknown;
  try {
    store = JSON.parse(state.store);
  } catch {
    return banner("The store is not valid JSON yet, so it cannot go into a test file. Fix it first (see Problems).", "error");
  }
  const file: TestSuite = { name: state.suiteName ?? "playground", description: "exported from the Portcullis playground", store: store as TestSuite["store"], cases: state.tests };
  const blob = new Blob([JSON.stringify(file, null, 2) + "\n"], { type: "application/json" });
  const a = el("a", { href: URL.createObjectURL(blob), download: `${(state.suiteName ?? "playground").replace(/[^\w.-]+/g, "-")}.test.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});

$<HTMLInputElement>("import-tests").addEventListener("change", async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  const text = await file.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return banner(`${file.name} is not JSON, so nothing was imported.`, "error");
  }
  importValue(value, file.name);
});

function importValue(value: unknown, fileName: string): void {
  if (typeof value !== "object" || value === null) return banner(`${fileName} is not a test file or a store.`, "error");
  const v = value as Record<string, unknown>;
  const suites = Array.isArray(v.suites) ? (v.suites as TestSuite[]) : "cases" in v || "store" in v || "storeFile" in v ? [v as TestSuite] : null;
  if (!suites) {
    if ("policies" in v || "users" in v || "account" in v) {
      setState({ ...state, store: JSON.stringify(v, null, 2) + "\n" }, `loaded the store from ${fileName}; the tests were kept`);
      return;
    }
    return banner(`${fileName} is neither a test file (a suite with "cases", or "suites") nor a store.`, "error");
  }
  const suite = suites.find((s) => Array.isArray(s.cases) && s.cases.length) ?? suites[0]!;
  const notes: string[] = [];
  if (suites.length > 1) notes.push(`it has ${suites.length} suites; the first with cases (${suite.name ?? "unnamed"}) was imported`);
  if (suite.storeError) notes.push("the suite expects its store to fail loading; the table only runs cases");
  const next: PlaygroundState = { ...state, tests: structuredClone((suite.cases ?? []) as TestCase[]), suiteName: suite.name ?? state.suiteName };
  if (suite.store) next.store = JSON.stringify(suite.store, null, 2) + "\n";
  else if (suite.storeFile) notes.push(`its store is a separate file (${suite.storeFile}); the cases run against the store in the editor`);
  if (next.tests[0]) next.request = requestToForm(next.tests[0].request);
  setState(next, `imported ${next.tests.length} test${next.tests.length === 1 ? "" : "s"} from ${fileName}${notes.length ? ` (${notes.join("; ")})` : ""}`);
}

// ------------------------------------------------------------- whole state

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function persist(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const error = save(state);
    $("saved").textContent = error ? `not saved in this browser (${error.length > 60 ? "storage full" : error})` : "saved in this browser";
    $("saved").classList.toggle("warn", !!error);
  }, 400);
}

// Leaving the page (closing the tab, reloading) saves at once, not after the debounce.
addEventListener("pagehide", () => {
  clearTimeout(saveTimer);
  save(state);
});

function setState(next: PlaygroundState, message?: string, undoable = true): void {
  const previous = structuredClone(state);
  state = structuredClone(next);
  lastDecision = null;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: state.store }, userEvent: "input.replace" });
  renderForm();
  renderTests(null, null, false);
  persist();
  schedule(0);
  if (message)
    banner(
      `${message.charAt(0).toUpperCase()}${message.slice(1)}.`,
      "info",
      undoable ? { label: "Undo", run: () => setState(previous, "put back what was there before", false) } : undefined,
    );
}

const exampleSelect = $<HTMLSelectElement>("example");
for (const ex of EXAMPLES) exampleSelect.append(el("option", { value: ex.id, title: ex.blurb }, ex.title));
exampleSelect.addEventListener("change", () => {
  const ex = exampleById(exampleSelect.value);
  exampleSelect.value = "";
  if (ex) setState(ex.state(), `loaded the example “${ex.title}”: ${ex.blurb}`);
});

// ------------------------------------------------------------- share

$("share").addEventListener("click", async () => {
  const dialog = $<HTMLDialogElement>("share-dialog");
  const link = `${location.origin}${location.pathname}${location.search}#${await encodeShare(state)}`;
  const input = $<HTMLInputElement>("share-link");
  input.value = link;
  $("share-info").textContent = `${link.length.toLocaleString("en")} characters${link.length > 2_000_000 ? ": too long for some browsers; export the tests as a file instead" : ""}.`;
  dialog.showModal();
  input.select();
});
$("share-copy").addEventListener("click", async () => {
  const input = $<HTMLInputElement>("share-link");
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    $("share-info").textContent = "Copied to the clipboard.";
  } catch {
    $("share-info").textContent = "The browser did not allow copying: the link is selected, press Ctrl+C.";
  }
});

// ------------------------------------------------------------- start

state = await initialState();
view = createEditor({ parent: $("editor"), doc: state.store, directory: () => directory, onChange: onEditorChange });
sinceRender = ChangeSet.empty(view.state.doc.length);
renderForm();
renderTests(null, null, false);
persist();
schedule(0);

// For the browser tests and for anyone curious in the console.
declare global {
  interface Window {
    playground: {
      view: EditorView;
      stats: typeof stats;
      state: () => PlaygroundState;
      lastAnswer: () => CycleAnswer | null;
      idle: () => boolean;
      /** The squiggles as the editor holds them: class, code, range and the text under it. */
      squiggles: () => Array<{ severity: string; code: string; from: number; to: number; text: string }>;
    };
  }
}
window.playground = {
  view,
  stats,
  state: () => state,
  lastAnswer: () => last,
  idle: () => workerReady && !inflight && !pending && !scheduled && !textDirty,
  squiggles: () => {
    const out: Array<{ severity: string; code: string; from: number; to: number; text: string }> = [];
    forEachDiagnostic(view.state, (d, from, to) =>
      out.push({ severity: /cm-sev-(\w+)/.exec(d.markClass ?? "")?.[1] ?? d.severity, code: /cm-code-(\S+)/.exec(d.markClass ?? "")?.[1] ?? "", from, to, text: view.state.sliceDoc(from, to) }),
    );
    return out;
  },
};
