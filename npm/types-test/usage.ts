// Type tests: a usage example that must compile against the published types
// (`tsc --noEmit -p types-test`), and misuses that must not (@ts-expect-error).

import {
  PortcullisError,
  Store,
  check,
  isDecision,
  runTests,
  toUtf16,
  utf16Offsets,
  version,
  type CheckResult,
  type Decision,
  type Diagnostic,
  type PolicyDocument,
  type Request,
  type RequestFailure,
  type StoreDocument,
  type TestFile,
  type TestResults,
  type Version,
} from "portcullis";

const policy: PolicyDocument = {
  Version: "1",
  Statement: [
    { Sid: "Read", Effect: "Allow", Action: ["oss:Get*"], Resource: "*" },
    { Effect: "Deny", NotAction: "oss:*", NotResource: ["acs:oss:*:*:public/*"], Condition: { Bool: { "acs:MFAPresent": "false" } } },
  ],
};
const trust: PolicyDocument = {
  Version: "2012-10-17",
  Statement: { Effect: "Allow", Principal: { RAM: ["acs:ram::1234567890123456:root"] }, Action: "sts:AssumeRole" },
};
const document: StoreDocument = {
  account: "1234567890123456",
  partition: "acs",
  policies: { Read: policy },
  groups: { readers: { policies: ["Read"], roles: [{ role: "Agent", notAfter: "2026-12-01T00:00:00Z", reason: "JIT" }] } },
  roles: { Agent: { policies: ["Read"], trust, breakGlass: false, maxSessionSeconds: 3600, tags: { team: "ops" } } },
  users: { ann: { groups: ["readers"], tags: { team: "payments" } } },
  guardrails: ["Read"],
  resources: { "acs:oss:*:*:public/*": { policy, tags: { class: "public" } } },
};

const store: Store = Store.load(document);
const fromText: Store = Store.load(JSON.stringify(document));
const request: Request = {
  principal: "user/ann",
  action: "oss:GetObject",
  resource: "acs:oss:*:1234567890123456:public/a.txt",
  context: { "acs:SourceIp": "203.0.113.7", "acs:MFAPresent": true, "acs:TagKeys": ["a", "b"] },
};
const decision: Decision = store.evaluate(request, { now: new Date() });
const allowed: boolean = decision.decision === "Allow";
const reason: "Allowed" | "ExplicitDeny" | "ImplicitDeny" = decision.reason;
const firstSid: string | undefined = decision.matched[0]?.sid;
const summary: string = decision.summary;
store.evaluate(JSON.stringify(request), { now: null });
store.evaluate(request, { now: Date.now() });

const answers: Array<Decision | RequestFailure> = store.evaluateMany([request, request]);
const decisionText: string = store.evaluateJson(request, { now: null });
for (const a of answers) {
  if (isDecision(a)) {
    const d: "Allow" | "Deny" = a.decision;
  } else {
    const code: string = a.errors[0]!.code;
  }
}

const result: CheckResult = check('{"Version": "1", "Statement": []}');
const d0: Diagnostic | undefined = result.diagnostics[0];
if (d0?.utf16) {
  const flagged: string = "text".slice(d0.utf16.start, d0.utf16.end);
}
const severity: "error" | "security" | "warning" | "suggestion" | undefined = d0?.severity;
const offsets: number[] = utf16Offsets("é", [0, 2]);
const span = toUtf16("é", { start: 0, end: 2 });

const file: TestFile = {
  name: "suite",
  store: document,
  cases: [{ name: "reads", request, expect: { decision: "Allow", reason: "Allowed" } }],
};
const results: TestResults = runTests(file, { readStore: (path) => path });
const passed: number = results.passed + results.results.filter((r) => r.passed).length;
runTests('{"suites": []}');

try {
  Store.load("{");
} catch (e) {
  if (e instanceof PortcullisError) {
    const code: string = e.code;
    const all: Diagnostic[] = e.diagnostics;
    const errors: Diagnostic[] = e.errors;
  }
}

const v: Version = version();
const major: number = v.abi.major;
const engine: string = v.engine;
store.free();
const freed: boolean = store.isFreed;
fromText.free();

// ------------------------------------------------------------ misuses

// @ts-expect-error Effect is "Allow" or "Deny"
const badEffect: PolicyDocument = { Statement: { Effect: "Alow", Action: "*", Resource: "*" } };
// @ts-expect-error a request needs a resource
const noResource: Request = { principal: "user/ann", action: "oss:GetObject" };
// @ts-expect-error partition is "acs" or "aws"
const badPartition: StoreDocument = { partition: "gcp" };
// @ts-expect-error check takes source text
check({ Version: "1" });
// @ts-expect-error the clock is a Date, epoch milliseconds or null
store.evaluate(request, { now: "yesterday" });
// @ts-expect-error Store has no public constructor
new Store();
// @ts-expect-error a decision is "Allow" or "Deny"
const wrong: Decision["decision"] = "Maybe";

export {
  allowed, reason, firstSid, summary, severity, offsets, span, passed, major, engine, freed,
  badEffect, noResource, badPartition, wrong,
};
