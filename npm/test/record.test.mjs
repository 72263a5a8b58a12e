// A Decision built from the module's compact record (evaluate, evaluateMany)
// equals the core's Decision JSON (evaluateJson), field for field and in the
// same order, over the generated medium workload: allows, explicit and
// implicit denies, break-glass alerts, notes about assignment windows, role
// sessions; requests given as objects and as text, one by one and in batches
// (with a bad request among them); one store, so the record's remembered
// strings are exercised across thousands of decisions.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Store, isDecision } from "portcullis";
import { mediumWorkload } from "./helpers.mjs";

test("decisions from records equal the core's Decision JSON on the medium workload", () => {
  const { storeText, requests } = mediumWorkload();
  const store = Store.load(storeText);
  const sample = requests.slice(0, 3000);
  const kinds = new Set();
  const json = sample.map((request, i) => {
    const fromJson = store.evaluateJson(request, { now: null });
    assert.equal(store.evaluateJson(JSON.stringify(request), { now: null }), fromJson, `request ${i}: object and text JSON differ`);
    return JSON.parse(fromJson);
  });
  sample.forEach((request, i) => {
    const fromObject = store.evaluate(request, { now: null });
    const fromText = store.evaluate(JSON.stringify(request), { now: null });
    assert.equal(JSON.stringify(fromObject), JSON.stringify(json[i]), `request ${i}`);
    assert.equal(JSON.stringify(fromText), JSON.stringify(json[i]), `request ${i} as text`);
    kinds.add(`${fromObject.reason}/${fromObject.notes.length > 0}/${fromObject.alerts.length > 0}/${fromObject.matched.length > 0}`);
  });
  // The sample holds every kind of decision the record has to carry.
  for (const kind of ["Allowed/false/false/true", "ExplicitDeny/false/false/true", "ImplicitDeny/false/false/false", "ImplicitDeny/true/false/false"]) {
    assert.ok(kinds.has(kind), `no ${kind} decision in the sample: ${[...kinds].join(", ")}`);
  }
  assert.ok([...kinds].some((k) => k.includes("/true/true")) || [...kinds].some((k) => k.split("/")[2] === "true"), "no break-glass alert");

  // Batches of uneven sizes, objects and texts mixed, a bad request in each.
  const bad = { principal: "user/a", action: "no-colon", resource: "*" };
  let at = 0;
  for (const size of [1, 7, 100, 993, 1899]) {
    const chunk = sample.slice(at, at + size);
    const batch = chunk.map((r, k) => (k % 3 === 1 ? JSON.stringify(r) : r));
    batch.splice(size >> 1, 0, bad);
    const answers = store.evaluateMany(batch, { now: null });
    assert.equal(answers.length, size + 1);
    const failure = answers.splice(size >> 1, 1)[0];
    assert.ok(!isDecision(failure) && failure.errors[0].path === "/action", JSON.stringify(failure));
    answers.forEach((answer, k) => assert.equal(JSON.stringify(answer), JSON.stringify(json[at + k]), `batch request ${at + k}`));
    at += size;
  }
  assert.equal(at, sample.length);
  store.free();
});
