//! A request's parts from a JSON value, with the rules every form of request
//! follows: text the fast reader gives up on (read into a [`Json`] with
//! spans first), a JavaScript object the npm package hands over (a [`Json`]
//! without spans), a test case's request. Unknown fields are errors, `null`
//! means absent, context values are strings, numbers or booleans or lists of
//! them, and context keys ignore case. Every problem names its place: a JSON
//! pointer, and the span of the value when the JSON came from text.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{check_context_value, Context, ContextValue, Parts, SessionParts, Stored, REQUEST_HELP};
use crate::diag::{Diagnostic, Span};
use crate::json::{self, join_pointer, Json, Member, Value};
use crate::limits;

/// The request's fields, in the order the help text lists them.
const FIELDS: &str = "`principal`, `action`, `resource`, `resourceAccount`, `session` and `context`";
const SESSION_FIELDS: &str = "`name`, `policy` and `issuedAt`";

/// A problem with the request, boxed so that the success path stays small.
pub(super) type Problem = Box<Diagnostic>;

fn invalid(message: String, path: String, span: Span) -> Problem {
    Box::new(Diagnostic::error("invalid-request", message).with_help(REQUEST_HELP).at(path, span))
}

/// The members of an object, or "`what` must be an object".
fn members<'a>(json: &'a Json, what: &str, path: &str) -> Result<&'a [Member], Problem> {
    json.as_object().ok_or_else(|| {
        invalid(format!("{what} must be an object, found {}", json.kind_name()), String::from(path), json.span)
    })
}

/// A string member's value, or "`field` must be a string".
fn string<'a>(value: &'a Json, field: &str, path: &str) -> Result<(&'a str, Span), Problem> {
    match &value.value {
        Value::String(s) => Ok((s, value.span)),
        _ => Err(invalid(
            format!("`{field}` must be a string, found {}", value.kind_name()),
            join_pointer(path, field),
            value.span,
        )),
    }
}

/// `null` for absent, else what `read` makes of the value.
fn nullable<'a, T>(value: &'a Json, read: impl FnOnce(&'a Json) -> Result<T, Problem>) -> Result<Option<T>, Problem> {
    match value.value {
        Value::Null => Ok(None),
        _ => read(value).map(Some),
    }
}

/// A member given twice. JSON text cannot hold one (the JSON reader refuses
/// duplicate keys), but a value built another way might.
fn once<T>(slot: &Option<T>, member: &Member, path: &str) -> Result<(), Problem> {
    if slot.is_some() {
        return Err(Box::new(
            Diagnostic::error("json-duplicate-key", format!("duplicate key `{}`", member.key))
                .with_help("each field of a request is given once")
                .at(join_pointer(path, &member.key), member.key_span),
        ));
    }
    Ok(())
}

pub(super) fn parts(json: &Json) -> Result<Parts<'_>, Problem> {
    let mut principal = None;
    let mut action = None;
    let mut resource = None;
    let mut resource_account = None;
    let mut session = None;
    let mut context = None;
    for m in members(json, "a request", "")? {
        let value = &m.value;
        match m.key.as_str() {
            "principal" => {
                once(&principal, m, "")?;
                principal = Some(string(value, "principal", "")?);
            }
            "action" => {
                once(&action, m, "")?;
                action = Some(string(value, "action", "")?);
            }
            "resource" => {
                once(&resource, m, "")?;
                resource = Some(string(value, "resource", "")?);
            }
            "resourceAccount" => {
                once(&resource_account, m, "")?;
                resource_account = Some(nullable(value, |v| string(v, "resourceAccount", ""))?);
            }
            "session" => {
                once(&session, m, "")?;
                session = Some(nullable(value, session_parts)?);
            }
            "context" => {
                once(&context, m, "")?;
                context = Some(nullable(value, context_of)?);
            }
            other => {
                return Err(invalid(
                    format!("unknown field `{other}` in the request; a request has {FIELDS}"),
                    join_pointer("", other),
                    m.key_span,
                ))
            }
        }
    }
    let missing = |field: &str| {
        invalid(format!("the request has no `{field}`"), String::new(), Span::new(json.span.start, json.span.start + 1))
    };
    let (principal, principal_span) = principal.ok_or_else(|| missing("principal"))?;
    let (action, action_span) = action.ok_or_else(|| missing("action"))?;
    let (resource, resource_span) = resource.ok_or_else(|| missing("resource"))?;
    Ok(Parts {
        principal: Cow::Borrowed(principal),
        action: Cow::Borrowed(action),
        resource: Cow::Borrowed(resource),
        resource_account: resource_account.flatten().map(|(text, _)| Cow::Borrowed(text)),
        session: session.flatten(),
        context: context.flatten().unwrap_or_default(),
        spans: [principal_span, action_span, resource_span],
    })
}

fn session_parts(json: &Json) -> Result<SessionParts<'_>, Problem> {
    let mut name = None;
    let mut policy = None;
    let mut issued_at = None;
    for m in members(json, "`session`", "/session")? {
        let value = &m.value;
        match m.key.as_str() {
            "name" => {
                once(&name, m, "/session")?;
                name = Some(nullable(value, |v| string(v, "name", "/session"))?);
            }
            "policy" => {
                once(&policy, m, "/session")?;
                policy = Some(nullable(value, |v| Ok(Cow::Borrowed(v)))?);
            }
            "issuedAt" => {
                once(&issued_at, m, "/session")?;
                issued_at = Some(nullable(value, |v| string(v, "issuedAt", "/session"))?);
            }
            other => {
                return Err(invalid(
                    format!("unknown field `{other}` in `session`; a session has {SESSION_FIELDS}"),
                    join_pointer("/session", other),
                    m.key_span,
                ))
            }
        }
    }
    Ok(SessionParts {
        name: name.flatten().map(|(text, _)| Cow::Borrowed(text)),
        policy: policy.flatten(),
        issued_at: issued_at.flatten().map(|(text, span)| (Cow::Borrowed(text), span)),
    })
}

fn context_of(json: &Json) -> Result<Context<'_>, Problem> {
    let members = members(json, "`context`", "/context")?;
    let mut context = Context::with_capacity(members.len().min(limits::MAX_CONTEXT_KEYS));
    for m in members {
        // Pointers are made only for problems: this runs for every request.
        let path = || join_pointer("/context", &m.key);
        let value = context_value(&m.value, &m.key)?;
        if context.contains_key(&m.key) {
            return Err(invalid(
                format!("context key `{}` is given twice (keys ignore case)", m.key),
                path(),
                m.key_span,
            ));
        }
        if context.len() >= limits::MAX_CONTEXT_KEYS {
            return Err(Box::new(
                Diagnostic::error("limit-context", format!("more than {} context keys", limits::MAX_CONTEXT_KEYS))
                    .with_help("a request carries a small context")
                    .at(path(), m.key_span),
            ));
        }
        if let Some(value) = value {
            context.push(Cow::Borrowed(&m.key), Stored::of(value));
        }
    }
    Ok(context)
}

/// One context value: `None` for `null`.
fn context_value(json: &Json, key: &str) -> Result<Option<ContextValue>, Problem> {
    let path = || join_pointer("/context", key);
    match &json.value {
        Value::Null => Ok(None),
        Value::Array(items) => {
            if items.len() > limits::MAX_CONTEXT_VALUES {
                return Err(Box::new(
                    Diagnostic::error(
                        "limit-context",
                        format!("context key `{key}` has more than {} values", limits::MAX_CONTEXT_VALUES),
                    )
                    .with_help("a request carries a small context")
                    .at(path(), json.span),
                ));
            }
            let mut values = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let item_path = || join_pointer(&path(), &format!("{i}"));
                match &item.value {
                    Value::Null => {
                        return Err(invalid(String::from("context lists cannot contain null"), item_path(), item.span))
                    }
                    Value::Array(_) | Value::Object(_) => {
                        return Err(invalid(
                            String::from("context lists hold strings, numbers or booleans, not lists or objects"),
                            item_path(),
                            item.span,
                        ))
                    }
                    _ => values.push(scalar(item, key, item_path)?),
                }
            }
            Ok(Some(ContextValue::Many(values)))
        }
        Value::Object(_) => Err(invalid(
            format!("context key `{key}` must be a string, number or boolean, or a list of them, found an object"),
            path(),
            json.span,
        )),
        _ => scalar(json, key, path).map(|v| Some(ContextValue::One(v))),
    }
}

/// A string, number or boolean as context text: numbers as the shortest
/// text of their value where a double holds it exactly (`1.0` is `1`), else
/// as written; booleans as `true` / `false`.
fn scalar(json: &Json, key: &str, path: impl FnOnce() -> String) -> Result<String, Problem> {
    let text = match &json.value {
        Value::String(s) => s.clone(),
        Value::Number(n) => number_value(n),
        Value::Bool(b) => String::from(if *b { "true" } else { "false" }),
        _ => String::new(),
    };
    check_context_value(text, key).map_err(|message| {
        Box::new(Diagnostic::error("limit-pattern-length", message).with_help(REQUEST_HELP).at(path(), json.span))
    })
}

/// The text a JSON number stands for in a context.
pub(super) fn number_value(lexeme: &str) -> String {
    if !lexeme.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        if let Ok(v) = lexeme.parse::<u64>() {
            return format!("{v}");
        }
        if let Ok(v) = lexeme.parse::<i64>() {
            return format!("{v}");
        }
    }
    json::decimal_value(lexeme).and_then(json::number_text).unwrap_or_else(|| String::from(lexeme))
}

#[cfg(test)]
mod tests {
    use super::super::{Context, Request, RequestInput};
    use super::number_value;
    use alloc::string::String;

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for (lexeme, text) in [
            ("0", "0"),
            ("-0", "0"),
            ("3600", "3600"),
            ("-17", "-17"),
            ("1.0", "1"),
            ("1.50", "1.5"),
            ("1e2", "100"),
            ("18446744073709551615", "18446744073709551615"),
        ] {
            assert_eq!(number_value(lexeme), text, "{lexeme}");
        }
        // What a double would round keeps its digits as written.
        assert_eq!(number_value("0.12345678901234567890123"), "0.12345678901234567890123");
        assert_eq!(number_value("1e400"), "1e400");
    }

    /// Text and serde (over `RequestInput`, the structured input) agree on what they accept and on the request.
    #[test]
    fn text_reads_as_serde_reads_it() {
        let numbers = ["0", "-0", "3600", "-17", "1.0", "1.5", "1e2", "-2.5E-3", "18446744073709551615"];
        let mut texts: alloc::vec::Vec<String> = numbers
            .iter()
            .map(|n| alloc::format!(r#"{{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{{"n":{n},"l":[{n},"x",true]}}}}"#))
            .collect();
        for extra in [
            r#""resourceAccount":"1234","context":{"acs:MFAPresent":true,"gone":null,"aws:TagKeys":["a","b"]}"#,
            r#""session":{"name":"build-1","issuedAt":"2026-11-23T10:00:00Z"}"#,
            r#""session":{"name":null,"policy":null,"issuedAt":null},"resourceAccount":null,"context":null"#,
            r#""context":{"k\u00e9y":"v\n\"q\"","other":"\ud83d\ude00"}"#,
            r#""context":{"a":1,"A":2}"#,
            r#""context":{"a":[[1]]}"#,
            r#""context":{"a":{"b":1}}"#,
            r#""context":{"a":[null]}"#,
            r#""contxt":{}"#,
            r#""session":{"polcy":{}}"#,
            r#""principal":"user/b""#,
            r#""resourceAccount":7"#,
        ] {
            texts.push(alloc::format!(
                r#"{{"principal":"user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",{extra}}}"#
            ));
        }
        texts.push(String::from(r#"{"principal":"user/a","action":"s3:GetObject"}"#));
        texts.push(String::from(r#"["principal"]"#));
        texts.push(String::from(r#"{"principal":"user/a","action":"s3:GetObject","resource":"*"} x"#));
        for text in &texts {
            let ours = Request::from_json_str(text);
            let serde = serde_json::from_str::<RequestInput>(text)
                .map_err(|_| ())
                .and_then(|i| Request::new(i).map_err(|_| ()));
            match (ours, serde) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(
                        (a.principal(), a.action(), a.resource(), a.resource_account()),
                        (b.principal(), b.action(), b.resource(), b.resource_account()),
                        "{text}"
                    );
                    assert_eq!(context_entries(&a.context), context_entries(&b.context), "{text}");
                    assert_eq!(
                        a.session.map(|s| (s.name, s.issued_at)),
                        b.session.map(|s| (s.name, s.issued_at)),
                        "{text}"
                    );
                }
                (Err(_), Err(())) => {}
                (ours, serde) => panic!("{text}: reader {:?}, serde {:?}", ours.map(|_| ()), serde.map(|_| ())),
            }
        }
    }

    fn context_entries(c: &Context<'_>) -> alloc::vec::Vec<(String, super::ContextValue)> {
        c.iter().map(|(k, v)| (String::from(k), v.to_owned())).collect()
    }

    #[test]
    fn problems_name_their_place() {
        let text = "{\"principal\": \"user/a\",\n \"action\": \"s3:GetObject\", \"resource\": \"*\",\n \"context\": {\"a\": {\"b\": 1}}}";
        let d = &Request::from_json_str(text).unwrap_err().diagnostics[0];
        assert_eq!((d.code.as_ref(), d.path.as_str(), d.line, d.column), ("invalid-request", "/context/a", 3, 19));
        assert_eq!(text.get(d.span.start..d.span.end), Some("{\"b\": 1}"));
        let text = r#"{"principal":"user/a","action":"s3:Get*","resource":"*"}"#;
        let d = &Request::from_json_str(text).unwrap_err().diagnostics[0];
        assert_eq!((d.path.as_str(), text.get(d.span.start..d.span.end)), ("/action", Some("\"s3:Get*\"")));
        let d = &Request::from_json_str(
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","session":{"issuedAt":"soon"}}"#,
        )
        .unwrap_err()
        .diagnostics[0];
        assert_eq!((d.path.as_str(), d.message.as_str()), ("/session/issuedAt", "`soon` is not a time"));
        let d = &Request::from_json_str(r#"{"principal":"user/a","principal":"user/b"}"#).unwrap_err().diagnostics[0];
        assert_eq!((d.code.as_ref(), d.path.as_str()), ("json-duplicate-key", "/principal"));
        let d = &Request::from_json_str(r#"{"principal":"user/a","action":"s3:GetObject","resource":"*""#)
            .unwrap_err()
            .diagnostics[0];
        assert_eq!(d.code, "json-syntax");
        let text = r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","contxt":{}}"#;
        let d = &Request::from_json_str(text).unwrap_err().diagnostics[0];
        assert_eq!((d.path.as_str(), text.get(d.span.start..d.span.end)), ("/contxt", Some("\"contxt\"")));
    }
}
