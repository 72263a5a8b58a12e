// The playground's whole state (what a share link and localStorage hold) and
// its encoding: `#v1.<base64url of deflate-raw(JSON)>`. The version prefix
// lets a later format be told apart: a page that reads v1 says so clearly
// when it meets v2, instead of misreading it.

import type { Request, TestCase } from "portcullis";

export const SHARE_FORMAT = 1;
const STORAGE_KEY = "portcullis-playground/state";

/** The request form: context values are kept as typed (text), converted when evaluated. */
export interface RequestForm {
  principal: string;
  action: string;
  resource: string;
  context: Array<[string, string]>;
  /** Role sessions only. */
  sessionName?: string;
}

export interface PlaygroundState {
  /** The store (or policy) source text, exactly as in the editor. */
  store: string;
  request: RequestForm;
  /** Test-file cases: `{name, request, expect}` (DESIGN.md "Test files"). */
  tests: TestCase[];
  /** Name of the test suite on export. */
  suiteName?: string;
}

export function isState(value: unknown): value is PlaygroundState {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const r = v.request as Record<string, unknown> | undefined;
  return (
    typeof v.store === "string" &&
    typeof r === "object" && r !== null &&
    typeof r.principal === "string" && typeof r.action === "string" && typeof r.resource === "string" &&
    Array.isArray(r.context) && r.context.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "string")) &&
    Array.isArray(v.tests) &&
    v.tests.every((t) => typeof t === "object" && t !== null && typeof (t as TestCase).request === "object" && typeof (t as TestCase).expect === "object")
  );
}

// ------------------------------------------------------------- context values

/** A context value as typed in the form: `true`/`false` are booleans, `[...]` a JSON list, anything else text. */
export function parseContextValue(text: string): string | boolean | Array<string | number | boolean> {
  const t = text.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (t.startsWith("[")) {
    try {
      const list = JSON.parse(t) as unknown;
      if (Array.isArray(list) && list.every((x) => ["string", "number", "boolean"].includes(typeof x))) return list as Array<string | number | boolean>;
    } catch {
      /* not a list: keep the text */
    }
  }
  return text;
}

export function formatContextValue(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export function formToRequest(form: RequestForm): Request {
  const request: Request = { principal: form.principal.trim(), action: form.action.trim(), resource: form.resource.trim() };
  const context: Record<string, string | boolean | Array<string | number | boolean>> = {};
  for (const [key, value] of form.context) if (key.trim() !== "") context[key.trim()] = parseContextValue(value);
  if (Object.keys(context).length > 0) request.context = context;
  if (form.sessionName && form.sessionName.trim() !== "" && request.principal.startsWith("role/")) request.session = { name: form.sessionName.trim() };
  return request;
}

export function requestToForm(request: Request): RequestForm {
  const form: RequestForm = {
    principal: request.principal ?? "",
    action: request.action ?? "",
    resource: request.resource ?? "",
    context: Object.entries(request.context ?? {}).map(([k, v]) => [k, formatContextValue(v)] as [string, string]),
  };
  if (request.session?.name !== undefined) form.sessionName = request.session.name;
  return form;
}

// ------------------------------------------------------------- share links

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("the link contains characters that base64url does not use");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** `v1.<base64url(deflate-raw(JSON))>`, without the `#`. */
export async function encodeShare(state: PlaygroundState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  return `v${SHARE_FORMAT}.${toBase64Url(await pipe(json, new CompressionStream("deflate-raw")))}`;
}

export type ShareResult =
  | { kind: "none" }
  | { kind: "ok"; state: PlaygroundState }
  | { kind: "newer"; version: number }
  | { kind: "corrupt"; detail: string };

/** Reads a location fragment (with or without `#`). Anything not shaped like `v<N>.` is not a share link. */
export async function decodeShare(fragment: string): Promise<ShareResult> {
  const hash = fragment.replace(/^#/, "");
  const m = /^v(\d+)\.(.*)$/s.exec(hash);
  if (!m) return hash === "" ? { kind: "none" } : { kind: "corrupt", detail: "it does not start with a format version such as `v1.`" };
  const version = Number(m[1]);
  if (version > SHARE_FORMAT) return { kind: "newer", version };
  if (version !== SHARE_FORMAT) return { kind: "corrupt", detail: `format v${version} is not one this page knows` };
  let json: string;
  try {
    const bytes = await pipe(fromBase64Url(m[2]!), new DecompressionStream("deflate-raw"));
    json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { kind: "corrupt", detail: "it could not be decompressed (part of it is missing or changed)" };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { kind: "corrupt", detail: "its content is not JSON" };
  }
  if (!isState(value)) return { kind: "corrupt", detail: "its content is not a playground state" };
  return { kind: "ok", state: value };
}

// ------------------------------------------------------------- localStorage

export function loadSaved(): PlaygroundState | null {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    if (!text) return null;
    const value = JSON.parse(text) as { format?: number; state?: unknown };
    if (value.format !== SHARE_FORMAT || !isState(value.state)) return null;
    return value.state;
  } catch {
    return null;
  }
}

/** Saves the state; returns an error message when the browser refuses (quota, private mode). */
export function save(state: PlaygroundState): string | null {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ format: SHARE_FORMAT, state }));
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
