//! Turning a `Condition` block into [`Condition`]s, with every problem reported
//! against its place in the source.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::operator::{Family, OperatorError};
use super::{fold, BaseOp, CondValue, Condition, Operator};
use crate::arn::ArnConditionPattern;
use crate::diag::{Diagnostic, Severity, Span};
use crate::glob::Glob;
use crate::json::{join_pointer, Json, Value};
use crate::limits;
use crate::policy::{Dialect, Effect};
use crate::value::{decode_base64, parse_bool, Cidr, Decimal, Instant};
use crate::vars::Template;

/// What the surrounding statement tells the compiler.
#[derive(Debug, Clone, Copy)]
pub struct CompileContext<'a> {
    pub dialect: Dialect,
    /// The policy's Version substitutes `${...}` variables.
    pub substitutes: bool,
    pub effect: Effect,
    /// JSON pointer of the Condition block.
    pub path: &'a str,
}

/// Compiles a whole Condition block. Problems go to `diags`; conditions with
/// errors are left out (the caller refuses the policy when any error exists).
pub fn compile_condition_block(block: &Json, cx: CompileContext<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Condition> {
    let mut out = Vec::new();
    let Some(operators) = block.as_object() else {
        diags.push(
            Diagnostic::error(
                "invalid-condition",
                format!("`Condition` must be an object, found {}", block.kind_name()),
            )
            .with_help("write `\"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/team\": \"dev\"}}`")
            .at(cx.path, block.span),
        );
        return out;
    };
    if operators.len() > limits::MAX_CONDITION_OPERATORS {
        diags.push(limit_error(
            "limit-condition-operators",
            format!(
                "this Condition has {} operators, more than the limit of {}",
                operators.len(),
                limits::MAX_CONDITION_OPERATORS
            ),
            cx.path,
            block.span,
        ));
        return out;
    }
    for member in operators {
        let op_path = join_pointer(cx.path, &member.key);
        let operator = match Operator::parse(&member.key, cx.dialect) {
            Ok(op) => op,
            Err(err) => {
                let mut d = operator_error(&member.key, &err, cx.dialect).at(op_path, member.key_span);
                if let OperatorError::Unknown { suggestion: Some(s) } = &err {
                    // Keep the set prefix the author wrote, fix the rest.
                    let prefix = member.key.rsplit_once(':').map_or("", |(prefix, _)| prefix);
                    let fixed = if prefix.is_empty() { s.clone() } else { format!("{prefix}:{s}") };
                    let replacement = serde_json::to_string(&fixed).unwrap_or_default();
                    d = d.with_fix(format!("use `{fixed}`"), member.key_span, replacement);
                }
                diags.push(d);
                continue;
            }
        };
        if operator.base == BaseOp::Null && member.key.to_ascii_lowercase().ends_with("ifexists") {
            diags.push(
                Diagnostic::new("null-with-if-exists", Severity::Warning, format!("`{}` is evaluated as `Null`", member.key))
                    .with_help("`IfExists` has no meaning for `Null`, which already tests whether the key exists; remove `IfExists`")
                    .at(op_path.clone(), member.key_span)
                    .with_fix("use `Null`", member.key_span, "\"Null\""),
            );
        }
        let Some(keys) = member.value.as_object() else {
            diags.push(
                Diagnostic::error(
                    "invalid-condition",
                    format!(
                        "the value of `{}` must be an object of condition keys, found {}",
                        member.key,
                        member.value.kind_name()
                    ),
                )
                .with_help("write `{\"<condition key>\": \"<value>\" or [\"<value>\", ...]}`")
                .at(op_path, member.value.span),
            );
            continue;
        };
        if keys.len() > limits::MAX_CONDITION_KEYS {
            diags.push(limit_error(
                "limit-condition-keys",
                format!(
                    "`{}` has {} keys, more than the limit of {}",
                    member.key,
                    keys.len(),
                    limits::MAX_CONDITION_KEYS
                ),
                &op_path,
                member.value.span,
            ));
            continue;
        }
        for (i, key) in keys.iter().enumerate() {
            let key_path = join_pointer(&op_path, &key.key);
            if let Some(first) = keys.iter().take(i).find(|k| k.key.eq_ignore_ascii_case(&key.key)) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-condition-key",
                        format!("condition key `{}` appears twice under `{}` (as `{}` too)", key.key, member.key, first.key),
                    )
                    .with_help("condition keys ignore case, so both entries test the same key; merge their values into one list")
                    .at(key_path, key.key_span),
                );
                continue;
            }
            if key.key.is_empty() || key.key.chars().any(char::is_whitespace) {
                diags.push(
                    Diagnostic::error("invalid-condition-key", format!("`{}` is not a condition key", key.key))
                        .with_help(
                            "condition keys look like `aws:SourceIp`, `acs:MFAPresent` or `aws:PrincipalTag/team`",
                        )
                        .at(key_path, key.key_span),
                );
                continue;
            }
            let values = compile_values(operator, &key.value, &key_path, cx, diags);
            if let Some(values) = values {
                out.push(Condition {
                    operator,
                    key: key.key.clone(),
                    values: values.into_boxed_slice(),
                    span: key.key_span,
                });
            }
        }
    }
    out
}

fn limit_error(code: &'static str, message: String, path: &str, span: Span) -> Diagnostic {
    Diagnostic::error(code, message).with_help("see the limits in the crate documentation").at(path, span)
}

fn operator_error(name: &str, err: &OperatorError, dialect: Dialect) -> Diagnostic {
    match err {
        OperatorError::Unknown { suggestion } => {
            let d = Diagnostic::error("unknown-operator", format!("unknown condition operator `{name}`"));
            match suggestion {
                Some(s) => d.with_help(format!("did you mean `{s}`? an unknown operator would never match, so a Deny using it would fail open")),
                None => d.with_help("see the condition operators of IAM (StringEquals, NumericLessThan, DateGreaterThan, Bool, IpAddress, ArnLike, Null, ...)"),
            }
        }
        OperatorError::UnknownSetPrefix => Diagnostic::error("unknown-operator", format!("unknown set operator in `{name}`"))
            .with_help("the only set operators are `ForAllValues:` and `ForAnyValue:`"),
        OperatorError::NotInRam => Diagnostic::error(
            "operator-not-in-dialect",
            format!("`{name}` is not a condition operator of Alibaba Cloud RAM"),
        )
        .with_help(match dialect {
            Dialect::Ram => "RAM supports the String, Numeric, Date, Bool and IpAddress operators; use the AWS dialect (Version 2012-10-17) for the others",
            Dialect::Aws => "",
        }),
        OperatorError::PartNotInRam(part) => Diagnostic::error(
            "operator-not-in-dialect",
            format!("`{part}` in `{name}` is not supported by Alibaba Cloud RAM"),
        )
        .with_help("RAM rejects `...IfExists` operators; test the key's presence another way or use the AWS dialect"),
    }
}

/// Compiles the value list of one key. `None` after reporting an error.
fn compile_values(
    op: Operator,
    raw: &Json,
    path: &str,
    cx: CompileContext<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<CondValue>> {
    let items: Vec<(&Json, String)> = match &raw.value {
        Value::Array(items) => {
            if items.len() > limits::MAX_CONDITION_VALUES {
                diags.push(limit_error(
                    "limit-condition-values",
                    format!(
                        "{} values for one key, more than the limit of {}",
                        items.len(),
                        limits::MAX_CONDITION_VALUES
                    ),
                    path,
                    raw.span,
                ));
                return None;
            }
            items.iter().enumerate().map(|(i, item)| (item, join_pointer(path, itoa(i).as_str()))).collect()
        }
        _ => alloc::vec![(raw, String::from(path))],
    };
    let mut values = Vec::with_capacity(items.len());
    let mut ok = true;
    for (item, item_path) in items {
        let Some(text) = item.scalar_text() else {
            diags.push(
                Diagnostic::error(
                    "invalid-condition-value",
                    format!("a condition value must be a string, number or boolean, found {}", item.kind_name()),
                )
                .with_help("write one value, or a list of values that are ORed")
                .at(item_path, item.span),
            );
            ok = false;
            continue;
        };
        if text.len() > limits::MAX_PATTERN_BYTES {
            diags.push(limit_error(
                "limit-pattern-length",
                format!("this value is {} bytes, more than the limit of {}", text.len(), limits::MAX_PATTERN_BYTES),
                &item_path,
                item.span,
            ));
            ok = false;
            continue;
        }
        match compile_value(op, &text, cx) {
            Ok(value) => values.push(value),
            Err(problem) => {
                let lenient = problem.lenient && fails_closed(op.base, cx.effect);
                let mut d =
                    Diagnostic::error(problem.code, problem.message).with_help(problem.help).at(item_path, item.span);
                if lenient {
                    d.severity = Severity::Warning;
                    d.help = Some(format!("{}; as written this value never matches", d.help.unwrap_or_default()));
                    values.push(CondValue::Never);
                } else {
                    ok = false;
                }
                diags.push(d);
            }
        }
    }
    ok.then_some(values)
}

/// A value that never matches is safe when that can only take access away:
/// in an Allow with a positive operator, or a Deny with a negated one.
fn fails_closed(base: BaseOp, effect: Effect) -> bool {
    match effect {
        Effect::Allow => !base.negated(),
        Effect::Deny => base.negated(),
    }
}

struct Problem {
    code: &'static str,
    message: String,
    help: String,
    /// AWS accepts the value and never matches it (pinned by the conformance
    /// vectors for Bool and ARN values); we accept it only where that fails closed.
    lenient: bool,
}

fn problem(code: &'static str, message: String, help: &str) -> Problem {
    Problem { code, message, help: String::from(help), lenient: false }
}

fn compile_value(op: Operator, text: &str, cx: CompileContext<'_>) -> Result<CondValue, Problem> {
    let family = op.base.family();
    let takes_variables = matches!(family, Family::String | Family::StringIgnoreCase | Family::Arn | Family::Bool);
    if cx.substitutes && takes_variables {
        match Template::parse(text) {
            Ok(Some(template)) => return Ok(CondValue::Template(template)),
            Ok(None) => {}
            Err(e) => {
                return Err(problem(
                    "invalid-variable",
                    format!("bad policy variable in `{text}`: {}", e.message),
                    "variables look like `${aws:username}` or `${aws:PrincipalTag/team, 'default'}`",
                ))
            }
        }
    }
    Ok(match family {
        Family::String if op.base.comparison() == super::operator::Comparison::Like => CondValue::Like(Glob::new(text, false)),
        Family::String => CondValue::Text(String::from(text)),
        Family::StringIgnoreCase => CondValue::Folded(fold(text)),
        Family::Numeric => CondValue::Number(Decimal::parse(text).ok_or_else(|| {
            problem(
                "invalid-number",
                format!("`{text}` is not a number"),
                "Numeric operators take integers or decimals such as `3600` or `0.5`",
            )
        })?),
        Family::Date => CondValue::Date(Instant::parse(text).ok_or_else(|| {
            problem(
                "invalid-date",
                format!("`{text}` is not a date"),
                "Date operators take ISO 8601 with a time zone (`2026-11-23T10:00:00Z`), a date (`2026-11-23`) or epoch seconds",
            )
        })?),
        Family::Bool => CondValue::Bool(parse_bool(text).ok_or_else(|| Problem {
            lenient: true,
            ..problem("invalid-bool", format!("`{text}` is not a boolean"), "`Bool` takes `true` or `false`")
        })?),
        Family::Binary => CondValue::Binary(
            decode_base64(text)
                .ok_or_else(|| {
                    problem("invalid-base64", format!("`{text}` is not base64"), "`BinaryEquals` compares base64-encoded bytes")
                })?
                .into_boxed_slice(),
        ),
        Family::Ip => CondValue::Ip(Cidr::parse(text).ok_or_else(|| {
            problem(
                "invalid-cidr",
                format!("`{text}` is not an IP address or CIDR range"),
                "write an IPv4 or IPv6 address or range such as `203.0.113.0/24` or `2001:db8::/32`",
            )
        })?),
        Family::Arn => {
            let mut escaped = String::new();
            for c in text.chars() {
                if c == '\\' {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            CondValue::Arn(ArnConditionPattern::compile(&escaped).ok_or_else(|| Problem {
                lenient: true,
                ..problem(
                    "invalid-arn",
                    format!("`{text}` is not a whole ARN"),
                    "ARN operators compare all parts: `arn:partition:service:region:account:resource` (or five `acs:` parts)",
                )
            })?)
        }
        Family::Null => CondValue::Absent(parse_bool(text).ok_or_else(|| {
            problem("invalid-null-value", format!("`{text}` is not a valid `Null` value"), "`Null` takes `true` (the key is absent) or `false` (the key is present)")
        })?),
    })
}

fn itoa(n: usize) -> String {
    format!("{n}")
}
