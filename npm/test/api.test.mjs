// The package API on the governance store (testdata/vectors/governance.json):
// loading from text and from an object, decisions and their explanation, the
// clock, batches, error paths (bad JSON, bad requests, unknown principal,
// freed store) and the version.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PortcullisError, Store, isDecision, version } from "portcullis";
import { governanceFile, npmDir } from "./helpers.mjs";

const governance = JSON.parse(readFileSync(governanceFile, "utf8"));
const storeText = JSON.stringify(governance.store, null, 2);
const caseNamed = (name) => {
  const found = governance.cases.find((c) => c.name === name);
  assert.ok(found, `no governance case named ${name}`);
  return structuredClone(found.request);
};

test("loads from text and from an object, with the same counts and no warnings", () => {
  const fromText = Store.load(storeText);
  const fromObject = Store.load(governance.store);
  assert.deepEqual(fromText.stats, fromObject.stats);
  assert.equal(fromText.stats.users, 7);
  assert.equal(fromText.stats.roles, 7);
  assert.ok(Array.isArray(fromText.warnings));
  fromText.free();
  fromObject.free();
});

test("every governance case decides as expected, from text and from objects", () => {
  const store = Store.load(storeText);
  for (const c of governance.cases) {
    for (const request of [c.request, JSON.stringify(c.request)]) {
      const d = store.evaluate(request, { now: null });
      assert.equal(d.decision, c.expect.decision, c.name);
      if (c.expect.reason) assert.equal(d.reason, c.expect.reason, c.name);
      if (c.expect.alerts) assert.deepEqual(d.alerts, c.expect.alerts, c.name);
    }
  }
  store.free();
});

test("an allow names its statements, the path they came by, and where they are in the store text", () => {
  const store = Store.load(storeText);
  const d = store.evaluate(caseNamed("developer edits a staging instance through the group's role"));
  assert.equal(d.decision, "Allow");
  assert.equal(d.reason, "Allowed");
  const editor = d.matched.find((m) => m.sid === "EditNonProd");
  assert.ok(editor, JSON.stringify(d.matched));
  assert.equal(editor.policy, "DevStagingEditor");
  assert.equal(editor.kind, "identity");
  assert.equal(editor.via, "group/developers > role/Dev_Staging_Editor");
  assert.equal(editor.path, "/policies/DevStagingEditor/Statement/0");
  // The span is a UTF-8 byte range of the store text (ASCII here): it holds the statement.
  const statement = JSON.parse(storeText.slice(editor.span.start, editor.span.end));
  assert.equal(statement.Sid, "EditNonProd");
  assert.match(d.summary, /^allowed by /);
  assert.deepEqual(d.alerts, []);
  store.free();
});

test("an explicit deny names every matching deny; break-glass raises its alert", () => {
  const store = Store.load(governance.store);
  const denied = store.evaluate(caseNamed("audit logs cannot be deleted"));
  assert.equal(denied.reason, "ExplicitDeny");
  assert.ok(denied.matched.length > 0 && denied.matched.every((m) => m.effect === "Deny"));
  assert.match(denied.summary, /^denied by /);
  const glass = store.evaluate(caseNamed("break-glass admin acts and raises an alert"));
  assert.deepEqual(glass.alerts, ["break-glass"]);
  store.free();
});

test("an unknown principal is a Deny with a note, not an error", () => {
  const store = Store.load(governance.store);
  const d = store.evaluate({ principal: "user/nobody", action: "ecs:DescribeInstances", resource: "*" });
  assert.equal(d.decision, "Deny");
  assert.equal(d.reason, "ImplicitDeny");
  assert.ok(
    d.notes.some((n) => n.includes("user/nobody") && n.includes("not in the store")),
    JSON.stringify(d.notes),
  );
  store.free();
});

test("the face fills in the clock when the request has none; {now} overrides; {now: null} means none", () => {
  const store = Store.load(governance.store);
  // Bob's Prod_Admin elevation runs 09:00-13:00 on 2026-11-23 and needs MFA from the office.
  const request = caseNamed("time-bound elevation with MFA from the office");
  delete request.context["acs:CurrentTime"];
  const inside = store.evaluate(request, { now: new Date("2026-11-23T10:00:00Z") });
  assert.equal(inside.decision, "Allow", inside.summary);
  const after = store.evaluate(request, { now: Date.parse("2026-11-23T14:00:00Z") });
  assert.equal(after.decision, "Deny");
  assert.ok(after.notes.some((n) => n.includes("ended at 2026-11-23T13:00:00Z")), JSON.stringify(after.notes));
  const noClock = store.evaluate(request, { now: null });
  assert.equal(noClock.decision, "Deny");
  assert.ok(noClock.notes.some((n) => n.includes("no current time")), JSON.stringify(noClock.notes));
  // Default: the real clock, which is not inside that window.
  const today = store.evaluate(request);
  assert.equal(today.decision, "Deny");
  assert.ok(!today.notes.some((n) => n.includes("no current time")), "the default must supply a clock");
  // A time in the context wins over the host clock.
  const withTime = { ...request, context: { ...request.context, "acs:CurrentTime": "2026-11-23T10:00:00Z" } };
  assert.equal(store.evaluate(withTime, { now: Date.parse("2030-01-01T00:00:00Z") }).decision, "Allow");
  store.free();
});

test("evaluateMany answers per request; a bad request fails alone", () => {
  const store = Store.load(governance.store);
  const requests = governance.cases.map((c) => c.request);
  const answers = store.evaluateMany([...requests, { principal: "user/alice", action: "no-colon", resource: "*" }], { now: null });
  assert.equal(answers.length, requests.length + 1);
  for (const [i, c] of governance.cases.entries()) {
    assert.ok(isDecision(answers[i]));
    assert.equal(answers[i].decision, c.expect.decision, c.name);
    assert.deepEqual(answers[i], store.evaluate(requests[i], { now: null }));
  }
  const bad = answers.at(-1);
  assert.equal(isDecision(bad), false);
  assert.equal(bad.type, "failure");
  assert.equal(bad.errors[0].code, "invalid-request");
  assert.deepEqual(store.evaluateMany([]), []);
  store.free();
});

test("bad JSON throws a PortcullisError located in the text", () => {
  const text = '{\n  "account": "1234567890123456",\n  "users": {"alice": {,}}\n}';
  assert.throws(
    () => Store.load(text),
    (e) => {
      assert.ok(e instanceof PortcullisError);
      assert.ok(e instanceof Error);
      assert.equal(e.name, "PortcullisError");
      const d = e.errors[0];
      assert.equal(d.severity, "error");
      assert.equal(d.line, 3);
      assert.equal(text.slice(d.utf16.start, d.utf16.start + 1), ",");
      assert.match(e.message, /line 3/);
      return true;
    },
  );
});

test("a store with a dangling reference throws with the JSON pointer; object stores have no lines", () => {
  assert.throws(
    () => Store.load({ account: "1234567890123456", users: { bob: { groups: ["nobody"] } } }),
    (e) => {
      assert.ok(e instanceof PortcullisError);
      const d = e.errors[0];
      assert.equal(d.path, "/users/bob/groups/0");
      assert.equal(d.line, 0);
      assert.equal(d.utf16, undefined);
      assert.match(d.message, /nobody/);
      return true;
    },
  );
  assert.throws(() => Store.load(42), TypeError);
  assert.throws(() => Store.load([]), TypeError);
});

test("malformed requests throw PortcullisError with code invalid-request", () => {
  const store = Store.load(governance.store);
  for (const bad of [
    { principal: "user/alice", action: "ecs:StartInstance" },
    { principal: "user/alice", action: "ecs", resource: "*" },
    { principal: "", action: "ecs:StartInstance", resource: "*" },
    { principal: "user/alice", action: "ecs:Start*", resource: "*" },
    { principal: "user/alice", action: "ecs:StartInstance", resource: "*", context: { a: { nested: 1 } } },
    '{"principal": "user/alice", "action": ',
    [],
    7,
  ]) {
    assert.throws(
      () => store.evaluate(bad),
      (e) => e instanceof PortcullisError && e.errors.length > 0 && /request/.test(e.code + e.message),
      JSON.stringify(bad),
    );
  }
  store.free();
});

test("an object request is held to the rules of request text: a misspelt field is an error, not dropped", () => {
  const store = Store.load(governance.store);
  const agent = caseNamed("a session policy narrows the agent further");
  assert.equal(store.evaluate(agent, { now: null }).decision, "Deny");
  // A misspelt session policy must not silently widen the session to the role's permissions.
  const misspelt = { ...agent, session: { name: agent.session.name, polcy: agent.session.policy } };
  const typo = { ...caseNamed("observer reads production"), contxt: {} };
  for (const bad of [misspelt, typo]) {
    for (const form of [bad, JSON.stringify(bad)]) {
      assert.throws(
        () => store.evaluate(form),
        (e) => e instanceof PortcullisError && e.code === "invalid-request" && /unknown field `(polcy|contxt)`/.test(e.message),
      );
    }
  }
  // Absent and undefined optional fields are fine.
  const plain = caseNamed("observer reads production");
  assert.equal(store.evaluate({ ...plain, resourceAccount: undefined, session: undefined }, { now: null }).decision, "Allow");
  store.free();
});

test("a freed store throws a clear error, and free() twice is harmless", () => {
  const store = Store.load(governance.store);
  store.free();
  assert.equal(store.isFreed, true);
  store.free();
  for (const call of [() => store.evaluate(governance.cases[0].request), () => store.evaluateMany([])]) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof PortcullisError);
      assert.equal(e.code, "store-freed");
      assert.equal(e.message, "this store has been freed");
      return true;
    });
  }
});

test("version() names the engine (the package version) and the ABI", () => {
  const v = version();
  const pkg = JSON.parse(readFileSync(`${npmDir}/package.json`, "utf8"));
  assert.equal(v.engine, pkg.version);
  assert.equal(typeof v.abi.major, "number");
  assert.equal(typeof v.abi.minor, "number");
  assert.ok(v.abi.major >= 1);
});
