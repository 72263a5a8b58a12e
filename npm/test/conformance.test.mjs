// Every conformance suite (testdata/ and each folder in PORTCULLIS_VECTORS)
// through the JavaScript face, two ways:
//
//  1. runTests(text): the core's own runner inside the module, fed through
//     the face (storeFile read by the host, relative to the test file);
//  2. case by case through the public API: the store loaded from an object
//     (handed over in the transfer form), each request evaluated as an
//     object with no clock (as the core's runner does), compared with the
//     expectation AND with what the core's runner produced for the same
//     case; and the whole Decision (built from the module's compact record)
//     compared, field by field and in order, with the core's Decision JSON
//     (`evaluateJson`) for the same request given as an object, as text and
//     in a batch.
//
// Skip list: none.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { PortcullisError, Store, runTests } from "portcullis";
import { repoDir, vectorFiles } from "./helpers.mjs";

const files = vectorFiles();

test("there are conformance files to run", () => {
  assert.ok(files.length > 0);
});

let total = 0;
for (const file of files) {
  const name = relative(repoDir, file);
  test(`conformance: ${name}`, () => {
    const text = readFileSync(file, "utf8");
    const readStore = (path) => readFileSync(resolve(dirname(file), path), "utf8");
    const answer = runTests(text, { readStore });
    const failures = answer.results.filter((r) => !r.passed).map((r) => `${r.suite} / ${r.case}: got ${JSON.stringify(r.got ?? r.error)}`);
    assert.deepEqual(failures, [], `${name}: ${failures.length} failing cases`);
    assert.equal(answer.failed, 0);
    assert.ok(answer.passed > 0);
    total += answer.passed;

    // Case by case through the public API, against the runner's answers.
    const json = JSON.parse(text);
    const suites = json.suites ?? [json];
    let k = 0;
    for (const suite of suites) {
      const storeObject = suite.store ?? JSON.parse(readStore(suite.storeFile));
      let store;
      try {
        store = Store.load(storeObject);
      } catch (e) {
        assert.ok(e instanceof PortcullisError, `${suite.name}: ${e}`);
        assert.ok(e.errors.length > 0);
        assert.equal(suite.storeError, true, `${suite.name}: the store failed to load: ${e.message}`);
        k += 1; // the runner's single "store fails to load" result
        continue;
      }
      assert.notEqual(suite.storeError, true, `${suite.name}: the store loaded but should fail`);
      for (const c of suite.cases ?? []) {
        const runner = answer.results[k++];
        assert.equal(runner.case, c.name);
        let got;
        try {
          const d = store.evaluate(c.request, { now: null });
          got = { decision: d.decision, reason: d.reason, alerts: d.alerts };
          const json = JSON.parse(store.evaluateJson(c.request, { now: null }));
          assert.equal(JSON.stringify(d), JSON.stringify(json), `${suite.name} / ${c.name}: record and JSON differ`);
          const fromText = store.evaluate(JSON.stringify(c.request), { now: null });
          assert.equal(JSON.stringify(fromText), JSON.stringify(json), `${suite.name} / ${c.name}: text and JSON differ`);
          const [fromBatch] = store.evaluateMany([c.request], { now: null });
          assert.equal(JSON.stringify(fromBatch), JSON.stringify(json), `${suite.name} / ${c.name}: batch and JSON differ`);
        } catch (e) {
          assert.ok(e instanceof PortcullisError);
          got = undefined;
        }
        assert.deepEqual(got, runner.got, `${suite.name} / ${c.name}: API and runner differ`);
        assert.equal(got?.decision, c.expect.decision, `${suite.name} / ${c.name}`);
        if (c.expect.reason) assert.equal(got.reason, c.expect.reason, `${suite.name} / ${c.name}`);
        if (c.expect.alerts) assert.deepEqual(got.alerts, c.expect.alerts, `${suite.name} / ${c.name}`);
      }
      store.free();
    }
    assert.equal(k, answer.results.length, "every runner result was compared");
  });
}

test("conformance: summary", () => {
  // node --test runs the tests above in order within this file.
  console.log(`conformance through the JS face: ${total} cases passed in ${files.length} files`);
  assert.ok(total > 0);
});
