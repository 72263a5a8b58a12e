//! Every finding `check` can report, with what it flags, why it matters and
//! how to fix it. `docs/checks.md` is generated from this table
//! (`checks_markdown`, with the `docs` feature); a test fails when the two differ.

#[cfg(feature = "docs")]
use alloc::string::String;

use crate::diag::Severity;

/// Where a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Enforced when a store or policy is read: the document does not load.
    Load,
    /// Reported by the validator only; never stops a document from loading.
    Lint,
}

/// What a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The JSON text itself.
    Json,
    /// One policy document (standalone, or inside a store).
    Policy,
    /// A whole store: principals, assignments, guardrails.
    Store,
}

/// One check: a stable `code` with its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub code: &'static str,
    pub severity: Severity,
    pub origin: Origin,
    pub scope: Scope,
    /// What it flags (empty without the `docs` feature).
    pub flags: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

/// Looks a check up by its code.
pub fn check_info(code: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.code == code)
}

/// The class of a code; `Warning` for codes not in the registry (a test
/// keeps every code the crate emits in it).
pub fn severity_of(code: &str) -> Severity {
    check_info(code).map_or(Severity::Warning, |c| c.severity)
}

// The prose of each check only feeds docs/checks.md, so it is compiled in
// only with the `docs` feature: the Wasm builds stay small.
#[cfg(feature = "docs")]
macro_rules! doc_text {
    ($text:literal) => {
        $text
    };
}
#[cfg(not(feature = "docs"))]
macro_rules! doc_text {
    ($text:literal) => {
        ""
    };
}

macro_rules! checks {
    ($($code:literal $sev:ident $origin:ident $scope:ident { $flags:literal, $why:literal, $fix:literal })*) => {
        /// The registry, in documentation order.
        pub const CHECKS: &[Check] = &[$(Check {
            code: $code,
            severity: Severity::$sev,
            origin: Origin::$origin,
            scope: Scope::$scope,
            flags: doc_text!($flags),
            why: doc_text!($why),
            fix: doc_text!($fix),
        }),*];
    };
}

checks! {
    // ---- JSON ----
    "json-syntax" Error Load Json {
        "Text that is not one valid JSON value.",
        "Nothing can be read until the JSON is valid.",
        "Fix the JSON syntax at the marked place (a missing comma, quote or brace is the usual cause)."
    }
    "json-duplicate-key" Error Load Json {
        "An object with the same key twice.",
        "IAM rejects it; generic JSON readers silently keep the last value, so a duplicated `Effect` or `Condition` would be a coin toss.",
        "Keep one of the two keys, merging their values if both matter."
    }
    "limit-json-depth" Error Load Json {
        "JSON nested deeper than the limit.",
        "Bounds the work any input can cause; policies never need such nesting.",
        "Flatten the document."
    }
    "limit-input-size" Error Load Json {
        "Input larger than the size limit.",
        "Bounds memory and time for untrusted input.",
        "Split the store, or raise the limit in the host."
    }
    // ---- policy grammar (load) ----
    "invalid-policy" Error Load Policy {
        "A policy document that is not a JSON object.",
        "A policy is `{\"Version\": ..., \"Statement\": [...]}`; anything else cannot be read.",
        "Write the document as an object."
    }
    "invalid-version" Error Load Policy {
        "A `Version` other than `2012-10-17`, `2008-10-17` (AWS) or `1` (Alibaba Cloud RAM).",
        "The Version picks the dialect and whether policy variables are substituted; an unknown one is rejected by both clouds.",
        "Use `2012-10-17` for AWS IAM or `1` for RAM."
    }
    "invalid-type" Error Load Policy {
        "An element or store field with the wrong JSON type (a number where a string belongs, an object where a list belongs).",
        "The element cannot be read, so its meaning is unknown.",
        "Use the type the message names."
    }
    "missing-statement" Error Load Policy {
        "A policy with no `Statement`.",
        "`Statement` is required.",
        "Add `\"Statement\": [...]`."
    }
    "unknown-element" Error Load Policy {
        "An element name the grammar does not know (often a typo or wrong case, like `effect`).",
        "Ignoring it could silently drop a condition or a resource restriction.",
        "Rename it to the element suggested, or remove it."
    }
    "missing-effect" Error Load Policy {
        "A statement without `Effect`.",
        "Every statement must say whether it allows or denies.",
        "Add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`."
    }
    "invalid-effect" Error Load Policy {
        "An `Effect` other than exactly `Allow` or `Deny` (the value is case-sensitive).",
        "Both clouds reject the policy.",
        "Write `Allow` or `Deny`; the quick fix corrects the case."
    }
    "missing-action" Error Load Policy {
        "A statement with neither `Action` nor `NotAction`.",
        "One of them is required.",
        "Add `\"Action\": [...]`; use `\"*\"` to mean all actions."
    }
    "missing-resource" Error Load Policy {
        "A statement with neither `Resource` nor `NotResource` (outside trust policies).",
        "One of them is required in identity, resource, boundary and guardrail policies.",
        "Add `\"Resource\": [...]`; use `\"*\"` to mean all resources."
    }
    "conflicting-elements" Error Load Policy {
        "`Action` with `NotAction`, `Resource` with `NotResource`, or `Principal` with `NotPrincipal` in one statement.",
        "The pairs are mutually exclusive; AWS rejects the statement.",
        "Keep one of the two."
    }
    "resource-in-trust-policy" Error Load Policy {
        "`Resource` or `NotResource` in a role trust policy.",
        "The role itself is the resource of its trust policy; IAM rejects the element.",
        "Remove the element."
    }
    "missing-principal" Error Load Policy {
        "A resource or trust policy statement without `Principal`.",
        "Such policies must say whom they apply to.",
        "Add `\"Principal\": {...}`."
    }
    "principal-not-allowed" Error Load Policy {
        "`Principal` in an identity, boundary, session or guardrail policy, or `NotPrincipal` in a trust policy.",
        "The principal of those policies is whoever they are attached to; IAM rejects the element.",
        "Remove the element."
    }
    "not-principal-with-allow" Error Load Policy {
        "`NotPrincipal` with `\"Effect\": \"Allow\"`.",
        "It would grant access to everyone not listed, anonymous callers included; AWS does not support it.",
        "Use `Principal` with the principals to allow."
    }
    "invalid-principal" Error Load Policy {
        "A principal that is not `*`, an account ID or a principal ARN, an unknown principal type, or an empty principal object.",
        "An unreadable principal cannot be matched.",
        "Use `{\"AWS\": \"arn:aws:iam::<account>:role/<name>\"}` (AWS) or `{\"RAM\": [\"acs:ram::<account>:root\"]}` (RAM)."
    }
    "invalid-action" Error Load Policy {
        "An action that is not `*` or `service:ActionName`, or a wildcard in the service prefix in the AWS dialect.",
        "AWS rejects malformed actions and wildcards in the service prefix (RAM allows `*:Describe*`).",
        "Write `service:Action`, with wildcards only in the action name."
    }
    "invalid-arn" Error Load Policy {
        "A resource (or ARN condition value) that is not `*` or a complete ARN of the dialect's shape. In a condition where a never-matching value only takes access away, it is a warning instead.",
        "A malformed ARN never matches, which in a Deny would fail open.",
        "Write every part: `arn:partition:service:region:account:resource` or `acs:service:region:account:resource`; end with `*` to cover the rest."
    }
    "invalid-variable" Error Load Policy {
        "A malformed `${...}` policy variable, or a variable outside the resource part of an ARN.",
        "AWS rejects it; a variable cannot choose the service, region or account.",
        "Write `${aws:username}` or `${aws:PrincipalTag/team, 'default'}` after the last fixed colon."
    }
    "invalid-condition" Error Load Policy {
        "A `Condition` that is not an object of operators, or an operator whose value is not an object of keys.",
        "The condition cannot be read, and dropping it would widen the statement.",
        "Write `\"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/team\": \"dev\"}}`."
    }
    "unknown-operator" Error Load Policy {
        "A condition operator or set prefix that does not exist (`StringEqual`, `ForSomeValues:`).",
        "AWS's own simulator treats it as never matching, so a Deny with a typo fails open; Portcullis refuses it.",
        "Use the suggested operator."
    }
    "operator-not-in-dialect" Error Load Policy {
        "An operator Alibaba Cloud RAM does not support (`Arn*`, `BinaryEquals`, `Null`, `...IfExists`) in a Version `1` policy.",
        "RAM rejects these operators.",
        "Use the String, Numeric, Date, Bool or IpAddress operators, or the AWS dialect."
    }
    "duplicate-condition-key" Error Load Policy {
        "The same condition key twice under one operator, also when the spellings differ only in case.",
        "Condition keys ignore case, so both entries test one key; IAM rejects it.",
        "Merge the values into one list under one key."
    }
    "invalid-condition-key" Error Load Policy {
        "An empty condition key or one containing spaces.",
        "It can never name a request value.",
        "Use a key such as `aws:SourceIp` or `acs:MFAPresent`."
    }
    "invalid-condition-value" Error Load Policy {
        "A condition value that is an object, an array inside the list, or null.",
        "Condition values are strings, numbers or booleans.",
        "Write one value or a list of values."
    }
    "invalid-number" Error Load Policy {
        "A value of a `Numeric...` operator that is not a number.",
        "It would never match; in a Deny that fails open.",
        "Write an integer or decimal such as `3600`."
    }
    "invalid-date" Error Load Policy {
        "A value of a `Date...` operator (or an assignment time) that is not ISO 8601 or epoch seconds.",
        "It would never match; in a Deny that fails open.",
        "Write `2026-11-23T10:00:00Z`, `2026-11-23` or epoch seconds."
    }
    "invalid-bool" Error Load Policy {
        "A `Bool` value other than `true` or `false`. A warning where never matching only takes access away.",
        "It would never match; in a Deny that fails open.",
        "Write `true` or `false`."
    }
    "invalid-base64" Error Load Policy {
        "A `BinaryEquals` value that is not base64.",
        "It cannot be compared with the request's bytes.",
        "Base64-encode the value."
    }
    "invalid-cidr" Error Load Policy {
        "An `IpAddress`/`NotIpAddress` value that is not an IPv4 or IPv6 address or range.",
        "It would never match; in a Deny that fails open.",
        "Write `203.0.113.0/24` or `2001:db8::/32`."
    }
    "invalid-null-value" Error Load Policy {
        "A `Null` value other than `true` or `false`.",
        "`Null` only tests whether a key is absent (`true`) or present (`false`).",
        "Write `true` or `false`."
    }
    "null-with-if-exists" Warning Load Policy {
        "`NullIfExists`.",
        "`IfExists` has no meaning for `Null`; AWS evaluates it as plain `Null` (Access Analyzer reports it).",
        "Write `Null`; the quick fix does."
    }
    "limit-statements" Error Load Policy {
        "More statements in a policy or store than the limit.",
        "Bounds the cost of loading and evaluating untrusted input.",
        "Split the policy or the store."
    }
    "limit-list-entries" Error Load Policy {
        "An `Action`/`Resource` list longer than the limit.",
        "Bounds the cost of matching.",
        "Use wildcards or split the statement."
    }
    "limit-pattern-length" Error Load Policy {
        "An action, resource or condition value longer than the limit.",
        "Bounds the cost of matching.",
        "Shorten the value."
    }
    "limit-condition-operators" Error Load Policy {
        "A `Condition` with more operators than the limit.",
        "Bounds the cost of evaluating conditions.",
        "Split the statement."
    }
    "limit-condition-keys" Error Load Policy {
        "An operator with more condition keys than the limit.",
        "Bounds the cost of evaluating conditions.",
        "Split the statement."
    }
    "limit-condition-values" Error Load Policy {
        "A condition key with more values than the limit.",
        "Bounds the cost of evaluating conditions.",
        "Use wildcards (`StringLike`) or split the statement."
    }
    // ---- store (load) ----
    "missing-account" Error Load Store {
        "A store without `account`.",
        "The account is the default owner of principals and resources.",
        "Add `\"account\": \"<account ID>\"`."
    }
    "invalid-account" Error Load Store {
        "An `account` containing `:` or `/`.",
        "It would produce malformed principal ARNs.",
        "Use the bare account ID."
    }
    "invalid-partition" Error Load Store {
        "A `partition` other than `aws` or `acs`.",
        "The partition decides how principal ARNs are written.",
        "Use `aws` or `acs`."
    }
    "invalid-name" Error Load Store {
        "An empty policy name.",
        "Policies are referenced by name.",
        "Name the policy."
    }
    "unknown-reference" Error Load Store {
        "A policy, group or role name that the store does not define.",
        "A dangling reference would silently grant or restrict less than written.",
        "Define it, fix the spelling (the nearest name is suggested), or remove the reference."
    }
    "duplicate-tag" Error Load Store {
        "A tag key given twice on one principal or resource (keys ignore case).",
        "Conditions cannot tell which value applies.",
        "Keep one spelling."
    }
    "duplicate-name" Warning Load Store {
        "A name listed twice in one list of policies, groups or guardrails, or the same role assignment twice in `roles`.",
        "The repeat attaches nothing more; the store loads without it.",
        "Remove the repeat."
    }
    "missing-role" Error Load Store {
        "A role assignment object without `role`.",
        "The assignment names no role.",
        "Add `\"role\": \"<RoleName>\"`."
    }
    "empty-window" Error Load Store {
        "A role assignment whose `notAfter` is not later than its `notBefore`.",
        "The assignment could never be active.",
        "Fix the times."
    }
    "invalid-session-duration" Error Load Store {
        "A `maxSessionSeconds` outside 1 to 43200.",
        "Role sessions last at most 12 hours.",
        "Use a whole number of seconds in range."
    }
    "duplicate-arn" Error Load Store {
        "Two principals with the same ARN (through `arn` overrides).",
        "Requests could not say which principal is asking.",
        "Give each principal its own ARN."
    }
    "limit-policies" Error Load Store {
        "More policies than the limit.",
        "Bounds the cost of loading.",
        "Split the store."
    }
    "limit-roles" Error Load Store {
        "More roles than the limit.",
        "Bounds the cost of loading.",
        "Split the store."
    }
    "limit-groups" Error Load Store {
        "More groups than the limit.",
        "Bounds the cost of loading.",
        "Split the store."
    }
    "limit-users" Error Load Store {
        "More users than the limit.",
        "Bounds the cost of loading.",
        "Split the store."
    }
    // ---- security warnings ----
    "allow-all" Security Lint Policy {
        "An Allow of every action (`*`) on every resource (`*`) with no condition.",
        "Full administrator access: anyone holding it can do anything, including removing the guardrails around them.",
        "Grant the actions and resources the job needs; keep administrator access in a time-bound, MFA-guarded role."
    }
    "admin-without-mfa" Security Lint Policy {
        "An Allow of administrator-level actions (`*`, `iam:*`, `ram:*`, `*:*`) on every resource whose conditions do not require MFA.",
        "Cloud guidance asks for MFA on administrative actions; a leaked access key alone should not be enough.",
        "Add `\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}` (AWS) or `{\"acs:MFAPresent\": \"true\"}` (RAM)."
    }
    "allow-not-action" Security Lint Policy {
        "`NotAction` in an Allow statement.",
        "It allows every action of every service except those listed, including actions added to the cloud later.",
        "List the allowed actions in `Action`; use `NotAction` only with Deny."
    }
    "allow-not-resource" Security Lint Policy {
        "`NotResource` in an Allow statement.",
        "It allows the actions on every resource except those listed, including resources created later.",
        "List the allowed resources in `Resource`."
    }
    "privilege-escalation" Security Lint Policy {
        "An unconditional Allow on all resources of actions that let a principal raise its own permissions: attaching or writing policies, new policy versions, access keys or passwords for other users, editing trust policies, adding users to groups, removing permissions boundaries.",
        "Whoever holds it can make themselves administrator.",
        "Scope the resource to the principals and policies that are meant, or add conditions (for example `iam:PolicyARN`)."
    }
    "pass-role-on-all" Security Lint Policy {
        "An Allow of `iam:PassRole` (or `ram:PassRole`) on every resource without an `iam:PassedToService` condition.",
        "Passing any role to a service lets the caller act with that role's permissions (Access Analyzer reports the same).",
        "Name the roles in `Resource` and restrict the services with `iam:PassedToService`."
    }
    "audit-log-deletion" Security Lint Policy {
        "An Allow of deleting or stopping audit trails and logs (`cloudtrail:DeleteTrail`, `cloudtrail:StopLogging`, `logs:DeleteLogGroup`, `actiontrail:DeleteTrail`, `sls:DeleteLogStore`, ...), named or through a wildcard.",
        "An intruder's first step is to erase the trail; audit logs must be protected.",
        "Remove these actions, or deny them in a guardrail and grant them only to a break-glass role."
    }
    "public-principal" Security Lint Policy {
        "An Allow to `Principal: \"*\"` (or `{\"AWS\": \"*\"}`, `[\"*\"]`) without any condition.",
        "Anyone, anonymous callers and every other account included, gets the access; in a trust policy anyone can assume the role.",
        "Name the principals, or restrict with conditions such as `aws:PrincipalOrgID` or `aws:SourceAccount`."
    }
    "service-principal-without-source" Security Lint Policy {
        "A resource policy that allows a service principal without an `aws:SourceArn`, `aws:SourceAccount` or `aws:SourceOrgID` condition.",
        "The service acts for every customer; without the source condition another account can make it act on your resource (the confused deputy).",
        "Add `\"StringEquals\": {\"aws:SourceAccount\": \"<account>\"}` or an `ArnLike` on `aws:SourceArn`."
    }
    "oidc-trust-without-subject" Security Lint Policy {
        "A trust policy that lets a web-identity (OIDC) provider assume the role without a condition on its `sub` claim.",
        "Every identity of the provider (for GitHub: every repository on GitHub) could assume the role.",
        "Add `\"StringLike\": {\"token.actions.githubusercontent.com:sub\": \"repo:<org>/<repo>:*\"}` or the provider's equivalent."
    }
    "for-all-values-single-valued-key" Security Lint Policy {
        "`ForAllValues:` on a key that carries a single value (`aws:SourceIp`, `aws:PrincipalTag/...`, ...).",
        "`ForAllValues` is true when the key is absent, so the condition can pass for requests without it (Access Analyzer reports the same).",
        "Drop the `ForAllValues:` prefix."
    }
    "for-all-values-without-null" Security Lint Policy {
        "An Allow with `ForAllValues:` on a key and no `Null: {key: \"false\"}` beside it.",
        "`ForAllValues` is vacuously true for a request without the key, so the Allow grants to requests that carry no values at all.",
        "Add `\"Null\": {\"<key>\": \"false\"}` to the same Condition."
    }
    "break-glass-without-mfa" Security Lint Store {
        "A `breakGlass` role with an Allow statement that does not require MFA.",
        "Emergency access is the most powerful in the store; it must need a second factor.",
        "Add an MFA condition to the role's Allow statements."
    }
    // ---- warnings ----
    "unknown-service" Warning Lint Policy {
        "An action whose service prefix is not in the catalog of AWS services (AWS dialect).",
        "The statement matches nothing: probably a typo (`s4:GetObject`), and a Deny with it protects nothing.",
        "Use the suggested service prefix."
    }
    "unknown-action" Warning Lint Policy {
        "An action name (without wildcards) that the built-in catalog of `iam`, `sts` and `s3` actions does not know.",
        "A misspelled action matches nothing; a Deny with it protects nothing.",
        "Use the suggested action name."
    }
    "not-resource-in-ram" Warning Lint Policy {
        "`NotResource` in a RAM (Version `1`) policy.",
        "Alibaba Cloud documents `NotResource` only in some pages; RAM may reject it.",
        "Use `Resource`."
    }
    "shadowed-by-deny" Warning Lint Policy {
        "An Allow statement whose every action and resource an unconditional Deny (in the same policy or a guardrail) also covers.",
        "The Allow can never grant anything; the author probably meant something else.",
        "Remove the Allow, or narrow the Deny."
    }
    "unreachable-statement" Warning Lint Policy {
        "A statement whose conditions can never all hold: `Null: true` together with a test of the same key's value, or an empty numeric or date range.",
        "The statement never applies; a Deny written so protects nothing.",
        "Fix the contradicting conditions."
    }
    "empty-array" Warning Lint Policy {
        "An empty list: `Statement`, `Action`, `Resource`, a principal list or a condition value list.",
        "An empty list matches nothing, so the statement never applies, or under `Not...` it applies to everything.",
        "Fill in the list, or remove the element or statement."
    }
    "duplicate-sid" Warning Lint Policy {
        "Two statements of one policy with the same `Sid`.",
        "IAM requires unique Sids in a policy; explanations and audits that name the Sid become ambiguous.",
        "Rename one of them."
    }
    "missing-version" Warning Lint Policy {
        "A policy without `Version`.",
        "AWS then uses the 2008 language: policy variables are not substituted.",
        "Add `\"Version\": \"2012-10-17\"`."
    }
    "outdated-version" Warning Lint Policy {
        "`\"Version\": \"2008-10-17\"`.",
        "The old language does not substitute policy variables.",
        "Use `2012-10-17`."
    }
    "variables-not-substituted" Warning Lint Policy {
        "A `${...}` policy variable in a policy whose Version does not substitute variables (missing, `2008-10-17`, or RAM's `1`).",
        "The text is matched literally, so `${aws:username}` matches only a resource literally named so.",
        "Use `\"Version\": \"2012-10-17\"` (AWS); RAM has no policy variables."
    }
    "variable-not-allowed-here" Warning Lint Policy {
        "A `${...}` policy variable in a `Principal`.",
        "Variables are substituted only in resources and String, ARN and Bool condition values; here the text is literal.",
        "Name the principal, or move the variable into a condition."
    }
    "wildcard-without-like" Warning Lint Policy {
        "A `*` or `?` in the value of a `StringEquals`-style operator.",
        "Only the `Like` operators treat them as wildcards; here they match the characters themselves (Access Analyzer reports the same).",
        "Use `StringLike`/`StringNotLike`; the quick fix renames the operator."
    }
    "missing-set-operator" Warning Lint Policy {
        "A condition on a multivalued key (`aws:TagKeys`, `aws:CalledVia`, ...) without `ForAnyValue:` or `ForAllValues:`.",
        "A plain operator never matches a key with several values.",
        "Prefix the operator with `ForAnyValue:` or `ForAllValues:`."
    }
    "negated-if-exists-in-deny" Warning Lint Policy {
        "A Deny with a negated operator with `IfExists` (`StringNotEqualsIfExists`, ...) on a key that requests may lack.",
        "A negated operator is already true when the key is absent, so `IfExists` changes nothing: the Deny still applies to requests without the key.",
        "Remove `IfExists`, or add a `Null: {key: \"false\"}` condition if requests without the key must not be denied."
    }
    "negated-operator-in-allow" Warning Lint Policy {
        "An Allow with a negated operator (`StringNotEquals`, `NotIpAddress`, ...) without `IfExists`, on a key that requests may lack (not on keys every request carries, such as `aws:ResourceAccount`).",
        "A negated operator is true when the key is absent, so the Allow also grants requests that lack the key.",
        "Use a positive operator, or add `Null: {key: \"false\"}`."
    }
    "for-any-value-negated" Warning Lint Policy {
        "`ForAnyValue:` with a negated operator (`ForAnyValue:StringNotEquals`).",
        "It is true as soon as one value differs, so with two values it is almost always true.",
        "Use `ForAllValues:` with the negated operator, or `ForAnyValue:` with the positive one."
    }
    "arn-wildcard-in-resource-type" Warning Lint Policy {
        "A partial wildcard in the resource type of an ARN with a region or account (`arn:aws:iam::123456789012:u*/bob`); a type that is just `*` covers every type and is fine.",
        "The resource type is compared literally, so the entry never matches in Portcullis (AWS calls the form invalid and its reference simulator never matches it).",
        "Write the resource type out (`user/*`)."
    }
    "arn-dialect-mismatch" Warning Lint Policy {
        "An `acs:` ARN in an AWS policy or an `arn:` ARN in a RAM policy.",
        "Requests of the policy's cloud never carry such ARNs.",
        "Use the ARN format of the policy's dialect."
    }
    "invalid-arn-part" Warning Lint Policy {
        "An ARN part with characters that cannot appear there: an unknown AWS partition, a region with upper-case letters or spaces, an account that is not digits, text with `/` before the resource part.",
        "The ARN never matches a real resource.",
        "Check the ARN against the service's documented format."
    }
    "unused-role" Warning Lint Store {
        "A role that no user or group is assigned and that has no trust policy.",
        "Nobody can use it; unused privileges are attack surface and clutter reviews.",
        "Assign it, give it a trust policy, or remove it."
    }
    "expired-assignment" Warning Lint Store {
        "A time-bound role assignment whose `notAfter` has passed (relative to the `now` given to `check_with`).",
        "It no longer grants anything and misleads reviewers.",
        "Remove the assignment."
    }
    "user-direct-policy" Warning Lint Store {
        "A user with policies attached directly.",
        "Permissions should come from groups and roles, so they can be reviewed and revoked per job function.",
        "Move the policies to a group or role and assign that."
    }
    "no-guardrails" Warning Lint Store {
        "A store without `guardrails`.",
        "Without org-wide ceilings nothing stops a broad grant from reaching audit logs or disabling security services.",
        "Add a guardrail policy that denies the actions nobody may take, such as deleting audit trails."
    }
    "audit-logs-unprotected" Warning Lint Store {
        "Guardrails that do not deny deleting or stopping the audit trail (`cloudtrail:DeleteTrail`/`StopLogging`, `actiontrail:DeleteTrail`/`StopLogging`).",
        "The audit trail is what shows misuse; a guardrail is the place to protect it.",
        "Add a Deny of those actions to a guardrail."
    }
    "unknown-principal" Warning Lint Store {
        "A trust or resource policy that names a user or role ARN of the store's account that the store does not define.",
        "The statement applies to nobody, or to a principal created later under that name (Access Analyzer's invalid user/role reference).",
        "Fix the name or remove the entry."
    }
    // ---- suggestions ----
    "service-wildcard" Suggestion Lint Policy {
        "A wildcard in the service part of an action in the RAM dialect (`*:Describe*`).",
        "It covers every service, including ones added later.",
        "List the services."
    }
    "redundant-action" Suggestion Lint Policy {
        "An action that another entry of the same list already covers (`s3:GetObject` beside `s3:*`), or a duplicate.",
        "No change to access; the list is longer than it needs to be.",
        "Remove it; the quick fix does."
    }
    "redundant-resource" Suggestion Lint Policy {
        "A resource that another entry of the same list already covers, or a duplicate.",
        "No change to access; the list is longer than it needs to be.",
        "Remove it; the quick fix does."
    }
    "redundant-statement" Suggestion Lint Policy {
        "A statement that another statement of the same policy with the same effect, principal and conditions (or none) fully covers.",
        "No change to access; it makes reviews harder.",
        "Remove the statement."
    }
    "empty-object" Suggestion Lint Policy {
        "An empty `Condition` or an operator with no keys.",
        "It has no effect.",
        "Remove it."
    }
    "empty-sid" Suggestion Lint Policy {
        "`\"Sid\": \"\"`.",
        "An empty Sid identifies nothing.",
        "Name the statement or remove the Sid."
    }
    "sid-not-alphanumeric" Suggestion Lint Policy {
        "A Sid with characters other than letters and digits in the AWS dialect.",
        "IAM accepts only `[A-Za-z0-9]` in Sids of IAM policies.",
        "Remove the other characters."
    }
    "id-in-identity-policy" Suggestion Lint Policy {
        "`Id` in an identity policy.",
        "The IAM grammar reserves `Id` for resource policies; it has no effect.",
        "Remove it."
    }
    "operator-case" Suggestion Lint Policy {
        "A condition operator not in its canonical spelling (`stringequals`).",
        "Accepted, but other tools may be stricter.",
        "Use the canonical spelling; the quick fix does."
    }
    "string-operator-on-arn-key" Suggestion Lint Policy {
        "A `String...` operator on an ARN-valued key such as `aws:SourceArn` or `aws:PrincipalArn`.",
        "The ARN operators compare part by part, so a `*` cannot run across `:` into the next part.",
        "Use `ArnEquals`/`ArnLike`."
    }
    "for-any-value-single-valued-key" Suggestion Lint Policy {
        "`ForAnyValue:` on a key that carries a single value.",
        "The prefix changes nothing there except for absent keys; it suggests a misunderstanding.",
        "Drop the `ForAnyValue:` prefix."
    }
    "null-with-set-operator" Suggestion Lint Policy {
        "`ForAllValues:Null` or `ForAnyValue:Null`.",
        "`Null` tests whether the key exists; a set prefix adds nothing (Access Analyzer's \"Null with qualifier\").",
        "Use plain `Null`."
    }
    "cidr-host-bits" Suggestion Lint Policy {
        "An IP range with bits set after the prefix (`203.0.113.9/24`).",
        "The bits are ignored; the range is wider than the address suggests.",
        "Write the network address; the quick fix does."
    }
    "private-ip-in-source-ip" Suggestion Lint Policy {
        "A private address range (`10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`, `fc00::/7`) in an `aws:SourceIp` condition.",
        "`aws:SourceIp` is the public address; requests through a VPC endpoint carry `aws:VpcSourceIp` instead, so the range never matches.",
        "Use `aws:VpcSourceIp` (or `aws:SourceVpc`) for private ranges."
    }
    "unused-policy" Suggestion Lint Store {
        "A policy that no user, group, role, boundary or guardrail uses.",
        "It grants nothing and clutters reviews.",
        "Attach it or remove it."
    }
    "unused-group" Suggestion Lint Store {
        "A group without members.",
        "Its policies and role assignments reach nobody.",
        "Add members or remove it."
    }
    "assignment-without-reason" Suggestion Lint Store {
        "A time-bound role assignment without `reason`.",
        "Just-in-time elevation should say why (a ticket or incident number) for the audit trail.",
        "Add `\"reason\": \"<ticket>\"`."
    }
}

/// The header of the generated table.
#[cfg(feature = "docs")]
const PREAMBLE: &str = "<!-- Generated from core/src/lint/registry.rs; do not edit. Regenerate with:
     UPDATE_CHECKS_DOC=1 cargo test -p portcullis-core --features docs --test checks_doc -->

# Policy checks

`check` (core `api::check` / `api::check_with`, the npm `check`, `portcullis check`) reports every
finding below. Each has a stable `code`; codes are never reused for another meaning.

Classes follow IAM Access Analyzer's policy validation:

| class | meaning | loads? |
| --- | --- | --- |
| `error` | the store or policy cannot be used as written | no: loading fails |
| `security` | valid, but grants more than it appears to, or fails open | yes |
| `warning` | valid, but against practice or likely not what was meant | yes |
| `suggestion` | style; no change to access | yes |

An `error` finding always means the loader refuses the document; checks the loader does not enforce are
never errors, so a valid policy never gets a false error.

## Finding shape

```json
{
  \"code\": \"wildcard-without-like\",
  \"severity\": \"warning\",
  \"message\": \"`*` and `?` in a `StringEquals` value are literal characters, not wildcards\",
  \"help\": \"only the `Like` operators treat them as wildcards; use `StringLike`\",
  \"path\": \"/Statement/0/Condition/StringEquals/aws:PrincipalTag~1team\",
  \"span\": { \"start\": 120, \"end\": 127 },
  \"line\": 7,
  \"column\": 52,
  \"fix\": { \"title\": \"use `StringLike`\", \"span\": { \"start\": 98, \"end\": 112 }, \"replacement\": \"\\\"StringLike\\\"\" }
}
```

- `path` is a JSON pointer (RFC 6901) to the offending value; `span` is a UTF-8 byte range into the checked
  text (the JS face adds UTF-16 offsets); `line` and `column` are 1-based, the column in characters.
- `help` and `fix` may be absent. A `fix` replaces the text in its `span` with `replacement`
  (an empty replacement deletes).
- `check_with` takes an optional `now` (RFC 3339 in the JSON faces) for the checks that depend on time;
  without it they are skipped.

";

#[cfg(feature = "docs")]
fn push_row(out: &mut String, c: &Check) {
    let scope = match c.scope {
        Scope::Json => "json",
        Scope::Policy => "policy",
        Scope::Store => "store",
    };
    for part in ["| `", c.code, "` | ", scope, " | ", c.flags, " | ", c.why, " | ", c.fix, " |\n"] {
        out.push_str(part);
    }
}

/// `docs/checks.md`, generated from [`CHECKS`].
/// `docs/checks.md`, from the registry (needs the `docs` feature).
#[cfg(feature = "docs")]
pub fn checks_markdown() -> String {
    let mut out = String::from(PREAMBLE);
    let sections = [
        (Severity::Error, "Errors", "The document does not load."),
        (Severity::Security, "Security warnings", "Valid, but grants more than it appears to."),
        (Severity::Warning, "Warnings", "Valid, but against practice or likely a mistake."),
        (Severity::Suggestion, "Suggestions", "Style; no change to access."),
    ];
    let count = |s: Severity| CHECKS.iter().filter(|c| c.severity == s).count();
    out.push_str("| class | checks |\n| --- | --- |\n");
    for (severity, title, _) in sections {
        out.push_str(&alloc::format!("| {title} | {} |\n", count(severity)));
    }
    out.push_str(&alloc::format!("| all | {} |\n", CHECKS.len()));
    for (severity, title, blurb) in sections {
        out.push_str(&alloc::format!("\n## {title} (`{}`)\n\n{blurb}", severity.as_str()));
        if severity == Severity::Error {
            out.push_str(" Two codes are warnings in one case, noted in their row.");
        }
        out.push_str(
            "\n\n| code | scope | what it flags | why it matters | how to fix |\n| --- | --- | --- | --- | --- |\n",
        );
        for c in CHECKS.iter().filter(|c| c.severity == severity) {
            push_row(&mut out, c);
        }
    }
    out
}
