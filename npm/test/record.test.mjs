// A Decision built from the module's compact record (evaluate) equals the
// core's Decision JSON (evaluateMany parses it), field for field and in the
// same order, over the generated medium workload: allows, explicit and
// implicit denies, break-glass alerts, notes about assignment windows, role
// sessions; requests given as objects and as text; one store, so the
// record's remembered strings are exercised across thousands of decisions.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "portcullis";
import { mediumWorkload } from "./helpers.mjs";

test("decisions from records equal the core's Decision JSON on the medium workload", () => {
  const { storeText, requests } = mediumWorkload();
  const store = Store.load(storeText);
  const sample = requests.slice(0, 3000);
  const json = store.evaluateMany(sample, { now: null });
  const kinds = new Set();
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
  store.free();
});
