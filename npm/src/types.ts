// The shapes that cross the API: stores and policies (DESIGN.md "The data
// model"), requests, decisions, diagnostics and test files. Hand-written to
// match the core's JSON contract; the tests check real answers against them.

/** One value or a list of them, as IAM JSON allows almost everywhere. */
export type OneOrMany<T> = T | T[];

// ---------------------------------------------------------------- policies

/** `2012-10-17` / `2008-10-17`: AWS IAM dialect; `1`: Alibaba Cloud RAM dialect. */
export type PolicyVersion = "2012-10-17" | "2008-10-17" | "1";

/** `"*"`, or principals by kind: `{"AWS": [...]}`, `{"RAM": [...]}`, `{"Service": ...}`, `{"Federated": ...}`. */
export type PrincipalSpec = "*" | { [kind: string]: OneOrMany<string> };

/** Condition operator -> condition key -> one value or a list. */
export type ConditionBlock = {
  [operator: string]: { [key: string]: OneOrMany<string | number | boolean> };
};

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  /** Resource and trust policies only. */
  Principal?: PrincipalSpec;
  NotPrincipal?: PrincipalSpec;
  Condition?: ConditionBlock;
}

/** An IAM / RAM policy document. */
export interface PolicyDocument {
  Version?: PolicyVersion;
  Id?: string;
  Statement: OneOrMany<Statement>;
}

// ------------------------------------------------------------------ stores

/** A role name, or a time-bound (just-in-time) assignment. */
export type RoleAssignment =
  | string
  | {
      role: string;
      /** RFC 3339. */
      notBefore?: string;
      /** RFC 3339. */
      notAfter?: string;
      reason?: string;
    };

export type Tags = { [key: string]: string };

export interface GroupDef {
  policies?: string[];
  roles?: RoleAssignment[];
}

export interface RoleDef {
  policies?: string[];
  /** Who may assume the role: a policy with `Principal`. */
  trust?: PolicyDocument;
  /** Name of the permissions boundary policy. */
  boundary?: string;
  /** Allowed decisions through this role carry the `break-glass` alert. */
  breakGlass?: boolean;
  maxSessionSeconds?: number;
  tags?: Tags;
  /** Overrides the derived principal ARN. */
  arn?: string;
}

export interface UserDef {
  groups?: string[];
  policies?: string[];
  roles?: RoleAssignment[];
  boundary?: string;
  tags?: Tags;
  arn?: string;
}

export interface ResourceDef {
  policy?: PolicyDocument;
  tags?: Tags;
  account?: string;
}

/** The store a host loads once: DESIGN.md "The store". */
export interface StoreDocument {
  $schema?: string;
  /** Default account of principals and resources. */
  account?: string;
  /** How principal ARNs are written: `acs` (RAM) or `aws` (IAM). */
  partition?: "acs" | "aws";
  policies?: { [name: string]: PolicyDocument };
  groups?: { [name: string]: GroupDef };
  roles?: { [name: string]: RoleDef };
  users?: { [name: string]: UserDef };
  /** Org-wide ceilings (like SCPs): names of policies. */
  guardrails?: string[];
  /** Keyed by resource ARN or ARN pattern. */
  resources?: { [arn: string]: ResourceDef };
}

export interface StoreStats {
  policies: number;
  statements: number;
  users: number;
  groups: number;
  roles: number;
  resources: number;
  guardrails: number;
}

// ---------------------------------------------------------------- requests

export type ContextValue = string | number | boolean | null | Array<string | number | boolean>;

/** Condition keys (case-insensitive) to values. */
export type RequestContext = { [key: string]: ContextValue };

export interface Request {
  /** `user/alice`, `role/<name>` or a principal ARN. */
  principal: string;
  /** `service:ActionName`, no wildcards. */
  action: string;
  /** Resource ARN. */
  resource: string;
  /** Defaults from the ARN or the store. */
  resourceAccount?: string;
  /** Role sessions only. */
  session?: {
    name?: string;
    policy?: PolicyDocument;
    /** RFC 3339 or epoch seconds. */
    issuedAt?: string;
  };
  context?: RequestContext;
}

// --------------------------------------------------------------- decisions

export type Reason = "Allowed" | "ExplicitDeny" | "ImplicitDeny";

export type PolicyKind = "identity" | "resource" | "boundary" | "session" | "guardrail" | "trust";

export interface MatchedStatement {
  /** Policy name (a resource's ARN key for resource policies, `session` for the session policy). */
  policy: string;
  /** How the policy reaches the principal, e.g. `group/developers > role/Dev_Staging_Editor`. */
  via: string;
  kind: PolicyKind;
  /** Index of the statement in its policy. */
  statement: number;
  sid?: string;
  effect: "Allow" | "Deny";
  /** JSON pointer to the statement, in the store (or `/session/...` in the request). */
  path: string;
  /** UTF-8 byte span of the statement in the store text, when the store was loaded from text. */
  span?: Span;
}

export type Missing =
  | "allow"
  | "identity"
  | "resource"
  | "boundary"
  | "guardrail"
  | "session"
  | "trust"
  | "session-expired";

/** The Decision JSON of DESIGN.md: what was decided and why. */
export interface Decision {
  decision: "Allow" | "Deny";
  reason: Reason;
  /** On Allow the allowing statements; on ExplicitDeny every matching deny. */
  matched: MatchedStatement[];
  alerts: string[];
  notes: string[];
  /** For an implicit deny: what was lacking. */
  missing?: Missing[];
  /** The decision in one sentence. */
  summary: string;
}

// ------------------------------------------------------------- diagnostics

export type Severity = "error" | "security" | "warning" | "suggestion";

/** A half-open range `[start, end)`. */
export interface Span {
  start: number;
  end: number;
}

export interface Fix {
  title: string;
  /** UTF-8 bytes. */
  span: Span;
  replacement: string;
  /** The same range in UTF-16 code units (JavaScript string indices), when the source text is known. */
  utf16?: Span;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  help?: string;
  /** JSON pointer (RFC 6901) to the offending value. */
  path: string;
  /** UTF-8 byte range in the source text. Empty where there is no text (a store given as an object). */
  span: Span;
  /** 1-based; 0 where there is no text. */
  line: number;
  /** 1-based, counted in Unicode characters; 0 where there is no text. */
  column: number;
  /** The span in UTF-16 code units: `text.slice(utf16.start, utf16.end)` is the flagged text. Present when the source text is known. */
  utf16?: Span;
  fix?: Fix;
}

/** What a checked text turned out to be. */
export type CheckedKind = "store" | "policy" | "unknown";

export interface CheckResult {
  kind: CheckedKind;
  /** Every finding, by position. */
  diagnostics: Diagnostic[];
  /** True when some finding is an error. */
  hasErrors: boolean;
}

/** A request that could not be decided (in `evaluateMany`'s answer). */
export interface RequestFailure {
  type: "failure";
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

// -------------------------------------------------------------- test files

export interface TestExpect {
  decision: "Allow" | "Deny";
  reason?: Reason;
  alerts?: string[];
}

export interface TestCase {
  name: string;
  description?: string;
  note?: string;
  request: Request;
  expect: TestExpect;
}

export interface TestSuite {
  name?: string;
  description?: string;
  note?: string;
  /** The store inline... */
  store?: StoreDocument;
  /** ...or a path relative to the test file. */
  storeFile?: string;
  /** Loading the store must fail with an error. */
  storeError?: boolean;
  cases?: TestCase[];
}

/** A suite, or several. */
export type TestFile = TestSuite | { suites: TestSuite[] };

export interface CaseResult {
  suite: string;
  case: string;
  passed: boolean;
  expected: { decision: string; reason?: string; alerts?: string[] };
  got?: { decision: "Allow" | "Deny"; reason: Reason; alerts: string[] };
  /** Why the case could not run (bad request, store failed to load). */
  error?: string;
}

export interface TestResults {
  passed: number;
  failed: number;
  results: CaseResult[];
}

// ----------------------------------------------------------------- version

export interface Version {
  /** The decision core's version. */
  engine: string;
  /** Version of the calls between this package's JavaScript and its WebAssembly; minor bumps are additive. */
  abi: { major: number; minor: number };
}
