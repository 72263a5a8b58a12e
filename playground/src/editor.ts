// The store editor: CodeMirror 6 with JSON highlighting and folding, the
// engine's findings as squiggles (hover message, quick fixes) and as
// severity icons in a gutter, the decision's matched statements highlighted,
// and completion of element names, operators and condition keys.

import { type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { json, jsonLanguage } from "@codemirror/lang-json";
import { type Diagnostic as LintDiagnostic, setDiagnostics } from "@codemirror/lint";
import { EditorState, RangeSet, RangeSetBuilder, StateEffect, StateField, type Extension, type ChangeSet } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, GutterMarker, gutter } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { Diagnostic, Severity } from "portcullis";
import { contextAt, type PathPart } from "./jsonScan";
import type { Directory } from "./protocol";
import * as V from "./vocabulary";

// ------------------------------------------------------------- findings

/** A finding placed in the editor (UTF-16 offsets into the current document). */
export interface Placed {
  d: Diagnostic;
  from: number;
  to: number;
  fix: { title: string; from: number; to: number; insert: string } | null;
}

export const SEVERITY_ORDER: Severity[] = ["error", "security", "warning", "suggestion"];
export const SEVERITY_LABEL: Record<Severity, string> = { error: "error", security: "security warning", warning: "warning", suggestion: "suggestion" };
/** Inline SVG icons (no emoji font needed): a stop sign, a shield, a triangle, a light bulb. */
const SEVERITY_SVG: Record<Severity, string> = {
  error: '<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></svg>',
  security: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 1l6 2.2v4.3c0 3.6-2.5 6.3-6 7.5-3.5-1.2-6-3.9-6-7.5V3.2z" fill="currentColor"/><path d="M8 4.3v4.4" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/><circle cx="8" cy="11.2" r="1" fill="#fff"/></svg>',
  warning: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 1.3l7 12.9H1z" fill="currentColor" stroke="currentColor" stroke-linejoin="round"/><path d="M8 5.6v4" stroke="#fff" stroke-width="1.7" stroke-linecap="round"/><circle cx="8" cy="12" r="0.95" fill="#fff"/></svg>',
  suggestion: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 1.2a4.8 4.8 0 0 0-2.9 8.6c.5.4.8.9.8 1.5v.6h4.2v-.6c0-.6.3-1.1.8-1.5A4.8 4.8 0 0 0 8 1.2z" fill="currentColor"/><rect x="5.9" y="12.6" width="4.2" height="1.2" rx=".5" fill="currentColor"/><rect x="6.5" y="14.3" width="3" height="1.1" rx=".5" fill="currentColor"/></svg>',
};

/** Icon element for a severity class (also used by the problems list). */
export function severityIcon(severity: Severity): HTMLElement {
  const span = document.createElement("span");
  span.className = `sev-icon sev-${severity}`;
  span.innerHTML = SEVERITY_SVG[severity];
  span.title = SEVERITY_LABEL[severity];
  span.setAttribute("role", "img");
  span.setAttribute("aria-label", SEVERITY_LABEL[severity]);
  return span;
}

class SeverityMarker extends GutterMarker {
  constructor(readonly severity: Severity, readonly count: number, readonly text: string) {
    super();
  }
  override eq(other: SeverityMarker) {
    return other.severity === this.severity && other.count === this.count && other.text === this.text;
  }
  override toDOM() {
    const el = severityIcon(this.severity);
    el.title = this.text;
    return el;
  }
}

const setProblems = StateEffect.define<Placed[]>();

const problemMarkers = StateField.define<RangeSet<SeverityMarker>>({
  create: () => RangeSet.empty,
  update(markers, tr) {
    markers = markers.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setProblems)) continue;
      const byLine = new Map<number, Placed[]>();
      for (const p of e.value) {
        const line = tr.state.doc.lineAt(Math.min(p.from, tr.state.doc.length));
        const list = byLine.get(line.from) ?? [];
        list.push(p);
        byLine.set(line.from, list);
      }
      const builder = new RangeSetBuilder<SeverityMarker>();
      for (const from of [...byLine.keys()].sort((a, b) => a - b)) {
        const list = byLine.get(from)!;
        const worst = SEVERITY_ORDER.find((s) => list.some((p) => p.d.severity === s))!;
        builder.add(from, from, new SeverityMarker(worst, list.length, list.map((p) => `${SEVERITY_LABEL[p.d.severity]}: ${p.d.message}`).join("\n")));
      }
      markers = builder.finish();
    }
    return markers;
  },
});

const problemGutter: Extension = [
  problemMarkers,
  gutter({
    class: "cm-problem-gutter",
    markers: (view) => view.state.field(problemMarkers),
    initialSpacer: () => new SeverityMarker("suggestion", 0, ""),
  }),
];

function lintSeverity(s: Severity): LintDiagnostic["severity"] {
  return s === "error" ? "error" : s === "suggestion" ? "info" : "warning";
}

/** Text with `backticked` parts as code, as the engine writes its messages. */
export function rich(text: string): Node[] {
  return text.split(/(`[^`]+`)/).filter(Boolean).map((part) => {
    if (!/^`[^`]+`$/.test(part)) return document.createTextNode(part);
    const code = document.createElement("code");
    code.textContent = part.slice(1, -1);
    return code;
  });
}

function renderFinding(d: Diagnostic): Node {
  const box = document.createElement("div");
  box.className = "finding";
  const head = document.createElement("div");
  head.append(severityIcon(d.severity), " ");
  const msg = document.createElement("span");
  msg.className = "finding-message";
  msg.append(...rich(d.message));
  const code = document.createElement("code");
  code.className = "finding-code";
  code.textContent = d.code;
  head.append(msg, " ", code);
  box.append(head);
  if (d.help) {
    const help = document.createElement("div");
    help.className = "finding-help";
    help.append(...rich(d.help));
    box.append(help);
  }
  return box;
}

/** Shows findings: squiggles with hover text and fix actions, and gutter icons. Caps what the editor draws. */
export function showProblems(view: EditorView, placed: Placed[], limit = 2000): void {
  const shown = placed.slice(0, limit);
  const diagnostics: LintDiagnostic[] = shown.map((p) => ({
    from: p.from,
    to: p.to,
    severity: lintSeverity(p.d.severity),
    markClass: `cm-sev-${p.d.severity} cm-code-${p.d.code}`,
    message: `${p.d.message}${p.d.help ? ` (${p.d.help})` : ""}`,
    renderMessage: () => renderFinding(p.d),
    actions: p.fix ? [{ name: p.fix.title.replace(/`/g, ""), apply: (v: EditorView) => applyFix(v, p) }] : [],
  }));
  view.dispatch(setDiagnostics(view.state, diagnostics), { effects: setProblems.of(shown) });
}

export function applyFix(view: EditorView, p: Placed): void {
  if (!p.fix) return;
  view.dispatch({ changes: { from: p.fix.from, to: p.fix.to, insert: p.fix.insert }, selection: { anchor: p.fix.from + p.fix.insert.length }, userEvent: "input.fix" });
  view.focus();
}

// ------------------------------------------------------------- matched statements

export interface Highlight {
  from: number;
  to: number;
  effect: "Allow" | "Deny";
}

const setHighlights = StateEffect.define<Highlight[]>();

const highlightField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decos, tr) {
    decos = decos.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setHighlights)) continue;
      const lines = new Map<number, "Allow" | "Deny">();
      for (const h of e.value) {
        const doc = tr.state.doc;
        if (h.from > doc.length) continue;
        const first = doc.lineAt(h.from).number;
        const last = doc.lineAt(Math.min(h.to, doc.length)).number;
        for (let n = first; n <= last && n - first < 400; n++) {
          const at = doc.line(n).from;
          if (lines.get(at) !== "Deny") lines.set(at, h.effect);
        }
      }
      const builder = new RangeSetBuilder<Decoration>();
      for (const at of [...lines.keys()].sort((a, b) => a - b)) builder.add(at, at, Decoration.line({ class: `cm-matched cm-matched-${lines.get(at)!.toLowerCase()}` }));
      decos = builder.finish();
    }
    return decos;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export function showHighlights(view: EditorView, highlights: Highlight[]): void {
  view.dispatch({ effects: setHighlights.of(highlights) });
}

export function jumpTo(view: EditorView, from: number, to: number, select = true): void {
  const len = view.state.doc.length;
  const a = Math.min(from, len);
  const b = Math.min(to, len);
  view.dispatch({ selection: select ? { anchor: a, head: b } : { anchor: a }, effects: EditorView.scrollIntoView(a, { y: "center" }) });
  view.focus();
}

// ------------------------------------------------------------- completion

function words(list: V.Word[], type: string, boost = 0): Completion[] {
  return list.map((w) => ({ label: w.label, type, detail: w.detail, info: w.info, boost }));
}

function names(list: string[], type: string): Completion[] {
  return list.map((label) => ({ label, type }));
}

/** Index of the statement in a path: the part after "Statement" (and its list index). */
function statementTail(path: PathPart[]): { policy: PathPart[]; rest: PathPart[] } | null {
  const at = path.lastIndexOf("Statement");
  if (at < 0) return null;
  const policy = path.slice(0, at);
  const rest = path.slice(at + 1);
  if (typeof rest[0] === "number") rest.shift();
  return { policy, rest };
}

export function completionsFor(text: string, pos: number, dir: Directory | null): { from: number; to: number; options: Completion[]; isKey: boolean } | null {
  const ctx = contextAt(text, pos);
  const path = ctx.path;
  const isStore = dir ? dir.kind === "store" : !/^\s*\{\s*"(Version|Statement)"/.test(text);
  let options: Completion[] = [];

  const policyPath = (p: PathPart[]) =>
    (!isStore && p.length === 0) ||
    (p.length === 2 && p[0] === "policies") ||
    (p.length === 3 && p[0] === "roles" && p[2] === "trust") ||
    (p.length === 3 && p[0] === "resources" && p[2] === "policy");
  const tail = statementTail(path);
  const ramDialect = dir ? dir.partition === "acs" : /"Version"\s*:\s*"1"/.test(text);

  if (ctx.role === "key") {
    if (tail && tail.rest.length === 0) options = words(V.STATEMENT_ELEMENTS, "property");
    else if (tail && tail.rest.length === 1 && tail.rest[0] === "Condition") {
      options = V.OPERATORS.map((o) => ({ label: o.label, type: "keyword", detail: o.detail, boost: (ramDialect ? (o.ram ? 2 : -1) : 0) + (o.label.includes(":") ? -1 : 0) + (o.label.endsWith("IfExists") ? -0.5 : 0) }));
    } else if (tail && tail.rest.length === 2 && tail.rest[0] === "Condition") {
      options = [...words(V.ACS_KEYS, "variable", ramDialect ? 1 : 0), ...words(V.AWS_KEYS, "variable", ramDialect ? 0 : 1)];
    } else if (policyPath(path)) options = words(V.POLICY_ELEMENTS, "property");
    else if (isStore && path.length === 0) options = words(V.STORE_ELEMENTS, "property");
    else if (path.length === 2 && path[0] === "users") options = words(V.USER_ELEMENTS, "property");
    else if (path.length === 2 && path[0] === "groups") options = words(V.GROUP_ELEMENTS, "property");
    else if (path.length === 2 && path[0] === "roles") options = words(V.ROLE_ELEMENTS, "property");
    else if (path.length === 2 && path[0] === "resources") options = words(V.RESOURCE_ELEMENTS, "property");
    else if (path.length === 4 && (path[0] === "users" || path[0] === "groups") && path[2] === "roles") options = words(V.ASSIGNMENT_ELEMENTS, "property");
  } else {
    const last = path[path.length - 1];
    const parent = typeof last === "number" ? path[path.length - 2] : last;
    if (tail && tail.rest.length === 1 && tail.rest[0] === "Effect") options = names(["Allow", "Deny"], "constant");
    else if (policyPath(path.slice(0, -1)) && last === "Version") options = [{ label: "2012-10-17", detail: "AWS IAM", type: "constant" }, { label: "1", detail: "Alibaba Cloud RAM", type: "constant" }];
    else if (tail && (tail.rest[0] === "Action" || tail.rest[0] === "NotAction") && dir) options = names(dir.actions, "function");
    else if (isStore && path.length === 1 && last === "partition") options = [{ label: "acs", detail: "Alibaba Cloud RAM ARNs", type: "constant" }, { label: "aws", detail: "AWS IAM ARNs", type: "constant" }];
    else if (dir && isStore) {
      if (parent === "guardrails" || parent === "policies" || parent === "boundary") options = names(dir.policies, "class");
      else if (parent === "groups" && path[0] === "users") options = names(Object.keys(dir.groups), "namespace");
      else if (parent === "roles" || parent === "role") options = names(Object.keys(dir.roles), "type");
    }
  }
  if (options.length === 0) return null;

  // Filter on what was typed after the opening quote; replace the whole token, quotes included.
  const inString = ctx.string !== null;
  const from = inString ? ctx.string!.from + 1 : ctx.from;
  let to = pos;
  if (ctx.string) to = ctx.string.closed ? ctx.string.to - 1 : pos;
  else {
    while (to < text.length && /[A-Za-z0-9:_\-./*]/.test(text[to]!)) to++;
  }
  const isKey = ctx.role === "key";
  const apply = (o: Completion): Completion => ({
    ...o,
    apply: (view: EditorView, _c: Completion, f: number, t: number) => {
      const doc = view.state.doc;
      const start = inString ? f - 1 : f;
      const end = inString && doc.sliceString(t, t + 1) === '"' ? t + 1 : t;
      const after = doc.sliceString(end, end + 64).match(/^\s*(.)/)?.[1];
      const quoted = JSON.stringify(o.label);
      const open = o.label.endsWith("/"); // tag keys: leave the cursor for the tag name
      const suffix = isKey && after !== ":" ? ": " : "";
      const insert = quoted + suffix;
      const cursor = open ? start + quoted.length - 1 : start + insert.length;
      view.dispatch({ changes: { from: start, to: end, insert }, selection: { anchor: cursor }, userEvent: "input.complete" });
    },
  });
  return { from, to, options: options.map(apply), isKey };
}

function completionSource(getDirectory: () => Directory | null) {
  return (context: CompletionContext): CompletionResult | null => {
    const doc = context.state.doc;
    const pos = context.pos;
    const text = doc.sliceString(0, Math.min(doc.length, pos + 256));
    const result = completionsFor(text, pos, getDirectory());
    if (!result) return null;
    const typed = context.state.sliceDoc(result.from, pos);
    if (!context.explicit && typed.length === 0 && !/["{,:]\s*$/.test(context.state.sliceDoc(Math.max(0, pos - 20), pos))) return null;
    return { from: result.from, to: result.to, options: result.options, validFor: /^[\w:./*-]*$/ };
  };
}

// ------------------------------------------------------------- the view

export interface EditorOptions {
  parent: HTMLElement;
  doc: string;
  directory: () => Directory | null;
  onChange: (changes: ChangeSet) => void;
}

export function createEditor(options: EditorOptions): EditorView {
  return new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        problemGutter,
        basicSetup,
        json(),
        jsonLanguage.data.of({ autocomplete: completionSource(options.directory) }),
        highlightField,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) options.onChange(u.changes);
        }),
        EditorView.contentAttributes.of({ "aria-label": "store JSON" }),
      ],
    }),
  });
}
