// Built-in examples. The governance scenario is the repository's own
// conformance suite (testdata/vectors/governance.json), imported at build
// time: its store goes to the editor and its cases to the test table.

import type { TestCase, TestFile, TestSuite } from "portcullis";
import governanceFile from "../../testdata/vectors/governance.json";
import type { PlaygroundState } from "./state";
import { requestToForm } from "./state";

export interface Example {
  id: string;
  title: string;
  blurb: string;
  state: () => PlaygroundState;
}

function firstSuite(file: TestFile): TestSuite {
  return "suites" in file ? file.suites[0]! : file;
}

function fromSuite(suite: TestSuite, requestCase: number): PlaygroundState {
  const cases = (suite.cases ?? []) as TestCase[];
  return {
    store: JSON.stringify(suite.store, null, 2) + "\n",
    request: requestToForm(cases[requestCase]!.request),
    tests: structuredClone(cases),
    suiteName: suite.name ?? "playground",
  };
}

const awsMinimal: TestSuite = {
  name: "aws-minimal",
  store: {
    account: "111122223333",
    partition: "aws",
    policies: {
      ReportsReadOnly: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadReports",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:ListBucket"],
            Resource: ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
          },
        ],
      },
      OrgBaseline: {
        Version: "2012-10-17",
        Statement: [
          { Sid: "AllowByDefault", Effect: "Allow", Action: "*", Resource: "*" },
          { Sid: "KeepTheBuckets", Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" },
          { Sid: "KeepTheAuditTrail", Effect: "Deny", Action: ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging"], Resource: "*" },
        ],
      },
    },
    groups: { analysts: { policies: ["ReportsReadOnly"] } },
    users: { alice: { groups: ["analysts"] } },
    guardrails: ["OrgBaseline"],
  },
  cases: [
    {
      name: "an analyst reads a report",
      request: { principal: "user/alice", action: "s3:GetObject", resource: "arn:aws:s3:::reports/2026/q3.csv" },
      expect: { decision: "Allow", reason: "Allowed" },
    },
    {
      name: "an analyst cannot write",
      request: { principal: "user/alice", action: "s3:PutObject", resource: "arn:aws:s3:::reports/2026/q3.csv" },
      expect: { decision: "Deny", reason: "ImplicitDeny" },
    },
    {
      name: "nobody deletes a bucket",
      request: { principal: "user/alice", action: "s3:DeleteBucket", resource: "arn:aws:s3:::reports" },
      expect: { decision: "Deny", reason: "ExplicitDeny" },
    },
  ],
};

// A Deny meant to keep production deletes to the office network, with a typo
// in its condition operator. AWS's simulator treats an unknown operator as
// never matching, so this Deny would silently fail open; Portcullis refuses
// to load the store and says which operator was meant.
const mistakeStore = `{
  "account": "111122223333",
  "partition": "aws",
  "policies": {
    "Operators": {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "RunInstances",
          "Effect": "Allow",
          "Action": ["ec2:StartInstances", "ec2:StopInstances", "ec2:TerminateInstances"],
          "Resource": "arn:aws:ec2:*:111122223333:instance/*"
        }
      ]
    },
    "OrgBaseline": {
      "Version": "2012-10-17",
      "Statement": [
        { "Sid": "AllowByDefault", "Effect": "Allow", "Action": "*", "Resource": "*" },
        { "Sid": "KeepTheAuditTrail", "Effect": "Deny", "Action": ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging"], "Resource": "*" },
        {
          "Sid": "ProdTerminateOnlyFromOffice",
          "Effect": "Deny",
          "Action": "ec2:TerminateInstances",
          "Resource": "arn:aws:ec2:*:111122223333:instance/*",
          "Condition": {
            "NotIpAdress": { "aws:SourceIp": "203.0.113.0/24" },
            "StringEquals": { "aws:ResourceTag/env": "prod*" }
          }
        }
      ]
    }
  },
  "roles": { "Operator": { "policies": ["Operators"] } },
  "users": { "olga": { "roles": ["Operator"] } },
  "guardrails": ["OrgBaseline"]
}
`;

const mistakeCases: TestCase[] = [
  {
    name: "terminating from the office is allowed",
    request: {
      principal: "user/olga",
      action: "ec2:TerminateInstances",
      resource: "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc",
      context: { "aws:SourceIp": "203.0.113.7", "aws:ResourceTag/env": "prod-eu" },
    },
    expect: { decision: "Allow" },
  },
  {
    name: "terminating production from home is denied",
    request: {
      principal: "user/olga",
      action: "ec2:TerminateInstances",
      resource: "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc",
      context: { "aws:SourceIp": "198.51.100.9", "aws:ResourceTag/env": "prod-eu" },
    },
    expect: { decision: "Deny", reason: "ExplicitDeny" },
  },
];

export const EXAMPLES: Example[] = [
  {
    id: "governance",
    title: "Cloud governance (RAM)",
    blurb: "dev/staging/prod roles, a boundary, guardrails, time-bound elevation, break-glass, a CI agent role",
    state: () => fromSuite(firstSuite(governanceFile as TestFile), 0),
  },
  {
    id: "aws-minimal",
    title: "Minimal AWS IAM",
    blurb: "one group, one read-only policy, one guardrail",
    state: () => fromSuite(awsMinimal, 0),
  },
  {
    id: "mistake",
    title: "A common mistake",
    blurb: "a Deny with a typo in its condition operator, which would fail open elsewhere",
    state: () => ({
      store: mistakeStore,
      request: requestToForm(mistakeCases[1]!.request),
      tests: structuredClone(mistakeCases),
      suiteName: "office-only-terminate",
    }),
  },
];

export function exampleById(id: string): Example | undefined {
  return EXAMPLES.find((e) => e.id === id);
}
