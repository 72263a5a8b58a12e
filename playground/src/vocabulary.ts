// What the editor offers as completions: element names of the policy grammar
// and the store (DESIGN.md), condition operators and the global condition
// keys (iam-semantics.md sections 3 and 6). Suggestions only: the engine's
// `check` is what decides whether a name is valid.

export interface Word {
  label: string;
  detail?: string;
  info?: string;
}

export const POLICY_ELEMENTS: Word[] = [
  { label: "Version", info: '"2012-10-17" (AWS IAM) or "1" (Alibaba Cloud RAM): picks the dialect' },
  { label: "Id", info: "an optional identifier of the policy" },
  { label: "Statement", info: "one statement object, or a list of them" },
];

export const STATEMENT_ELEMENTS: Word[] = [
  { label: "Sid", info: "statement ID, shown in decisions" },
  { label: "Effect", info: '"Allow" or "Deny"' },
  { label: "Action", info: "actions the statement covers: service:ActionName, wildcards allowed" },
  { label: "NotAction", info: "every action except these" },
  { label: "Resource", info: "resource ARNs the statement covers" },
  { label: "NotResource", info: "every resource except these" },
  { label: "Principal", info: "resource and trust policies only: whom the statement applies to" },
  { label: "NotPrincipal", info: "resource policies only: everyone except these" },
  { label: "Condition", info: "operator -> condition key -> values" },
];

export const STORE_ELEMENTS: Word[] = [
  { label: "account", info: "default account of principals and resources" },
  { label: "partition", info: '"acs" (RAM ARNs) or "aws" (IAM ARNs)' },
  { label: "policies", info: "policy name -> policy document" },
  { label: "groups", info: "group name -> {policies, roles}" },
  { label: "roles", info: "role name -> {policies, trust, boundary, breakGlass, ...}" },
  { label: "users", info: "user name -> {groups, policies, roles, boundary, tags}" },
  { label: "guardrails", info: "names of org-wide ceiling policies (like SCPs)" },
  { label: "resources", info: "resource ARN -> {policy, tags, account}" },
];

export const USER_ELEMENTS: Word[] = [
  { label: "groups" },
  { label: "policies" },
  { label: "roles", info: 'role names, or {"role", "notBefore", "notAfter", "reason"}' },
  { label: "boundary", info: "name of the permissions boundary policy" },
  { label: "tags" },
  { label: "arn", info: "overrides the derived principal ARN" },
];

export const GROUP_ELEMENTS: Word[] = [{ label: "policies" }, { label: "roles" }];

export const ROLE_ELEMENTS: Word[] = [
  { label: "policies" },
  { label: "trust", info: "who may assume the role: a policy with Principal" },
  { label: "boundary" },
  { label: "breakGlass", info: "allowed decisions through this role raise an alert" },
  { label: "maxSessionSeconds" },
  { label: "tags" },
  { label: "arn" },
];

export const ASSIGNMENT_ELEMENTS: Word[] = [
  { label: "role" },
  { label: "notBefore", info: "RFC 3339 start of a time-bound assignment" },
  { label: "notAfter", info: "RFC 3339 end of a time-bound assignment" },
  { label: "reason", info: "e.g. the incident or ticket" },
];

export const RESOURCE_ELEMENTS: Word[] = [{ label: "policy" }, { label: "tags" }, { label: "account" }];

/** Operators Alibaba Cloud RAM supports (iam-semantics.md 3.6); the rest are AWS only. */
const RAM_BASE = new Set([
  "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
  "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
  "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
  "Bool", "IpAddress", "NotIpAddress",
]);

export const BASE_OPERATORS = [
  ...RAM_BASE,
  "BinaryEquals",
  "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
  "Null",
];

export interface OperatorWord extends Word {
  ram: boolean;
}

/** Every operator spelling: base, `...IfExists` (not for Null), and the `ForAllValues:` / `ForAnyValue:` prefixes. */
export const OPERATORS: OperatorWord[] = (() => {
  const out: OperatorWord[] = [];
  for (const base of BASE_OPERATORS) {
    const variants = base === "Null" ? [base] : [base, `${base}IfExists`];
    for (const v of variants) {
      const ram = RAM_BASE.has(v);
      out.push({ label: v, ram, detail: ram ? undefined : "AWS only" });
      if (base !== "Null") {
        for (const prefix of ["ForAllValues:", "ForAnyValue:"]) out.push({ label: prefix + v, ram: false, detail: "multivalued keys" });
      }
    }
  }
  return out;
})();

/** Global condition keys (iam-semantics.md section 6); a trailing `/` takes a tag key. */
export const AWS_KEYS: Word[] = [
  ["aws:PrincipalArn", "ARN"], ["aws:PrincipalAccount", "String"], ["aws:PrincipalOrgID", "String"],
  ["aws:PrincipalOrgPaths", "ArrayOfString"], ["aws:PrincipalTag/", "String"], ["aws:PrincipalIsAWSService", "Bool"],
  ["aws:PrincipalServiceName", "String"], ["aws:PrincipalServiceNamesList", "ArrayOfString"], ["aws:PrincipalType", "String"],
  ["aws:userid", "String"], ["aws:username", "String"], ["aws:AssumedRoot", "Bool"], ["aws:FederatedProvider", "String"],
  ["aws:TokenIssueTime", "Date"], ["aws:MultiFactorAuthAge", "Numeric"], ["aws:MultiFactorAuthPresent", "Bool"],
  ["aws:SourceIdentity", "String"], ["aws:Ec2InstanceSourceVpc", "String"], ["aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"],
  ["aws:SourceIp", "IPAddress"], ["aws:SourceVpc", "String"], ["aws:SourceVpcArn", "String"], ["aws:SourceVpce", "String"],
  ["aws:VpceAccount", "String"], ["aws:VpceOrgID", "String"], ["aws:VpceOrgPaths", "ArrayOfString"], ["aws:VpcSourceIp", "IPAddress"],
  ["aws:ResourceAccount", "String"], ["aws:ResourceOrgID", "String"], ["aws:ResourceOrgPaths", "ArrayOfString"],
  ["aws:ResourceTag/", "String"], ["aws:CalledVia", "ArrayOfString"], ["aws:CalledViaFirst", "String"], ["aws:CalledViaLast", "String"],
  ["aws:ViaAWSService", "Bool"], ["aws:CurrentTime", "Date"], ["aws:EpochTime", "Date"], ["aws:referer", "String"],
  ["aws:RequestedRegion", "String"], ["aws:RequestTag/", "String"], ["aws:TagKeys", "ArrayOfString"], ["aws:SecureTransport", "Bool"],
  ["aws:SourceArn", "ARN"], ["aws:SourceAccount", "String"], ["aws:SourceOwner", "String"], ["aws:SourceOrgID", "String"],
  ["aws:SourceOrgPaths", "ArrayOfString"], ["aws:UserAgent", "String"],
].map(([label, detail]) => ({ label: label!, detail }));

export const ACS_KEYS: Word[] = [
  ["acs:CurrentTime", "Date"], ["acs:SecureTransport", "Bool"], ["acs:SourceIp", "IPAddress"], ["acs:MFAPresent", "Bool"],
  ["acs:SourceVpc", "String"], ["acs:AccessId", "String"], ["acs:UserAgent", "String"], ["acs:ResourceTag/", "String"],
  ["acs:RequestTag/", "String"], ["acs:TagKeys", "ArrayOfString"], ["acs:PrincipalArn", "String"],
].map(([label, detail]) => ({ label: label!, detail }));

/** Keys the request form offers first, per partition. */
export const REQUEST_KEY_PRESETS = {
  acs: { mfa: "acs:MFAPresent", ip: "acs:SourceIp", time: "acs:CurrentTime" },
  aws: { mfa: "aws:MultiFactorAuthPresent", ip: "aws:SourceIp", time: "aws:CurrentTime" },
} as const;
