//! Requests: who asks to do what to which resource, in which context.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::condition::{Lookup, Values};
use crate::diag::Diagnostic;
use crate::json::Json;
use crate::limits;
use crate::policy::{parse_policy, ActionRef, Policy, PolicyKind};
use crate::value::Instant;

/// A request as it arrives (JSON or a JavaScript object).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RequestInput {
    pub principal: String,
    pub action: String,
    pub resource: String,
    #[serde(default)]
    pub resource_account: Option<String>,
    #[serde(default)]
    pub session: Option<SessionInput>,
    #[serde(default)]
    pub context: Option<Context>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SessionInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub policy: Option<Json>,
    /// When the session's credentials were issued (RFC 3339 or epoch
    /// seconds); with the role's `maxSessionSeconds` this bounds the session.
    #[serde(default)]
    pub issued_at: Option<String>,
}

/// Request context: keys (compared without regard to ASCII case) with one
/// value or a list. Numbers and booleans are kept as their text; `null`
/// means absent.
#[derive(Debug, Clone, Default)]
pub struct Context {
    entries: Vec<(String, ContextValue)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    One(String),
    Many(Vec<String>),
}

impl Context {
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.entries.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
    }

    pub fn insert(&mut self, key: &str, value: ContextValue) {
        match self.entries.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((String::from(key), value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<'de> Deserialize<'de> for Context {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ContextVisitor)
    }
}

struct ContextVisitor;

impl<'de> Visitor<'de> for ContextVisitor {
    type Value = Context;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of context keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Context, A::Error> {
        let mut entries: Vec<(String, ContextValue)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: Option<ContextValue> = map.next_value_seed(ValueSeed)?;
            if entries.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
                return Err(de::Error::custom(format!("context key `{key}` is given twice (keys ignore case)")));
            }
            if entries.len() >= limits::MAX_CONTEXT_KEYS {
                return Err(de::Error::custom(format!("more than {} context keys", limits::MAX_CONTEXT_KEYS)));
            }
            if let Some(value) = value {
                entries.push((key, value));
            }
        }
        Ok(Context { entries })
    }
}

struct ValueSeed;

impl<'de> de::DeserializeSeed<'de> for ValueSeed {
    type Value = Option<ContextValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ValueVisitor { nested: false })
    }
}

struct ValueVisitor {
    nested: bool,
}

fn checked<E: de::Error>(text: String) -> Result<Option<ContextValue>, E> {
    if text.len() > limits::MAX_PATTERN_BYTES {
        return Err(E::custom(format!("a context value is longer than {} bytes", limits::MAX_PATTERN_BYTES)));
    }
    Ok(Some(ContextValue::One(text)))
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Option<ContextValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.nested {
            "a string, number or boolean"
        } else {
            "a string, number, boolean or a list of them"
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        checked(String::from(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        checked(v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        checked(String::from(if v { "true" } else { "false" }))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        checked(format!("{v}"))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        checked(format!("{v}"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        checked(crate::json::number_text(v).ok_or_else(|| E::custom("context numbers must be finite"))?)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if self.nested {
            return Err(de::Error::custom("context lists cannot be nested"));
        }
        let mut values = Vec::new();
        while let Some(item) = seq.next_element_seed(NestedSeed)? {
            if values.len() >= limits::MAX_CONTEXT_VALUES {
                return Err(de::Error::custom(format!(
                    "a context key has more than {} values",
                    limits::MAX_CONTEXT_VALUES
                )));
            }
            match item {
                Some(ContextValue::One(v)) => values.push(v),
                Some(ContextValue::Many(_)) => return Err(de::Error::custom("context lists cannot be nested")),
                None => return Err(de::Error::custom("context lists cannot contain null")),
            }
        }
        Ok(Some(ContextValue::Many(values)))
    }
}

struct NestedSeed;

impl<'de> de::DeserializeSeed<'de> for NestedSeed {
    type Value = Option<ContextValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ValueVisitor { nested: true })
    }
}

/// A checked request, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Request {
    pub principal: String,
    pub action: String,
    /// `action` in lowercase, matched against lowercase action patterns.
    action_lower: String,
    /// Byte offset of the action name within `action`.
    name_start: usize,
    /// Where the parts of `resource` are, when it is an ARN (split once).
    resource_cut: Option<crate::arn::ArnCut>,
    pub resource: String,
    pub resource_account: Option<String>,
    pub session: Option<Session>,
    pub context: Context,
    /// `aws:CurrentTime` / `acs:CurrentTime` / `aws:EpochTime` of the context, parsed once.
    context_now: Option<Instant>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub name: String,
    pub policy: Option<Policy>,
    pub issued_at: Option<Instant>,
}

/// Why a request cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    pub diagnostics: Vec<Diagnostic>,
}

impl RequestError {
    fn one(code: &'static str, message: String, help: &str, path: &str) -> Self {
        RequestError {
            diagnostics: alloc::vec![Diagnostic::error(code, message).with_help(help).at(path, Default::default())],
        }
    }

    pub fn message(&self) -> String {
        self.diagnostics.first().map(|d| d.message.clone()).unwrap_or_default()
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl Request {
    /// Parses request JSON text.
    pub fn from_json_str(text: &str) -> Result<Request, RequestError> {
        if text.len() > limits::MAX_REQUEST_BYTES {
            return Err(RequestError::one(
                "limit-request-size",
                format!("the request is {} bytes, more than the limit of {}", text.len(), limits::MAX_REQUEST_BYTES),
                "requests carry one principal, action, resource and a small context",
                "",
            ));
        }
        let input = match fast::input(text) {
            Some(input) => input,
            None => serde_json::from_str(text).map_err(|e| {
                RequestError::one("invalid-request", format!("the request is not valid: {e}"), REQUEST_HELP, "")
            })?,
        };
        Request::new(input)
    }

    /// Checks a request given as structured input.
    pub fn new(input: RequestInput) -> Result<Request, RequestError> {
        for (field, value) in
            [("principal", &input.principal), ("action", &input.action), ("resource", &input.resource)]
        {
            if value.is_empty() {
                return Err(RequestError::one(
                    "invalid-request",
                    format!("`{field}` is empty"),
                    REQUEST_HELP,
                    &format!("/{field}"),
                ));
            }
            if value.len() > limits::MAX_PATTERN_BYTES {
                return Err(RequestError::one(
                    "limit-pattern-length",
                    format!("`{field}` is longer than {} bytes", limits::MAX_PATTERN_BYTES),
                    REQUEST_HELP,
                    &format!("/{field}"),
                ));
            }
        }
        let Some((service, name)) = input.action.split_once(':') else {
            return Err(RequestError::one(
                "invalid-request",
                format!("`{}` is not an action", input.action),
                "actions are written `service:ActionName`, for example `ecs:StartInstance`",
                "/action",
            ));
        };
        if service.is_empty() || name.is_empty() || input.action.contains(['*', '?']) {
            return Err(RequestError::one(
                "invalid-request",
                format!("`{}` is not a single action", input.action),
                "a request names one action, `service:ActionName`, without wildcards",
                "/action",
            ));
        }
        let action_lower = input.action.to_ascii_lowercase();
        let name_start = service.len() + 1;
        let session = match input.session {
            None => None,
            Some(s) => {
                let mut diags = Vec::new();
                let policy = match &s.policy {
                    None => None,
                    Some(json) => match parse_policy(json, PolicyKind::Session, "/session/policy", &mut diags) {
                        Some(p) => Some(p),
                        None => {
                            diags.retain(Diagnostic::is_error);
                            return Err(RequestError { diagnostics: diags });
                        }
                    },
                };
                let issued_at = match &s.issued_at {
                    None => None,
                    Some(text) => Some(Instant::parse(text).ok_or_else(|| {
                        RequestError::one(
                            "invalid-request",
                            format!("`{text}` is not a time"),
                            "`issuedAt` is RFC 3339 (`2026-11-23T10:00:00Z`) or epoch seconds",
                            "/session/issuedAt",
                        )
                    })?),
                };
                Some(Session { name: s.name.unwrap_or_default(), policy, issued_at })
            }
        };
        let context = input.context.unwrap_or_default();
        let context_now =
            ["aws:CurrentTime", "acs:CurrentTime", "aws:EpochTime"].iter().find_map(|key| match context.get(key) {
                Some(ContextValue::One(text)) => Instant::parse(text),
                _ => None,
            });
        Ok(Request {
            context_now,
            action_lower,
            name_start,
            resource_cut: crate::arn::ArnCut::of(&input.resource),
            principal: input.principal,
            action: input.action,
            resource: input.resource,
            resource_account: input.resource_account,
            session,
            context,
        })
    }

    /// The action's service and name, both lowercase.
    pub fn action_ref(&self) -> ActionRef<'_> {
        ActionRef {
            service: self.action_lower.get(..self.name_start.saturating_sub(1)).unwrap_or_default(),
            name: self.action_lower.get(self.name_start..).unwrap_or_default(),
        }
    }

    /// The resource split as an ARN, or `None` when it is not one.
    pub fn resource_arn(&self) -> Option<crate::arn::ParsedArn<'_>> {
        self.resource_cut.as_ref().and_then(|cut| cut.apply(&self.resource))
    }

    /// `aws:CurrentTime` or `acs:CurrentTime` from the context, if it is a time.
    pub fn context_time(&self) -> Option<Instant> {
        self.context_now
    }
}

/// How many leading bytes of `bytes` a JSON string can hold as they are:
/// the position of the first `"`, `\\` or control character (or the length),
/// found eight bytes at a time.
pub(crate) fn plain_json_len(bytes: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The high bit of each byte of `v` that is zero, exactly.
    let zeros = |v: u64| !(((v & LOW7).wrapping_add(LOW7)) | v) & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    let mut done = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let special =
            zeros(x ^ (ONES * u64::from(b'"'))) | zeros(x ^ (ONES * u64::from(b'\\'))) | zeros(x & (ONES * 0xe0));
        if special != 0 {
            return done + (special.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    done + chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(chunks.remainder().len())
}

/// The common shape of request text read without serde: a flat object of
/// the known fields, strings without escapes, context values that are such
/// strings, booleans, `null`, plain integers or lists of them. Anything else
/// (a session, an escape, a float, a duplicate, an error of any kind) answers
/// `None` and goes to serde, which gives the same input or the error: this
/// path only ever produces what serde would.
mod fast {
    use alloc::string::String;
    use alloc::vec::Vec;

    use super::{Context, ContextValue, RequestInput, SessionInput};
    use crate::limits;

    struct Cursor<'a> {
        text: &'a str,
        at: usize,
    }

    impl<'a> Cursor<'a> {
        fn peek(&self) -> Option<u8> {
            self.text.as_bytes().get(self.at).copied()
        }

        fn skip_ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.at += 1;
            }
        }

        /// Skips whitespace, then expects `byte`.
        fn eat(&mut self, byte: u8) -> Option<()> {
            self.skip_ws();
            (self.peek() == Some(byte)).then(|| self.at += 1)
        }

        fn literal(&mut self, word: &str) -> Option<()> {
            let end = self.at + word.len();
            (self.text.get(self.at..end) == Some(word)).then(|| self.at = end)
        }

        /// A string without escapes or control characters, after whitespace.
        fn string(&mut self) -> Option<&'a str> {
            self.eat(b'"')?;
            let start = self.at;
            let rest = self.text.as_bytes().get(start..)?;
            let len = super::plain_json_len(rest);
            if rest.get(len) != Some(&b'"') {
                return None;
            }
            self.at = start + len + 1;
            self.text.get(start..start + len)
        }

        /// `0` or a nonzero integer that fits i64/u64 (18 digits at most), as serde writes it back.
        fn integer(&mut self) -> Option<&'a str> {
            let start = self.at;
            let negative = self.peek() == Some(b'-');
            if negative {
                self.at += 1;
            }
            let digits = self.text.as_bytes().get(self.at..)?.iter().take_while(|b| b.is_ascii_digit()).count();
            let first = self.peek()?;
            self.at += digits;
            let ok = match (digits, first) {
                (1, b'0') => !negative,
                (1..=18, b'1'..=b'9') => true,
                _ => false,
            };
            // A fraction or exponent makes it a float: serde's path.
            (ok && !matches!(self.peek(), Some(b'.' | b'e' | b'E'))).then(|| self.text.get(start..self.at)).flatten()
        }

        /// A scalar context value: `Some(None)` for `null`.
        fn scalar(&mut self) -> Option<Option<String>> {
            self.skip_ws();
            let text = match self.peek()? {
                b'"' => self.string()?,
                b't' => self.literal("true").map(|()| "true")?,
                b'f' => self.literal("false").map(|()| "false")?,
                b'n' => return self.literal("null").map(|()| None),
                b'-' | b'0'..=b'9' => self.integer()?,
                _ => return None,
            };
            (text.len() <= limits::MAX_PATTERN_BYTES).then(|| Some(String::from(text)))
        }

        fn value(&mut self) -> Option<Option<ContextValue>> {
            self.skip_ws();
            if self.peek() != Some(b'[') {
                return Some(self.scalar()?.map(ContextValue::One));
            }
            self.at += 1;
            let mut values = Vec::new();
            self.skip_ws();
            if self.peek() == Some(b']') {
                self.at += 1;
                return Some(Some(ContextValue::Many(values)));
            }
            loop {
                if values.len() >= limits::MAX_CONTEXT_VALUES {
                    return None;
                }
                values.push(self.scalar()??);
                self.skip_ws();
                match self.peek()? {
                    b',' => self.at += 1,
                    b']' => {
                        self.at += 1;
                        return Some(Some(ContextValue::Many(values)));
                    }
                    _ => return None,
                }
            }
        }

        /// `null`, or a session with at most a name (a policy or a time goes to serde).
        fn session(&mut self) -> Option<Option<SessionInput>> {
            self.skip_ws();
            if self.peek() == Some(b'n') {
                return self.literal("null").map(|()| None);
            }
            self.eat(b'{')?;
            let mut name: Option<Option<String>> = None;
            self.skip_ws();
            if self.peek() != Some(b'}') {
                loop {
                    if self.string()? != "name" || name.is_some() {
                        return None;
                    }
                    self.eat(b':')?;
                    self.skip_ws();
                    name = Some(if self.peek() == Some(b'n') {
                        self.literal("null")?;
                        None
                    } else {
                        Some(String::from(self.string()?))
                    });
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.at += 1,
                        b'}' => break,
                        _ => return None,
                    }
                }
            }
            self.at += 1;
            Some(Some(SessionInput { name: name.flatten(), policy: None, issued_at: None }))
        }

        fn context(&mut self) -> Option<Option<Context>> {
            self.skip_ws();
            if self.peek() == Some(b'n') {
                return self.literal("null").map(|()| None);
            }
            self.eat(b'{')?;
            let mut entries: Vec<(String, ContextValue)> = Vec::new();
            self.skip_ws();
            if self.peek() == Some(b'}') {
                self.at += 1;
                return Some(Some(Context { entries }));
            }
            loop {
                let key = self.string()?;
                self.eat(b':')?;
                let value = self.value()?;
                if entries.len() >= limits::MAX_CONTEXT_KEYS || entries.iter().any(|(k, _)| k.eq_ignore_ascii_case(key))
                {
                    return None;
                }
                if let Some(value) = value {
                    entries.push((String::from(key), value));
                }
                self.skip_ws();
                match self.peek()? {
                    b',' => self.at += 1,
                    b'}' => {
                        self.at += 1;
                        return Some(Some(Context { entries }));
                    }
                    _ => return None,
                }
            }
        }
    }

    pub(super) fn input(text: &str) -> Option<RequestInput> {
        let mut c = Cursor { text, at: 0 };
        c.eat(b'{')?;
        let (mut principal, mut action, mut resource) = (None, None, None);
        let (mut resource_account, mut context): (Option<Option<String>>, Option<Option<Context>>) = (None, None);
        let mut session: Option<Option<SessionInput>> = None;
        loop {
            let key = c.string()?;
            c.eat(b':')?;
            match key {
                "principal" if principal.is_none() => principal = Some(String::from(c.string()?)),
                "action" if action.is_none() => action = Some(String::from(c.string()?)),
                "resource" if resource.is_none() => resource = Some(String::from(c.string()?)),
                "resourceAccount" if resource_account.is_none() => {
                    c.skip_ws();
                    resource_account = Some(if c.peek() == Some(b'n') {
                        c.literal("null")?;
                        None
                    } else {
                        Some(String::from(c.string()?))
                    });
                }
                "context" if context.is_none() => context = Some(c.context()?),
                "session" if session.is_none() => session = Some(c.session()?),
                _ => return None,
            }
            c.skip_ws();
            match c.peek()? {
                b',' => c.at += 1,
                b'}' => {
                    c.at += 1;
                    break;
                }
                _ => return None,
            }
        }
        c.skip_ws();
        if c.at != text.len() {
            return None;
        }
        Some(RequestInput {
            principal: principal?,
            action: action?,
            resource: resource?,
            resource_account: resource_account.flatten(),
            session: session.flatten(),
            context: context.flatten(),
        })
    }
}

const REQUEST_HELP: &str =
    "a request is {\"principal\": \"user/alice\", \"action\": \"ecs:StartInstance\", \"resource\": \"acs:ecs:...\", \"context\": {...}}";

impl Lookup for Context {
    fn values(&self, key: &str) -> Option<Values<'_>> {
        match self.get(key)? {
            ContextValue::One(v) => Some(Values::One(Cow::Borrowed(v))),
            ContextValue::Many(vs) => Some(Values::Many(vs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_context_values() {
        let r = Request::from_json_str(
            r#"{"principal":"user/a","action":"S3:GetObject","resource":"*","context":{"aws:MultiFactorAuthAge":3600,"acs:MFAPresent":true,"aws:TagKeys":["a","b"],"gone":null}}"#,
        )
        .unwrap();
        assert_eq!(r.context.get("AWS:multifactorauthage"), Some(&ContextValue::One("3600".into())));
        assert_eq!(r.context.get("acs:mfapresent"), Some(&ContextValue::One("true".into())));
        assert_eq!(r.context.get("aws:tagkeys"), Some(&ContextValue::Many(alloc::vec!["a".into(), "b".into()])));
        assert_eq!(r.context.get("gone"), None);
        assert_eq!(r.action_ref().service, "s3");
        assert_eq!(r.action_ref().name, "getobject");
        assert_eq!(r.resource_arn().map(|a| a.resource), None);
        let r =
            Request::from_json_str(r#"{"principal":"user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k:x"}"#)
                .unwrap();
        let arn = r.resource_arn().unwrap();
        assert_eq!((arn.service(), arn.region(), arn.account(), arn.resource), ("s3", "", "", "b/k:x"));
    }

    #[test]
    fn plain_lengths_are_exact() {
        let slow = |b: &[u8]| b.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(b.len());
        for special in [0u8, 1, 0x1f, 0x20, b'"', b'\\', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xa2, 0xe0, 0xff] {
            for len in 0..20 {
                for at in 0..=len {
                    let mut t = alloc::vec![b'a'; len];
                    if let Some(b) = t.get_mut(at) {
                        *b = special;
                    }
                    t.extend_from_slice(b"x\"yz\"");
                    assert_eq!(plain_json_len(&t), slow(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn the_fast_path_reads_what_serde_reads() {
        let cases = [
            r#"{"principal":"user/a","action":"S3:GetObject","resource":"*","context":{"aws:MultiFactorAuthAge":3600,"acs:MFAPresent":true,"aws:TagKeys":["a","b",7,false],"gone":null}}"#,
            r#" { "principal" : "user/a" , "action":"s3:GetObject","resource":"*" , "resourceAccount" : "1" } "#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","resourceAccount":null,"context":null}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":[],"b":0,"c":-12,"d":"é"}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":null,"A":1}}"#,
            r#"{"resource":"*","action":"s3:GetObject","principal":"user/a"}"#,
            r#"{"principal":"role/r","action":"s3:GetObject","resource":"*","session":{"name":"build-1"}}"#,
            r#"{"principal":"role/r","action":"s3:GetObject","resource":"*","session":{"name":null}}"#,
            r#"{"principal":"role/r","action":"s3:GetObject","resource":"*","session":{ }}"#,
            r#"{"principal":"role/r","action":"s3:GetObject","resource":"*","session":null}"#,
        ];
        for text in cases {
            let fast = fast::input(text).unwrap_or_else(|| panic!("not on the fast path: {text}"));
            let slow: RequestInput = serde_json::from_str(text).unwrap();
            assert_eq!(alloc::format!("{fast:?}"), alloc::format!("{slow:?}"), "{text}");
        }
        // Everything else goes to serde (which reads it or says why not).
        let others = [
            r#"{"principal":"user/\"a\"","action":"s3:GetObject","resource":"*"}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":1.5}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":-0}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":01}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":1e3}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":12345678901234567890}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":[null]}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":[[1]]}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":1,"A":2}}"#,
            r#"{"principal":"user/a","principal":"user/b","action":"s3:GetObject","resource":"*"}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","session":{"name":"x","issuedAt":"1"}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","session":{"policy":{}}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","session":{"name":"x","name":"y"}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","session":{"name":"x",}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","extra":1}"#,
            r#"{"principal":"user/a","action":"s3:GetObject"}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*"} x"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*",}"#,
            r#"{"principal":1,"action":"s3:GetObject","resource":"*"}"#,
            "{}",
            "",
        ];
        for text in others {
            assert!(fast::input(text).is_none(), "{text}");
        }
        // The generated workload takes the fast path.
        for r in portcullis_workload_like() {
            assert!(fast::input(&r).is_some(), "{r}");
        }
    }

    fn portcullis_workload_like() -> [String; 2] {
        [
            String::from(
                r#"{"principal":"user/user-00042","action":"ecs:DescribeInstances","resource":"acs:ecs:cn-hangzhou:1234567890123456:instance/dev-app-1","context":{"acs:CurrentTime":"2026-11-23T10:00:00Z","acs:SourceIp":"203.0.113.7","acs:MFAPresent":true}}"#,
            ),
            String::from(r#"{"principal":"role/role-004","action":"oss:PutObject","resource":"*","context":{}}"#),
        ]
    }

    #[test]
    fn rejects_bad_requests() {
        for bad in [
            r#"{"principal":"user/a","action":"s3GetObject","resource":"*"}"#,
            r#"{"principal":"user/a","action":"s3:Get*","resource":"*"}"#,
            r#"{"principal":"","action":"s3:GetObject","resource":"*"}"#,
            r#"{"principal":"user/a","action":"s3:GetObject"}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","extra":1}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":1,"A":2}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":[[1]]}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{"a":{"b":1}}}"#,
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","session":{"policy":{"Statement":[{"Effect":"Allow","Action":"*"}]}}}"#,
            "not json",
        ] {
            assert!(Request::from_json_str(bad).is_err(), "{bad}");
        }
    }
}
