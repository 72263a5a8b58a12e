//! Checks of `Condition` blocks.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use super::util::quoted;
use super::{finding, Doc, Stmt};
use crate::condition::{BaseOp, Family, Operator, SetOp};
use crate::diag::{Diagnostic, Span};
use crate::json::{join_pointer, Json, Member};
use crate::policy::{Dialect, Effect};
use crate::value::{Decimal, Instant, IpAddr};

/// Global keys that always carry one value (lowercase; a trailing `/` means
/// a prefix such as `aws:PrincipalTag/<key>`).
const SINGLE_VALUED: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principaltag/",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
    "aws:assumedroot",
    "aws:federatedprovider",
    "aws:tokenissuetime",
    "aws:multifactorauthage",
    "aws:multifactorauthpresent",
    "aws:sourceidentity",
    "aws:ec2instancesourcevpc",
    "aws:ec2instancesourceprivateipv4",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpcarn",
    "aws:sourcevpce",
    "aws:vpceaccount",
    "aws:vpceorgid",
    "aws:vpcsourceip",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourcetag/",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:viaawsservice",
    "aws:currenttime",
    "aws:epochtime",
    "aws:referer",
    "aws:requestedregion",
    "aws:requesttag/",
    "aws:securetransport",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:useragent",
    "acs:currenttime",
    "acs:securetransport",
    "acs:sourceip",
    "acs:mfapresent",
    "acs:sourcevpc",
    "acs:accessid",
    "acs:useragent",
    "acs:resourcetag/",
    "acs:requesttag/",
];

/// Keys that carry a list of values.
const MULTI_VALUED: &[&str] = &[
    "aws:principalorgpaths",
    "aws:principalservicenameslist",
    "aws:vpceorgpaths",
    "aws:resourceorgpaths",
    "aws:calledvia",
    "aws:tagkeys",
    "aws:sourceorgpaths",
    "acs:tagkeys",
];

/// Keys every request carries, where "absent" cannot happen.
const ALWAYS_PRESENT: &[&str] = &[
    "aws:currenttime",
    "aws:epochtime",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principaltype",
    "aws:requestedregion",
    "aws:resourceaccount",
    "aws:securetransport",
    "aws:userid",
    "acs:currenttime",
    "acs:securetransport",
];

/// ARN-valued keys.
const ARN_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:principalarn",
    "aws:sourcevpcarn",
    "aws:chatbotsourcearn",
    "ec2:sourceinstancearn",
    "lambda:sourcefunctionarn",
    "ssm:sourceinstancearn",
];

fn listed(table: &[&str], key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    table.iter().any(|k| if k.ends_with('/') { key.starts_with(k) } else { key == *k })
}

/// One `operator: {key: values}` entry as written.
struct Entry<'a> {
    op: Operator,
    op_member: &'a Member,
    key: &'a Member,
    path: String,
}

pub(crate) fn lint_conditions(doc: &Doc<'_>, stmt: &Stmt<'_>, diags: &mut Vec<Diagnostic>) {
    let Some(block) = stmt.member("Condition") else { return };
    let cpath = join_pointer(&stmt.path, "Condition");
    let Some(operators) = block.value.as_object() else { return };
    if operators.is_empty() {
        diags.push(
            finding("empty-object", "the Condition is empty and has no effect")
                .with_help("remove `Condition`, or add the conditions you meant")
                .at(cpath, block.value.span),
        );
        return;
    }
    let dialect = doc.policy.dialect;
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for m in operators {
        let op_path = join_pointer(&cpath, &m.key);
        let Ok(op) = Operator::parse(&m.key, dialect) else { continue };
        operator_spelling(op, m, &op_path, diags);
        let Some(keys) = m.value.as_object() else { continue };
        if keys.is_empty() {
            diags.push(
                finding("empty-object", format!("`{}` names no condition key and has no effect", m.key))
                    .with_help("remove the operator, or add the keys it should test")
                    .at(op_path.clone(), m.value.span),
            );
        }
        for key in keys {
            entries.push(Entry { op, op_member: m, key, path: join_pointer(&op_path, &key.key) });
        }
    }
    let effect = stmt.parsed.effect;
    // Keys with a `Null: {key: "false"}` (key present) test in this block.
    let present: BTreeSet<String> = entries
        .iter()
        .filter(|e| e.op.base == BaseOp::Null && e.op.set.is_none())
        .filter(|e| items_of(&e.key.value, "").iter().any(|(t, _, _)| t.eq_ignore_ascii_case("false")))
        .map(|e| e.key.key.to_ascii_lowercase())
        .collect();
    for e in &entries {
        entry(doc, effect, e, &present, diags);
    }
    unreachable(stmt, &entries, diags);
}

fn operator_spelling(op: Operator, m: &Member, path: &str, diags: &mut Vec<Diagnostic>) {
    // `NullIfExists` has its own finding.
    if op.base == BaseOp::Null && m.key.to_ascii_lowercase().ends_with("ifexists") {
        return;
    }
    let canonical = op.canonical();
    if canonical != m.key {
        diags.push(
            finding("operator-case", format!("`{}` is written `{canonical}`", m.key))
                .with_help("operator names are matched without regard to case here, but other tools are stricter")
                .at(String::from(path), m.key_span)
                .with_fix(format!("write `{canonical}`"), m.key_span, quoted(&canonical)),
        );
    }
}

fn with(base: BaseOp, set: Option<SetOp>, if_exists: bool) -> String {
    Operator { set, base, if_exists: if_exists && base != BaseOp::Null }.canonical()
}

fn entry(doc: &Doc<'_>, effect: Effect, e: &Entry<'_>, present: &BTreeSet<String>, diags: &mut Vec<Diagnostic>) {
    let op = e.op;
    let base = op.base;
    let key = e.key.key.as_str();
    let values = items_of(&e.key.value, &e.path);
    if e.key.value.as_array().is_some_and(<[Json]>::is_empty) {
        diags.push(
            finding("empty-array", format!("`{key}` has no values"))
                .with_help("an empty value list never matches a positive operator and always matches a negated one; list the values or remove the key")
                .at(e.path.clone(), e.key.value.span),
        );
    }
    // Variables only mean something where the Version substitutes them.
    if !doc.policy.substitutes {
        for (text, span, path) in &values {
            if text.contains("${") {
                diags.push(not_substituted(doc, text, path, *span));
            }
        }
    }
    // `*` and `?` are literal outside the Like operators.
    let literal_ops = [
        BaseOp::StringEquals,
        BaseOp::StringNotEquals,
        BaseOp::StringEqualsIgnoreCase,
        BaseOp::StringNotEqualsIgnoreCase,
    ];
    if literal_ops.contains(&base) {
        for (text, span, path) in &values {
            let stripped = text.replace("${*}", "").replace("${?}", "");
            if stripped.contains(['*', '?']) {
                let like = match base {
                    BaseOp::StringEquals => Some(BaseOp::StringLike),
                    BaseOp::StringNotEquals => Some(BaseOp::StringNotLike),
                    _ => None,
                };
                let mut d = finding(
                    "wildcard-without-like",
                    format!("`*` and `?` in a `{}` value are literal characters, not wildcards", base.name()),
                )
                .at(path.clone(), *span);
                match like {
                    Some(like) => {
                        let renamed = with(like, op.set, op.if_exists);
                        d = d
                            .with_help(format!("only the `Like` operators treat them as wildcards; use `{renamed}`"))
                            .with_fix(format!("use `{renamed}`"), e.op_member.key_span, quoted(&renamed));
                    }
                    None => {
                        d = d.with_help(
                            "only `StringLike` and `StringNotLike` treat them as wildcards, and they compare with case",
                        )
                    }
                }
                diags.push(d);
                break;
            }
        }
    }
    if matches!(base.family(), Family::String) && listed(ARN_KEYS, key) {
        let arn_base = if base.negated() { BaseOp::ArnNotLike } else { BaseOp::ArnLike };
        let renamed = with(arn_base, op.set, op.if_exists);
        diags.push(
            finding("string-operator-on-arn-key", format!("`{key}` is an ARN; compare it with `{renamed}`"))
                .with_help("the ARN operators match part by part, so a `*` cannot run across `:` into the next part")
                .at(e.path.clone(), e.key.key_span),
        );
    }
    let single = listed(SINGLE_VALUED, key);
    let multi = listed(MULTI_VALUED, key);
    match op.set {
        Some(_) if base == BaseOp::Null => diags.push(
            finding("null-with-set-operator", format!("`{}` is the same as `Null`", e.op_member.key))
                .with_help("`Null` tests whether the key exists; a set prefix adds nothing")
                .at(parent(&e.path), e.op_member.key_span)
                .with_fix("use `Null`", e.op_member.key_span, "\"Null\""),
        ),
        Some(SetOp::ForAllValues) if single => diags.push(
            finding("for-all-values-single-valued-key", format!("`ForAllValues:` on `{key}`, which carries a single value"))
                .with_help("`ForAllValues` is true when the key is absent, so requests without it pass; drop the prefix")
                .at(e.path.clone(), e.key.key_span),
        ),
        Some(SetOp::ForAnyValue) if single => diags.push(
            finding("for-any-value-single-valued-key", format!("`ForAnyValue:` on `{key}`, which carries a single value"))
                .with_help("the prefix is for keys with several values; drop it")
                .at(e.path.clone(), e.key.key_span),
        ),
        None if multi && base != BaseOp::Null => diags.push(
            finding("missing-set-operator", format!("`{key}` carries several values but `{}` has no `ForAnyValue:` or `ForAllValues:`", e.op_member.key))
                .with_help("a plain operator never matches a key with several values; prefix it with `ForAnyValue:` (any value matches) or `ForAllValues:` (every value matches)")
                .at(e.path.clone(), e.key.key_span),
        ),
        _ => {}
    }
    if op.set == Some(SetOp::ForAnyValue) && base.negated() {
        diags.push(
            finding("for-any-value-negated", format!("`{}` is true as soon as one value differs", e.op_member.key))
                .with_help("with two or more values it is almost always true; use `ForAllValues:` with the negated operator to exclude values")
                .at(e.path.clone(), e.key.key_span),
        );
    }
    if effect == Effect::Allow
        && op.set == Some(SetOp::ForAllValues)
        && !single
        && base != BaseOp::Null
        && !present.contains(&key.to_ascii_lowercase())
    {
        diags.push(
            finding("for-all-values-without-null", format!("this Allow also applies to requests without `{key}`"))
                .with_help(format!("`ForAllValues` is true when the key is absent or empty; add `\"Null\": {{\"{key}\": \"false\"}}` to require it"))
                .at(e.path.clone(), e.key.key_span),
        );
    }
    let always = listed(ALWAYS_PRESENT, key);
    if effect == Effect::Deny && base.negated() && op.if_exists && !always {
        let plain = with(base, op.set, false);
        diags.push(
            finding("negated-if-exists-in-deny", format!("`IfExists` does not stop this Deny from applying to requests without `{key}`"))
                .with_help(format!("a negated operator is already true for an absent key, so `{}` still denies them; add `\"Null\": {{\"{key}\": \"false\"}}` if they must not be denied", e.op_member.key))
                .at(parent(&e.path), e.op_member.key_span)
                .with_fix(format!("write `{plain}`"), e.op_member.key_span, quoted(&plain)),
        );
    }
    if effect == Effect::Allow
        && base.negated()
        && !op.if_exists
        && op.set.is_none()
        && !always
        && !present.contains(&key.to_ascii_lowercase())
    {
        diags.push(
            finding("negated-operator-in-allow", format!("`{}` is true for requests without `{key}`, so this Allow grants them too", e.op_member.key))
                .with_help(format!("a negated operator matches an absent key; add `\"Null\": {{\"{key}\": \"false\"}}` or use a positive operator"))
                .at(e.path.clone(), e.key.key_span),
        );
    }
    if base.family() == Family::Ip {
        ip_values(doc, key, &values, diags);
    }
}

fn parent(path: &str) -> String {
    String::from(path.rsplit_once('/').map_or(path, |(head, _)| head))
}

fn items_of(value: &Json, path: &str) -> Vec<(String, Span, String)> {
    match value.as_array() {
        Some(list) => list
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                Some((String::from(v.scalar_text()?), v.span, join_pointer(path, &super::util::itoa(i))))
            })
            .collect(),
        None => value
            .scalar_text()
            .map(|t| alloc::vec![(String::from(t), value.span, String::from(path))])
            .unwrap_or_default(),
    }
}

pub(crate) fn not_substituted(doc: &Doc<'_>, text: &str, path: &str, span: Span) -> Diagnostic {
    let help = match (doc.policy.dialect, doc.policy.version.as_deref()) {
        (Dialect::Ram, _) => "RAM policies have no policy variables; the text is matched literally",
        (_, None) => "without a Version the text is matched literally; add `\"Version\": \"2012-10-17\"`",
        _ => "Version `2008-10-17` matches the text literally; use `\"Version\": \"2012-10-17\"`",
    };
    finding(
        "variables-not-substituted",
        format!("`{text}` is not substituted: this policy's Version does not support policy variables"),
    )
    .with_help(help)
    .at(String::from(path), span)
}

fn ip_values(doc: &Doc<'_>, key: &str, values: &[(String, Span, String)], diags: &mut Vec<Diagnostic>) {
    for (text, span, path) in values {
        let Some((addr, prefix)) = text.split_once('/') else {
            private(doc, key, text, 128, *span, path, diags);
            continue;
        };
        let (Some(ip), Ok(prefix)) = (IpAddr::parse(addr), prefix.parse::<u8>()) else { continue };
        let width: u8 = if ip.v6 { 128 } else { 32 };
        if prefix > width {
            continue;
        }
        let network = mask(ip.bits, prefix, width);
        if network != ip.bits {
            let fixed = format!("{}/{prefix}", format_ip(network, ip.v6));
            diags.push(
                finding("cidr-host-bits", format!("`{text}` has bits set after the /{prefix} prefix"))
                    .with_help(format!("the range is `{fixed}`; the extra bits are ignored"))
                    .at(path.clone(), *span)
                    .with_fix(format!("write `{fixed}`"), *span, quoted(&fixed)),
            );
        }
        private(doc, key, text, prefix, *span, path, diags);
    }
}

fn mask(bits: u128, prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let shift = u32::from(width.saturating_sub(prefix));
    let full = if width == 128 { u128::MAX } else { (1u128 << width) - 1 };
    bits & (full >> shift << shift)
}

fn private(doc: &Doc<'_>, key: &str, text: &str, prefix: u8, span: Span, path: &str, diags: &mut Vec<Diagnostic>) {
    if doc.policy.dialect != Dialect::Aws || !key.eq_ignore_ascii_case("aws:SourceIp") {
        return;
    }
    let addr = text.split_once('/').map_or(text, |(a, _)| a);
    let Some(ip) = IpAddr::parse(addr) else { return };
    let within = |net: u128, len: u8, width: u8| prefix >= len && mask(ip.bits, len, width) == net;
    let is_private = if ip.v6 {
        within(0xfc00_u128 << 112, 7, 128)
    } else {
        within(10 << 24, 8, 32) || within((172 << 24) | (16 << 16), 12, 32) || within((192 << 24) | (168 << 16), 16, 32)
    };
    if is_private {
        diags.push(
            finding("private-ip-in-source-ip", format!("`{text}` is a private range, which `aws:SourceIp` never carries"))
                .with_help("requests from a VPC carry their private address in `aws:VpcSourceIp`; use that key (or `aws:SourceVpc`) for private ranges")
                .at(String::from(path), span),
        );
    }
}

fn format_ip(bits: u128, v6: bool) -> String {
    if !v6 {
        let b = bits as u32;
        return format!("{}.{}.{}.{}", b >> 24, (b >> 16) & 0xff, (b >> 8) & 0xff, b & 0xff);
    }
    let groups: Vec<u16> = (0..8).rev().map(|i| ((bits >> (i * 16)) & 0xffff) as u16).collect();
    // Compress the longest run of two or more zero groups.
    let mut best = (0usize, 0usize);
    let mut i = 0;
    while i < groups.len() {
        if groups.get(i) == Some(&0) {
            let start = i;
            while groups.get(i) == Some(&0) {
                i += 1;
            }
            if i - start > best.1 - best.0 {
                best = (start, i);
            }
        } else {
            i += 1;
        }
    }
    let hex = |g: &[u16]| g.iter().map(|x| format!("{x:x}")).collect::<Vec<_>>().join(":");
    if best.1 - best.0 >= 2 {
        format!("{}::{}", hex(groups.get(..best.0).unwrap_or_default()), hex(groups.get(best.1..).unwrap_or_default()))
    } else {
        hex(&groups)
    }
}

/// Bounds on one key from the numeric or date operators of a block.
struct Range<T> {
    /// (bound, inclusive)
    low: Option<(T, bool)>,
    high: Option<(T, bool)>,
    at: Option<(String, Span)>,
}

impl<T> Default for Range<T> {
    fn default() -> Self {
        Range { low: None, high: None, at: None }
    }
}

impl<T: Ord + Clone> Range<T> {
    fn add(&mut self, base: BaseOp, values: Vec<T>, at: (String, Span)) {
        // Values of one key are ORed: the loosest bound counts.
        let (low, inclusive) = match base {
            BaseOp::NumericGreaterThan | BaseOp::DateGreaterThan => (true, false),
            BaseOp::NumericGreaterThanEquals | BaseOp::DateGreaterThanEquals => (true, true),
            BaseOp::NumericLessThan | BaseOp::DateLessThan => (false, false),
            BaseOp::NumericLessThanEquals | BaseOp::DateLessThanEquals => (false, true),
            _ => return,
        };
        let bound = if low { values.into_iter().min() } else { values.into_iter().max() };
        let Some(bound) = bound else { return };
        let slot = if low { &mut self.low } else { &mut self.high };
        let tighter = match slot {
            None => true,
            Some((current, _)) => {
                if low {
                    bound > *current
                } else {
                    bound < *current
                }
            }
        };
        if tighter {
            *slot = Some((bound, inclusive));
        }
        self.at = Some(at);
    }

    fn empty(&self) -> bool {
        match (&self.low, &self.high) {
            (Some((low, low_inc)), Some((high, high_inc))) => match low.cmp(high) {
                Ordering::Greater => true,
                Ordering::Equal => !(*low_inc && *high_inc),
                Ordering::Less => false,
            },
            _ => false,
        }
    }
}

/// Conditions that can never all hold.
fn unreachable(stmt: &Stmt<'_>, entries: &[Entry<'_>], diags: &mut Vec<Diagnostic>) {
    let conditions = &stmt.parsed.conditions;
    let plain = |c: &&crate::condition::Condition| !c.operator.if_exists && c.operator.set.is_none();
    let mut reported = false;
    // `Null: true` (absent) with a positive test of the same key's value.
    let mut positive: BTreeMap<String, &crate::condition::Condition> = BTreeMap::new();
    for c in conditions.iter().filter(plain).filter(|c| c.operator.base != BaseOp::Null && !c.operator.base.negated()) {
        positive.entry(c.key.to_ascii_lowercase()).or_insert(c);
    }
    for null in conditions.iter().filter(plain).filter(|c| c.operator.base == BaseOp::Null) {
        let absent_only = null.values.iter().all(|v| matches!(v, crate::condition::CondValue::Absent(true)));
        if !absent_only || null.values.is_empty() {
            continue;
        }
        if let Some(c) = positive.get(&null.key.to_ascii_lowercase()) {
            let at = entries.iter().find(|e| e.key.key_span == c.span);
            let (path, span) = at.map_or((stmt.path.clone(), c.span), |e| (e.path.clone(), e.key.key_span));
            diags.push(
                finding(
                    "unreachable-statement",
                    format!(
                        "this statement never applies: `Null` requires `{}` to be absent, and `{}` tests its value",
                        null.key,
                        c.operator.canonical()
                    ),
                )
                .with_help("a positive operator is false for an absent key; remove one of the two conditions")
                .at(path, span),
            );
            reported = true;
            break;
        }
    }
    if reported {
        return;
    }
    // Empty numeric and date ranges.
    let mut numbers: BTreeMap<String, Range<Decimal>> = BTreeMap::new();
    let mut dates: BTreeMap<String, Range<Instant>> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.op.if_exists && e.op.set.is_none()) {
        let family = e.op.base.family();
        if !matches!(family, Family::Numeric | Family::Date) {
            continue;
        }
        let texts: Vec<String> = items_of(&e.key.value, "").into_iter().map(|(t, _, _)| t).collect();
        let lower = e.key.key.to_ascii_lowercase();
        let at = (e.path.clone(), e.key.key_span);
        if family == Family::Numeric {
            let values: Vec<Decimal> = texts.iter().filter_map(|t| Decimal::parse(t)).collect();
            numbers.entry(lower).or_default().add(e.op.base, values, at);
        } else {
            let values: Vec<Instant> = texts.iter().filter_map(|t| Instant::parse(t)).collect();
            dates.entry(lower).or_default().add(e.op.base, values, at);
        }
    }
    let empty = numbers
        .iter()
        .filter(|(_, r)| r.empty())
        .map(|(k, r)| (k, r.at.clone()))
        .chain(dates.iter().filter(|(_, r)| r.empty()).map(|(k, r)| (k, r.at.clone())))
        .next();
    if let Some((key, Some((path, span)))) = empty {
        diags.push(
            finding(
                "unreachable-statement",
                format!("this statement never applies: no value of `{key}` satisfies all its bounds"),
            )
            .with_help("the lower bound is above the upper bound; fix one of the conditions")
            .at(path, span),
        );
    }
}
