// The effective-access view: how policies reach the selected principal, as a
// small tree: own policies, groups and the roles they hand out, roles
// assigned directly (with their time windows, active or not at the
// request's time), the permissions boundary and the guardrails. Policy and
// role names jump to their place in the editor.

import type { Assignment, Directory } from "./protocol";

export interface AccessTarget {
  /** A JSON pointer in the store. */
  pointer: string;
}

type Node = { label: string; kind: string; pointer?: string; note?: string; state?: "active" | "inactive" | "matched"; children?: Node[] };

const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

function policyNode(name: string, kind: string, matched: Set<string>, known: Set<string>): Node {
  return { label: name, kind, pointer: `/policies/${esc(name)}`, state: matched.has(name) ? "matched" : undefined, note: known.has(name) ? undefined : "not in the store" };
}

function windowOf(a: Assignment, at: Date | null): { text: string; active: boolean | null } | null {
  if (!a.notBefore && !a.notAfter) return null;
  const from = a.notBefore ? Date.parse(a.notBefore) : -Infinity;
  const to = a.notAfter ? Date.parse(a.notAfter) : Infinity;
  const text = `${a.notBefore ?? "…"} → ${a.notAfter ?? "…"}${a.reason ? ` (${a.reason})` : ""}`;
  if (!at || Number.isNaN(from) || Number.isNaN(to)) return { text, active: null };
  const t = at.getTime();
  return { text, active: t >= from && t < to };
}

function roleNode(dir: Directory, a: Assignment, at: Date | null, matched: Set<string>, known: Set<string>, seen: Set<string>): Node {
  const role = dir.roles[a.role];
  const w = windowOf(a, at);
  const node: Node = {
    label: a.role,
    kind: role?.breakGlass ? "role (break-glass)" : "role",
    pointer: `/roles/${esc(a.role)}`,
    note: !role ? "not in the store" : w ? `${w.text}${w.active === null ? "" : w.active ? ": active at the request's time" : ": not active at the request's time"}` : undefined,
    state: w?.active === false ? "inactive" : w?.active ? "active" : undefined,
    children: [],
  };
  if (role && !seen.has(a.role)) {
    seen.add(a.role);
    for (const p of role.policies) node.children!.push(policyNode(p, "policy", matched, known));
    if (role.boundary) node.children!.push(policyNode(role.boundary, "boundary", matched, known));
  }
  return node;
}

/** The tree for `principal` (`user/<name>` or `role/<name>`), or a sentence saying why there is none. */
export function accessTree(dir: Directory, principal: string, at: Date | null, matchedPolicies: Set<string>): Node | string {
  const known = new Set(dir.policies);
  const [kind, ...rest] = principal.split("/");
  const name = rest.join("/");
  const guardrails: Node | null = dir.guardrails.length
    ? { label: "guardrails", kind: "ceiling", pointer: "/guardrails", children: dir.guardrails.map((g) => policyNode(g, "guardrail", matchedPolicies, known)) }
    : null;
  if (kind === "user") {
    const user = dir.users[name];
    if (!user) return `user ${name || "(none)"} is not in the store`;
    const root: Node = { label: name, kind: "user", pointer: `/users/${esc(name)}`, children: [] };
    const tags = Object.entries(user.tags);
    if (tags.length) root.note = tags.map(([k, v]) => `${k}=${v}`).join(", ");
    const seen = new Set<string>();
    if (user.policies.length) root.children!.push({ label: "own policies", kind: "direct", children: user.policies.map((p) => policyNode(p, "policy", matchedPolicies, known)) });
    for (const g of user.groups) {
      const group = dir.groups[g];
      const node: Node = { label: g, kind: "group", pointer: `/groups/${esc(g)}`, note: group ? undefined : "not in the store", children: [] };
      if (group) {
        for (const p of group.policies) node.children!.push(policyNode(p, "policy", matchedPolicies, known));
        for (const a of group.roles) node.children!.push(roleNode(dir, a, at, matchedPolicies, known, seen));
      }
      root.children!.push(node);
    }
    for (const a of user.roles) root.children!.push(roleNode(dir, a, at, matchedPolicies, known, seen));
    if (user.boundary) root.children!.push({ ...policyNode(user.boundary, "boundary", matchedPolicies, known), note: "caps everything above" });
    if (guardrails) root.children!.push(guardrails);
    return root;
  }
  if (kind === "role") {
    const role = dir.roles[name];
    if (!role) return `role ${name || "(none)"} is not in the store`;
    const root: Node = { label: name, kind: role.breakGlass ? "role session (break-glass)" : "role session", pointer: `/roles/${esc(name)}`, children: [] };
    for (const p of role.policies) root.children!.push(policyNode(p, "policy", matchedPolicies, known));
    if (role.boundary) root.children!.push({ ...policyNode(role.boundary, "boundary", matchedPolicies, known), note: "caps the role" });
    if (role.trustedBy.length) root.children!.push({ label: "trusted", kind: "trust", pointer: `/roles/${esc(name)}/trust`, children: role.trustedBy.map((p) => ({ label: p, kind: "principal" })) });
    const holders = Object.entries(dir.users).filter(([, u]) => u.roles.some((a) => a.role === name)).map(([u]) => u);
    const groups = Object.entries(dir.groups).filter(([, g]) => g.roles.some((a) => a.role === name)).map(([g]) => g);
    if (holders.length || groups.length)
      root.children!.push({
        label: "assigned to",
        kind: "holders",
        children: [...holders.map((u) => ({ label: u, kind: "user", pointer: `/users/${esc(u)}` })), ...groups.map((g) => ({ label: g, kind: "group", pointer: `/groups/${esc(g)}` }))],
      });
    if (guardrails) root.children!.push(guardrails);
    return root;
  }
  return `${principal || "the principal"} is not a user or role of the store; pick one to see its access`;
}

export function renderTree(node: Node | string, onJump: (pointer: string) => void): HTMLElement {
  if (typeof node === "string") {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = node;
    return p;
  }
  const ul = document.createElement("ul");
  ul.className = "tree";
  ul.append(item(node, onJump));
  return ul;
}

function item(node: Node, onJump: (pointer: string) => void): HTMLElement {
  const li = document.createElement("li");
  li.className = `tree-${node.kind.split(" ")[0]}${node.state ? ` is-${node.state}` : ""}`;
  const kind = document.createElement("span");
  kind.className = "tree-kind";
  kind.textContent = node.kind;
  li.append(kind, " ");
  if (node.pointer) {
    const a = document.createElement("button");
    a.type = "button";
    a.className = "link";
    a.textContent = node.label;
    a.title = `show ${node.pointer} in the editor`;
    a.addEventListener("click", () => onJump(node.pointer!));
    li.append(a);
  } else {
    const s = document.createElement("span");
    s.textContent = node.label;
    li.append(s);
  }
  if (node.state === "matched") li.append(" ", badge("matched", "matched in the decision"));
  if (node.note) {
    const n = document.createElement("span");
    n.className = "tree-note";
    n.textContent = ` ${node.note}`;
    li.append(n);
  }
  if (node.children?.length) {
    const ul = document.createElement("ul");
    for (const c of node.children) ul.append(item(c, onJump));
    li.append(ul);
  }
  return li;
}

function badge(text: string, title: string): HTMLElement {
  const b = document.createElement("span");
  b.className = "badge";
  b.textContent = text;
  b.title = title;
  return b;
}
