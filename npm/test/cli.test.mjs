// The `portcullis` CLI as a user runs it: output and exit codes of check,
// eval and test, and the messages for missing files, unreadable JSON and bad
// arguments. Fixtures are in test/fixtures/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, governanceFile, npmDir } from "./helpers.mjs";

const fixtures = join(npmDir, "test", "fixtures");

function run(args, { input } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: fixtures, encoding: "utf8", input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("check: one line per finding, file:line:col: severity code message; exit 1 on errors", () => {
  const r = run(["check", "bad-store.json"]);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /^bad-store\.json:4:74: error invalid-effect `Alow` is not an Effect$/m);
  assert.match(r.out, /^ {2}help: /m);
  assert.match(r.out, /^1 file checked: 1 error, /m);
});

test("check: warnings alone pass; several files; not-JSON is a located error", () => {
  assert.equal(run(["check", "store.json"]).code, 0);
  const r = run(["check", "store.json", "not-json.json"]);
  assert.equal(r.code, 1);
  assert.match(r.out, /^not-json\.json:1:\d+: error \S+ /m);
  assert.match(r.out, /^2 files checked: /m);
});

test("check --strict also fails on security findings; --json is machine-readable", () => {
  const plain = run(["check", "allow-all.policy.json"]);
  assert.equal(plain.code, 0, plain.out);
  assert.match(plain.out, /^allow-all\.policy\.json:\d+:\d+: security allow-all /m);
  const strict = run(["check", "--strict", "allow-all.policy.json"]);
  assert.equal(strict.code, 1);
  assert.equal(run(["check", "--strict", "store.json"]).code, 0);
  const json = run(["check", "--json", "store.json", "bad-store.json"]);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.out);
  assert.deepEqual(report.map((f) => [f.file, f.kind]), [["store.json", "store"], ["bad-store.json", "store"]]);
  assert.ok(report[1].diagnostics.some((d) => d.code === "invalid-effect" && d.line === 4 && d.utf16));
});

test("eval: Allow exits 0 and names the statement with its place in the store file", () => {
  const r = run(["eval", "--store", "store.json", "--request", "allow.request.json"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Allow \(Allowed\): allowed by identity ReadBuckets \(statement ReadReports\)$/m);
  assert.match(r.out, /ReadReports via group\/analysts \(store\.json:8:9 \/policies\/ReadBuckets\/Statement\/0\)/);
});

test("eval: Deny exits 2; --json prints the Decision JSON; the request can come from stdin", () => {
  const r = run(["eval", "--store", "store.json", "--request", "deny.request.json"]);
  assert.equal(r.code, 2);
  assert.match(r.out, /^Deny \(ExplicitDeny\): denied by identity NoDeletes/m);
  const j = run(["eval", "--json", "--store", "store.json", "--request", "deny.request.json"]);
  assert.equal(j.code, 2);
  const decision = JSON.parse(j.out);
  assert.equal(decision.decision, "Deny");
  assert.equal(decision.matched[0].sid, "NeverDelete");
  const s = run(["eval", "--store", "store.json", "--request", "-"], { input: readFileSync(join(fixtures, "allow.request.json"), "utf8") });
  assert.equal(s.code, 0, s.err);
});

test("eval: an array of requests; any deny exits 2", () => {
  const requests = JSON.stringify([
    JSON.parse(readFileSync(join(fixtures, "allow.request.json"), "utf8")),
    JSON.parse(readFileSync(join(fixtures, "deny.request.json"), "utf8")),
  ]);
  const r = run(["eval", "--store", "store.json", "--request", "-"], { input: requests });
  assert.equal(r.code, 2);
  assert.match(r.out, /^\[0\] user\/ana oss:GetObject/m);
  assert.match(r.out, /^\[1\] user\/ana oss:DeleteObject/m);
});

test("eval: --now sets the clock for time-bound assignments", () => {
  const governance = JSON.parse(readFileSync(governanceFile, "utf8"));
  const c = governance.cases.find((x) => x.name === "time-bound elevation with MFA from the office");
  const request = structuredClone(c.request);
  delete request.context["acs:CurrentTime"];
  const store = JSON.stringify(governance.store);
  const storeFile = join(npmDir, "test-output", "governance-store.json");
  spawnSync("mkdir", ["-p", join(npmDir, "test-output")]);
  spawnSync(process.execPath, ["-e", `require("fs").writeFileSync(${JSON.stringify(storeFile)}, ${JSON.stringify(store)})`]);
  const inside = run(["eval", "--store", storeFile, "--request", "-", "--now", "2026-11-23T10:00:00Z"], { input: JSON.stringify(request) });
  assert.equal(inside.code, 0, inside.out + inside.err);
  const after = run(["eval", "--store", storeFile, "--request", "-", "--now", "2026-11-23T14:00:00Z"], { input: JSON.stringify(request) });
  assert.equal(after.code, 2);
  assert.match(after.out, /note: assignment of role Prod_Admin \(INC-4821\) ended at 2026-11-23T13:00:00Z/);
});

test("eval: a store with errors, a request that is not JSON, a malformed request: exit 1 with the reason", () => {
  const bad = run(["eval", "--store", "bad-store.json", "--request", "allow.request.json"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^bad-store\.json:4:74: error invalid-effect /m);
  assert.match(bad.err, /the store has errors/);
  const notJson = run(["eval", "--store", "store.json", "--request", "not-json.json"]);
  assert.equal(notJson.code, 1);
  assert.match(notJson.err, /^portcullis: not-json\.json: the request is not valid JSON: /m);
  const malformed = run(["eval", "--store", "store.json", "--request", "-"], { input: '{"principal": "user/ana", "action": "oss", "resource": "*"}' });
  assert.equal(malformed.code, 1);
  assert.match(malformed.err, /error invalid-request/);
});

test("missing files exit 66 with the file's name", () => {
  for (const args of [
    ["check", "nope.json"],
    ["eval", "--store", "nope.json", "--request", "allow.request.json"],
    ["eval", "--store", "store.json", "--request", "nope.json"],
    ["test", "nope-dir"],
  ]) {
    const r = run(args);
    assert.equal(r.code, 66, args.join(" "));
    assert.match(r.err, /^portcullis: nope(-dir)?(\.json)?: no such file/m);
  }
});

test("bad arguments exit 64 with the usage", () => {
  for (const args of [[], ["frob"], ["check"], ["eval", "--store", "store.json"], ["eval", "--request", "x"], ["check", "--nope", "store.json"], ["eval", "--store"], ["eval", "--store", "store.json", "--request", "allow.request.json", "--now", "yesterday"], ["test"]]) {
    const r = run(args);
    assert.equal(r.code, 64, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, /^portcullis: /);
    assert.match(r.err, /^usage: portcullis <command>/m);
  }
  const help = run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /^usage: /);
});

test("test: runs a directory (storeFile relative to each test file), prints failures and N passed, M failed", () => {
  const r = run(["test", "policy-tests"]);
  assert.equal(r.code, 1);
  assert.match(r.out, /^FAIL policy-tests\/nested\/wrong\.json: wrong expectations \/ expects a delete to pass: expected Allow, got Deny \(ExplicitDeny\)$/m);
  assert.doesNotMatch(r.out, /store-copy/);
  assert.match(r.out, /^\(skipped 1 JSON file without cases or suites\)$/m);
  const lines = r.out.trimEnd().split("\n");
  assert.equal(lines.at(-1), "3 passed, 1 failed");
});

test("test: all passing exits 0; the repository's vectors pass; a non-test file is a failure", () => {
  const ok = run(["test", "policy-tests/analysts.json"]);
  assert.equal(ok.code, 0);
  assert.equal(ok.out.trimEnd(), "2 passed, 0 failed");
  const vectors = run(["test", join(npmDir, "..", "testdata")]);
  assert.equal(vectors.code, 0, vectors.out);
  assert.match(vectors.out, /^\d+ passed, 0 failed$/m);
  const notTest = run(["test", "not-json.json"]);
  assert.equal(notTest.code, 1);
  assert.match(notTest.out, /^FAIL not-json\.json:1:\d+: error /m);
  assert.match(notTest.out, /^0 passed, 1 failed$/m);
  const json = run(["test", "--json", "policy-tests"]);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.out.slice(0, json.out.lastIndexOf("}") + 1));
  assert.equal(report.passed, 3);
  assert.equal(report.failed, 1);
});

test("version prints the engine and ABI versions", () => {
  const r = run(["version"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /^portcullis engine \d+\.\d+\.\d+, abi \d+\.\d+$/m);
});
