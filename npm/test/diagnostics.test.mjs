// check() and the UTF-8 -> UTF-16 conversion at the JavaScript edge, on
// text with non-ASCII characters (é: 2 bytes / 1 unit, ☕: 3 bytes / 1 unit,
// 😀: 4 bytes / 2 units) before the flagged places. Asserted by what a person
// sees: the flagged snippet, line and column, message.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { check, utf16Offsets, toUtf16, Store, PortcullisError } from "portcullis";

const policy = `{
  "Version": "1",
  "Id": "Café ☕ 😀 policy",
  "Statement": [
    {
      "Sid": "Résumé😀",
      "Effect": "Alow",
      "Action": "ecs:Describe*",
      "Resource": "*"
    },
    {"Sid": "Ünïcödé", "Effect": "Allow", "Action": "oss:GetObject", "Resource": "*", "Condition": {"StringEqualz": {"acs:SourceIp": "😀"}}}
  ]
}`;

/** Line and column (1-based, in code points) computed independently from the text. */
function lineColumnOf(text, utf16Offset) {
  const before = text.slice(0, utf16Offset).split("\n");
  return [before.length, [...before.at(-1)].length + 1];
}

test("check() locates findings after non-ASCII text: snippet, bytes, line/column and UTF-16 agree", () => {
  const result = check(policy);
  assert.equal(result.kind, "policy");
  assert.equal(result.hasErrors, true);
  const bytes = Buffer.from(policy, "utf8");
  const effect = result.diagnostics.find((d) => d.path === "/Statement/0/Effect");
  assert.ok(effect, JSON.stringify(result.diagnostics, null, 2));
  assert.equal(effect.severity, "error");
  assert.equal(effect.code, "invalid-effect");
  assert.equal(policy.slice(effect.utf16.start, effect.utf16.end), '"Alow"');
  assert.equal(bytes.subarray(effect.span.start, effect.span.end).toString("utf8"), '"Alow"');
  assert.deepEqual([effect.line, effect.column], [7, 17]);
  assert.deepEqual([effect.line, effect.column], lineColumnOf(policy, effect.utf16.start));
  // Before the finding: é (1 extra byte), 😀 twice (2 extra bytes and 1 extra unit each), ☕ (2 extra bytes), é é (2).
  assert.ok(effect.span.start > effect.utf16.start);

  const operator = result.diagnostics.find((d) => d.path.startsWith("/Statement/1/Condition"));
  assert.ok(operator, JSON.stringify(result.diagnostics, null, 2));
  assert.equal(policy.slice(operator.utf16.start, operator.utf16.end), bytes.subarray(operator.span.start, operator.span.end).toString("utf8"));
  assert.match(policy.slice(operator.utf16.start, operator.utf16.end), /StringEqualz/);
  assert.deepEqual([operator.line, operator.column], lineColumnOf(policy, operator.utf16.start));

  // Every finding: the UTF-16 range shows exactly the bytes of the UTF-8 range.
  for (const d of result.diagnostics) {
    assert.equal(policy.slice(d.utf16.start, d.utf16.end), bytes.subarray(d.span.start, d.span.end).toString("utf8"), d.code);
    assert.ok(["error", "security", "warning", "suggestion"].includes(d.severity));
    assert.equal(typeof d.message, "string");
    assert.ok(d.path.startsWith("/") || d.path === "");
  }
});

test("check() on a whole store, on text that is not JSON, and on an empty document", () => {
  const store = `{"account": "1234567890123456", "users": {"zoë": {"groups": ["dévs"]}}}`;
  const s = check(store);
  assert.equal(s.kind, "store");
  const missing = s.diagnostics.find((d) => d.severity === "error");
  assert.equal(missing.path, "/users/zoë/groups/0");
  assert.equal(store.slice(missing.utf16.start, missing.utf16.end), '"dévs"');

  const notJson = 'Ωmega {"Version": "1"';
  const n = check(notJson);
  assert.equal(n.kind, "unknown");
  assert.equal(n.hasErrors, true);
  assert.equal(n.diagnostics[0].line, 1);
  assert.ok(n.diagnostics[0].utf16.start <= notJson.length);

  assert.equal(check("").hasErrors, true);
  assert.throws(() => check({ Version: "1" }), TypeError);
});

test("a clean policy has no errors", () => {
  const clean = check('{"Version": "1", "Statement": [{"Sid": "Lecture", "Effect": "Allow", "Action": "oss:GetObject", "Resource": "acs:oss:*:*:café/*"}]}');
  assert.equal(clean.kind, "policy");
  assert.equal(clean.hasErrors, false, JSON.stringify(clean.diagnostics));
});

test("Store.load(text) errors carry UTF-16 offsets too", () => {
  const text = `{"account": "1234567890123456", "policies": {"Pé😀": {"Version": "1", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}}}`;
  assert.throws(
    () => Store.load(text),
    (e) => {
      assert.ok(e instanceof PortcullisError);
      const d = e.errors.find((x) => x.path.endsWith("/Effect"));
      assert.ok(d, JSON.stringify(e.diagnostics));
      assert.equal(text.slice(d.utf16.start, d.utf16.end), '"Maybe"');
      return true;
    },
  );
});

test("utf16Offsets: widths 1-4, offsets inside a character move back, past the end clamps", () => {
  const text = "aé☕😀z"; // bytes: a=0, é=1..3, ☕=3..6, 😀=6..10, z=10..11
  assert.deepEqual(utf16Offsets(text, [0, 1, 3, 6, 10, 11]), [0, 1, 2, 3, 5, 6]);
  assert.deepEqual(utf16Offsets(text, [2, 4, 5, 7, 8, 9, 99]), [1, 2, 2, 3, 3, 3, 6]);
  // Any order in, same order out.
  assert.deepEqual(utf16Offsets(text, [10, 0, 6]), [5, 0, 3]);
  assert.deepEqual(toUtf16(text, { start: 6, end: 10 }), { start: 3, end: 5 });
  assert.equal(text.slice(3, 5), "😀");
  assert.deepEqual(utf16Offsets("", [0, 5]), [0, 0]);
});
