//! Request JSON text read in one pass, straight into a request's parts:
//! strings are borrowed from the text where they have no escapes, and every
//! problem names its place (JSON pointer and span; line and column are
//! filled in from the text by the caller).
//!
//! The rules are those of [`RequestInput`](super::RequestInput) (unknown
//! fields are errors, `null` means absent) and of the context reader
//! (values are strings, numbers or booleans, or lists of them; keys ignore
//! case), so text and structured input give the same request.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{check_context_value, Context, ContextValue, Parts, SessionParts, REQUEST_HELP};
use crate::diag::{Diagnostic, Span};
use crate::json::{self, Json, JsonLimits, Reader};
use crate::limits;

/// The request's fields, in the order the help text lists them.
const FIELDS: &str = "`principal`, `action`, `resource`, `resourceAccount`, `session` and `context`";
const SESSION_FIELDS: &str = "`name`, `policy` and `issuedAt`";

pub(super) fn read(text: &str) -> Result<Parts<'_>, Problem> {
    let limits = JsonLimits { max_bytes: limits::MAX_REQUEST_BYTES, max_depth: limits::MAX_JSON_DEPTH };
    let mut r = Reader::new(text, limits);
    r.skip_ws();
    let mut principal = None;
    let mut action = None;
    let mut resource = None;
    let mut resource_account = None;
    let mut session = None;
    let mut context = None;
    let whole = object(&mut r, "a request", |r, key, key_span| {
        match &*key {
            "principal" => principal = Some(first(principal.take(), r, key_span, "principal", string)?),
            "action" => action = Some(first(action.take(), r, key_span, "action", string)?),
            "resource" => resource = Some(first(resource.take(), r, key_span, "resource", string)?),
            "resourceAccount" => {
                resource_account = Some(first(resource_account.take(), r, key_span, "resourceAccount", |r, field| {
                    nullable(r, field, string)
                })?);
            }
            "session" => session = Some(first(session.take(), r, key_span, "session", |r, _| nullable_session(r))?),
            "context" => context = Some(first(context.take(), r, key_span, "context", |r, _| nullable_context(r))?),
            other => {
                return Err(invalid(
                    format!("unknown field `{other}` in the request; a request has {FIELDS}"),
                    r,
                    key_span,
                ))
            }
        }
        Ok(())
    })?;
    r.finish()?;
    let missing = |field: &str| {
        Box::new(
            Diagnostic::error("invalid-request", format!("the request has no `{field}`"))
                .with_help(REQUEST_HELP)
                .at("", Span::new(whole.start, whole.start + 1)),
        )
    };
    let (principal, principal_span) = principal.ok_or_else(|| missing("principal"))?;
    let (action, action_span) = action.ok_or_else(|| missing("action"))?;
    let (resource, resource_span) = resource.ok_or_else(|| missing("resource"))?;
    Ok(Parts {
        principal,
        action,
        resource,
        resource_account: resource_account.flatten().map(|(text, _)| text),
        session: session.flatten(),
        context: context.flatten().unwrap_or_default(),
        spans: [principal_span, action_span, resource_span],
    })
}

/// Reads a member's value, unless the member came before (a duplicate key).
fn first<'a, T>(
    earlier: Option<T>,
    r: &mut Reader<'a>,
    key_span: Span,
    field: &str,
    read: impl FnOnce(&mut Reader<'a>, &str) -> Result<T, Problem>,
) -> Result<T, Problem> {
    if earlier.is_some() {
        return Err(Box::new(
            Diagnostic::error("json-duplicate-key", format!("duplicate key `{field}`"))
                .with_help("each field of a request is given once")
                .at(r.pointer(), key_span),
        ));
    }
    read(r, field)
}

/// A problem with the request, boxed so that the success path stays small.
pub(super) type Problem = Box<Diagnostic>;

impl From<json::Fail> for Problem {
    fn from(e: json::Fail) -> Problem {
        Box::new(e.into_diagnostic())
    }
}

fn invalid(message: String, r: &Reader<'_>, span: Span) -> Problem {
    Box::new(Diagnostic::error("invalid-request", message).with_help(REQUEST_HELP).at(r.pointer(), span))
}

/// What the value at the cursor is, for "must be" messages.
fn kind_here(r: &Reader<'_>) -> &'static str {
    match r.peek() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// The span of the value at the cursor, for type errors: its first byte.
fn here(r: &Reader<'_>) -> Span {
    Span::new(r.pos(), r.pos() + 1)
}

/// Walks an object at the cursor, handing each member's key to `member`
/// with the cursor on the value (which `member` must read). Returns the
/// object's span.
fn object<'a>(
    r: &mut Reader<'a>,
    what: &str,
    mut member: impl FnMut(&mut Reader<'a>, Cow<'a, str>, Span) -> Result<(), Problem>,
) -> Result<Span, Problem> {
    let start = r.pos();
    if r.peek() != Some(b'{') {
        if matches!(r.peek(), Some(b'"' | b'[' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9')) {
            return Err(invalid(format!("{what} must be an object, found {}", kind_here(r)), r, here(r)));
        }
        return Err(r.unexpected("a JSON value").into());
    }
    r.bump();
    r.skip_ws();
    if r.peek() == Some(b'}') {
        r.bump();
        return Ok(Span::new(start, r.pos()));
    }
    loop {
        r.skip_ws();
        if r.peek() != Some(b'"') {
            return Err(r.unexpected("a string key").into());
        }
        let key_start = r.pos();
        let key = r.string_cow()?;
        let key_span = Span::new(key_start, r.pos());
        r.skip_ws();
        if r.peek() != Some(b':') {
            return Err(r.unexpected("`:` after the key").into());
        }
        r.bump();
        r.skip_ws();
        r.enter_key(key_span);
        member(r, key, key_span)?;
        r.leave();
        r.skip_ws();
        match r.peek() {
            Some(b',') => r.bump(),
            Some(b'}') => {
                r.bump();
                return Ok(Span::new(start, r.pos()));
            }
            _ => return Err(r.unexpected("`,` or `}`").into()),
        }
    }
}

fn string<'a>(r: &mut Reader<'a>, field: &str) -> Result<(Cow<'a, str>, Span), Problem> {
    if r.peek() != Some(b'"') {
        return Err(scalar_error(r, field, "a string"));
    }
    let start = r.pos();
    let text = r.string_cow()?;
    Ok((text, Span::new(start, r.pos())))
}

/// "`field` must be <want>", or the syntax error when there is no value at all.
fn scalar_error(r: &Reader<'_>, field: &str, want: &str) -> Problem {
    if matches!(r.peek(), Some(b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9')) {
        invalid(format!("`{field}` must be {want}, found {}", kind_here(r)), r, here(r))
    } else {
        r.unexpected("a JSON value").into()
    }
}

/// `null` for absent, else what `read` reads.
fn nullable<'a, T>(
    r: &mut Reader<'a>,
    field: &str,
    read: impl FnOnce(&mut Reader<'a>, &str) -> Result<T, Problem>,
) -> Result<Option<T>, Problem> {
    if r.peek() == Some(b'n') {
        r.value()?;
        return Ok(None);
    }
    read(r, field).map(Some)
}

fn nullable_session<'a>(r: &mut Reader<'a>) -> Result<Option<SessionParts<'a>>, Problem> {
    nullable(r, "session", |r, _| {
        let mut name = None;
        let mut policy: Option<Option<Json>> = None;
        let mut issued_at = None;
        object(r, "`session`", |r, key, key_span| {
            match &*key {
                "name" => name = Some(first(name.take(), r, key_span, "name", |r, f| nullable(r, f, string))?),
                "policy" => {
                    policy = Some(first(policy.take(), r, key_span, "policy", |r, f| {
                        nullable(r, f, |r, _| Ok(r.value()?))
                    })?);
                }
                "issuedAt" => {
                    issued_at = Some(first(issued_at.take(), r, key_span, "issuedAt", |r, f| nullable(r, f, string))?);
                }
                other => {
                    return Err(invalid(
                        format!("unknown field `{other}` in `session`; a session has {SESSION_FIELDS}"),
                        r,
                        key_span,
                    ))
                }
            }
            Ok(())
        })?;
        Ok(SessionParts {
            name: name.flatten().map(|(text, _)| text),
            policy: policy.flatten(),
            issued_at: issued_at.flatten(),
        })
    })
}

fn nullable_context(r: &mut Reader<'_>) -> Result<Option<Context>, Problem> {
    nullable(r, "context", |r, _| {
        let mut entries: Vec<(String, ContextValue)> = Vec::new();
        object(r, "`context`", |r, key, key_span| {
            let value = context_value(r, &key)?;
            if entries.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
                return Err(invalid(format!("context key `{key}` is given twice (keys ignore case)"), r, key_span));
            }
            if entries.len() >= limits::MAX_CONTEXT_KEYS {
                return Err(Box::new(
                    Diagnostic::error("limit-context", format!("more than {} context keys", limits::MAX_CONTEXT_KEYS))
                        .with_help("a request carries a small context")
                        .at(r.pointer(), key_span),
                ));
            }
            if let Some(value) = value {
                entries.push((key.into_owned(), value));
            }
            Ok(())
        })?;
        Ok(Context { entries })
    })
}

/// One context value: `None` for `null`.
fn context_value(r: &mut Reader<'_>, key: &str) -> Result<Option<ContextValue>, Problem> {
    match r.peek() {
        Some(b'n') => {
            r.value()?;
            Ok(None)
        }
        Some(b'[') => {
            let mut values = Vec::new();
            r.bump();
            r.skip_ws();
            if r.peek() == Some(b']') {
                r.bump();
                return Ok(Some(ContextValue::Many(values)));
            }
            loop {
                r.skip_ws();
                r.enter_index(values.len());
                if values.len() >= limits::MAX_CONTEXT_VALUES {
                    return Err(Box::new(
                        Diagnostic::error(
                            "limit-context",
                            format!("context key `{key}` has more than {} values", limits::MAX_CONTEXT_VALUES),
                        )
                        .with_help("a request carries a small context")
                        .at(r.pointer(), here(r)),
                    ));
                }
                match r.peek() {
                    Some(b'[' | b'{') => {
                        return Err(invalid(
                            String::from("context lists hold strings, numbers or booleans, not lists or objects"),
                            r,
                            here(r),
                        ))
                    }
                    Some(b'n') => return Err(invalid(String::from("context lists cannot contain null"), r, here(r))),
                    _ => values.push(scalar(r, key)?),
                }
                r.leave();
                r.skip_ws();
                match r.peek() {
                    Some(b',') => r.bump(),
                    Some(b']') => {
                        r.bump();
                        return Ok(Some(ContextValue::Many(values)));
                    }
                    _ => return Err(r.unexpected("`,` or `]`").into()),
                }
            }
        }
        Some(b'{') => Err(invalid(
            format!("context key `{key}` must be a string, number or boolean, or a list of them, found an object"),
            r,
            here(r),
        )),
        _ => scalar(r, key).map(|v| Some(ContextValue::One(v))),
    }
}

/// A string, number or boolean as context text: numbers as the shortest
/// text of their value (`1.0` is `1`), booleans as `true` / `false`.
fn scalar(r: &mut Reader<'_>, key: &str) -> Result<String, Problem> {
    let start = r.pos();
    let text = match r.peek() {
        Some(b'"') => r.string_cow()?.into_owned(),
        Some(b'-' | b'0'..=b'9') => {
            let lexeme = r.number_text()?;
            number_value(lexeme)
                .ok_or_else(|| invalid(format!("`{lexeme}` is not a finite number"), r, Span::new(start, r.pos())))?
        }
        Some(b't' | b'f') => match r.value()?.value {
            json::Value::Bool(true) => String::from("true"),
            _ => String::from("false"),
        },
        _ => return Err(r.unexpected("a JSON value").into()),
    };
    check_context_value(text, key).map_err(|message| {
        Box::new(
            Diagnostic::error("limit-pattern-length", message)
                .with_help(REQUEST_HELP)
                .at(r.pointer(), Span::new(start, r.pos())),
        )
    })
}

/// The text a JSON number stands for in a context: integers as their
/// decimal digits, other numbers by their value.
fn number_value(lexeme: &str) -> Option<String> {
    if !lexeme.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        if let Ok(v) = lexeme.parse::<u64>() {
            return Some(format!("{v}"));
        }
        if let Ok(v) = lexeme.parse::<i64>() {
            return Some(format!("{v}"));
        }
    }
    json::number_text(json::decimal_value(lexeme)?)
}

#[cfg(test)]
mod tests {
    use super::super::{Context, Request, RequestInput};
    use alloc::string::String;

    /// The reader and serde (over `RequestInput`) agree on what they accept and on the request.
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
                        (&a.principal, &a.action, &a.resource, &a.resource_account),
                        (&b.principal, &b.action, &b.resource, &b.resource_account),
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

    #[test]
    fn numbers_a_double_would_round_are_refused() {
        for n in ["18446744073709551616", "1e400", "0.1234567890123456789012"] {
            let text = alloc::format!(
                r#"{{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{{"n":{n}}}}}"#
            );
            let d = &Request::from_json_str(&text).unwrap_err().diagnostics[0];
            assert_eq!((d.path.as_str(), text.get(d.span.start..d.span.end)), ("/context/n", Some(n)), "{n}");
        }
    }

    fn context_entries(c: &Context) -> alloc::vec::Vec<(String, super::ContextValue)> {
        c.iter().map(|(k, v)| (String::from(k), v.clone())).collect()
    }

    #[test]
    fn problems_name_their_place() {
        let text = "{\"principal\": \"user/a\",\n \"action\": \"s3:GetObject\", \"resource\": \"*\",\n \"context\": {\"a\": {\"b\": 1}}}";
        let d = &Request::from_json_str(text).unwrap_err().diagnostics[0];
        assert_eq!((d.code.as_ref(), d.path.as_str(), d.line, d.column), ("invalid-request", "/context/a", 3, 19));
        assert_eq!(text.get(d.span.start..d.span.end), Some("{"));
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
    }
}
