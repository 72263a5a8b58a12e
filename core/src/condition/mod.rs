//! Condition operators: the catalogue, compiled values and evaluation.
//!
//! Evaluation follows iam-semantics.md section 3: keys are ANDed, the values of
//! one key ORed (NORed for negated operators), the missing-key table of 3.3,
//! set operators per 3.4. A negated operator is the exact negation of its
//! positive form for every request value (section 10, rule 2).

mod compile;
mod operator;

pub use compile::{compile_condition_block, CompileContext};
pub use operator::{BaseOp, Family, Operator, SetOp, BASE_OPERATORS};

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;

use crate::arn::ArnConditionPattern;
use crate::diag::Span;
use crate::glob::Glob;
use crate::value::{decode_base64, parse_bool, Cidr, Decimal, Instant, IpAddr};
use crate::vars::{Mode, Template};

/// One `operator: { key: values }` entry, for one key.
#[derive(Debug, Clone)]
pub struct Condition {
    pub operator: Operator,
    /// The key as written (case is kept for messages; lookups ignore it).
    pub key: String,
    pub values: Box<[CondValue]>,
    /// Span of the key in the source, for explanations.
    pub span: Span,
}

/// A policy value, parsed for its operator's family.
#[derive(Debug, Clone)]
pub enum CondValue {
    /// Exact text (String*, and Bool/ARN values that are variables are templates).
    Text(String),
    /// Lowercased text for the IgnoreCase operators.
    Folded(String),
    Like(Glob),
    Number(Decimal),
    Date(Instant),
    Bool(bool),
    Binary(Box<[u8]>),
    Ip(Cidr),
    Arn(ArnConditionPattern),
    /// `Null`: true means "the key is absent".
    Absent(bool),
    /// Contains `${...}` and the policy substitutes: resolved per request.
    Template(Template),
    /// A malformed value accepted only where never matching fails closed
    /// (see `compile`); it matches no request value.
    Never,
}

/// The values a request gives for a key.
#[derive(Debug, Clone)]
pub enum Values<'a> {
    One(Cow<'a, str>),
    Many(&'a [String]),
}

/// What conditions can ask of a request.
pub trait Lookup {
    /// The values for `key` (compared without regard to ASCII case), if present.
    fn values(&self, key: &str) -> Option<Values<'_>>;

    /// A single value for a policy variable; multivalued keys never resolve.
    fn variable(&self, key: &str) -> Option<Cow<'_, str>> {
        match self.values(key)? {
            Values::One(v) => Some(v),
            Values::Many(_) => None,
        }
    }
}

impl Condition {
    #[cfg_attr(target_family = "wasm", inline(never))]
    pub fn evaluate(&self, lookup: &dyn Lookup) -> bool {
        let op = self.operator;
        if op.base == BaseOp::Null {
            let absent = lookup.values(&self.key).is_none();
            return self.values.iter().any(|v| matches!(v, CondValue::Absent(want) if *want == absent));
        }
        let Some(values) = lookup.values(&self.key) else {
            return match op.set {
                Some(SetOp::ForAllValues) => true,
                Some(SetOp::ForAnyValue) => false,
                None => op.if_exists || op.base.negated(),
            };
        };
        match (op.set, values) {
            (None, Values::One(v)) => self.test(&v, lookup),
            // A bare operator on a multivalued key never matches (iam-semantics 3.4).
            (None, Values::Many(_)) => false,
            (Some(SetOp::ForAllValues), Values::One(v)) | (Some(SetOp::ForAnyValue), Values::One(v)) => {
                self.test(&v, lookup)
            }
            (Some(SetOp::ForAllValues), Values::Many(vs)) => vs.iter().all(|v| self.test(v, lookup)),
            (Some(SetOp::ForAnyValue), Values::Many(vs)) => vs.iter().any(|v| self.test(v, lookup)),
        }
    }

    /// One request value against the policy values: OR for positive
    /// operators; for negated ones, true only when no policy value matches and
    /// every policy value resolved.
    fn test(&self, request: &str, lookup: &dyn Lookup) -> bool {
        let base = self.operator.base;
        let parsed = RequestValue::parse(base.family(), request);
        if base.negated() {
            self.values.iter().all(|v| matches!(value_matches(base, v, request, &parsed, lookup), Some(false)))
        } else {
            self.values.iter().any(|v| value_matches(base, v, request, &parsed, lookup) == Some(true))
        }
    }
}

/// A request value parsed once for the operator family.
enum RequestValue {
    Text,
    Folded(String),
    Number(Option<Decimal>),
    Date(Option<Instant>),
    Bool(Option<bool>),
    Binary(Option<alloc::vec::Vec<u8>>),
    Ip(Option<IpAddr>),
}

impl RequestValue {
    fn parse(family: Family, text: &str) -> RequestValue {
        match family {
            Family::String | Family::Arn | Family::Null => RequestValue::Text,
            Family::StringIgnoreCase => RequestValue::Folded(fold(text)),
            Family::Numeric => RequestValue::Number(Decimal::parse(text)),
            Family::Date => RequestValue::Date(Instant::parse(text)),
            Family::Bool => RequestValue::Bool(parse_bool(text)),
            Family::Binary => RequestValue::Binary(decode_base64(text)),
            Family::Ip => RequestValue::Ip(IpAddr::parse(text)),
        }
    }
}

/// Lowercases for the IgnoreCase operators (full Unicode lowercase).
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
    }
}

/// Whether the positive form of `base` holds for one policy value; `None`
/// when the value has an unresolvable variable (it then matches nothing, for
/// positive and negated operators alike, as iam-semantics V10 pins).
fn value_matches(
    base: BaseOp,
    value: &CondValue,
    request: &str,
    parsed: &RequestValue,
    lookup: &dyn Lookup,
) -> Option<bool> {
    use core::cmp::Ordering;
    let order = |ord: Option<Ordering>| -> bool {
        let Some(ord) = ord else { return false };
        match base.comparison() {
            operator::Comparison::Equal => ord == Ordering::Equal,
            operator::Comparison::Less => ord == Ordering::Less,
            operator::Comparison::LessOrEqual => ord != Ordering::Greater,
            operator::Comparison::Greater => ord == Ordering::Greater,
            operator::Comparison::GreaterOrEqual => ord != Ordering::Less,
            operator::Comparison::Like | operator::Comparison::Within => false,
        }
    };
    Some(match (value, parsed) {
        (CondValue::Text(want), _) => request == want,
        (CondValue::Folded(want), RequestValue::Folded(got)) => got == want,
        (CondValue::Like(glob), _) => glob.matches(request),
        (CondValue::Number(want), RequestValue::Number(got)) => order(got.as_ref().map(|g| g.cmp(want))),
        (CondValue::Date(want), RequestValue::Date(got)) => order(got.map(|g| g.cmp(want))),
        (CondValue::Bool(want), RequestValue::Bool(got)) => *got == Some(*want),
        (CondValue::Binary(want), RequestValue::Binary(got)) => got.as_deref() == Some(&want[..]),
        (CondValue::Ip(cidr), RequestValue::Ip(got)) => got.is_some_and(|ip| cidr.contains(ip)),
        (CondValue::Arn(pattern), _) => pattern.matches(request),
        (CondValue::Template(template), _) => return resolved_matches(base, template, request, parsed, lookup),
        _ => false,
    })
}

fn resolved_matches(
    base: BaseOp,
    template: &Template,
    request: &str,
    parsed: &RequestValue,
    lookup: &dyn Lookup,
) -> Option<bool> {
    let glob_mode = matches!(base.family(), Family::Arn) || base.comparison() == operator::Comparison::Like;
    let mode = if glob_mode { Mode::Glob } else { Mode::Plain };
    let text = template.resolve(mode, &mut |key| lookup.variable(key))?;
    let value = match base.family() {
        Family::String if mode == Mode::Glob => CondValue::Like(Glob::from_escaped(&text, false)),
        Family::String => CondValue::Text(text),
        Family::StringIgnoreCase => CondValue::Folded(fold(&text)),
        Family::Arn => match ArnConditionPattern::compile(&text) {
            Some(pattern) => CondValue::Arn(pattern),
            None => CondValue::Never,
        },
        Family::Bool => match parse_bool(&text) {
            Some(b) => CondValue::Bool(b),
            None => CondValue::Never,
        },
        // Other families do not substitute, so they never hold templates.
        _ => CondValue::Never,
    };
    value_matches(base, &value, request, parsed, lookup)
}
