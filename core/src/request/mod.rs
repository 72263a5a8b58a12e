//! Requests: who asks to do what to which resource, in which context.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

mod fast;
mod from_json;

use crate::condition::{Lookup, Values};
use crate::diag::{self, Diagnostic, Span};
use crate::json::{self, Json, JsonLimits};
use crate::limits;
use crate::policy::{parse_policy, ActionRef, Policy, PolicyKind, ResourceRef};
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
    pub context: Option<Context<'static>>,
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
/// means absent. Keys and single values borrow from the request's text
/// where they can (`'a`), as the [`Request`] does.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    entries: Vec<(Cow<'a, str>, Stored<'a>)>,
}

#[derive(Debug, Clone)]
enum Stored<'a> {
    One(Cow<'a, str>),
    /// Lists are rare (`aws:TagKeys`); they keep their own strings.
    Many(Vec<String>),
}

/// A context value to insert: one string or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    One(String),
    Many(Vec<String>),
}

/// A context value as the context holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextRef<'a> {
    One(&'a str),
    Many(&'a [String]),
}

impl ContextRef<'_> {
    pub fn to_owned(self) -> ContextValue {
        match self {
            ContextRef::One(v) => ContextValue::One(String::from(v)),
            ContextRef::Many(vs) => ContextValue::Many(vs.to_vec()),
        }
    }
}

impl<'a> Stored<'a> {
    fn borrowed(text: &'a str) -> Stored<'a> {
        Stored::One(Cow::Borrowed(text))
    }

    fn of(value: ContextValue) -> Stored<'a> {
        match value {
            ContextValue::One(v) => Stored::One(Cow::Owned(v)),
            ContextValue::Many(vs) => Stored::Many(vs),
        }
    }

    fn as_ref(&self) -> ContextRef<'_> {
        match self {
            Stored::One(v) => ContextRef::One(v),
            Stored::Many(vs) => ContextRef::Many(vs),
        }
    }

    fn into_owned(self) -> Stored<'static> {
        match self {
            Stored::One(v) => Stored::One(Cow::Owned(v.into_owned())),
            Stored::Many(vs) => Stored::Many(vs),
        }
    }
}

impl<'a> Context<'a> {
    fn with_capacity(entries: usize) -> Context<'a> {
        Context { entries: Vec::with_capacity(entries) }
    }

    pub fn get(&self, key: &str) -> Option<ContextRef<'_>> {
        self.entries.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_ref())
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.eq_ignore_ascii_case(key))
    }

    /// Sets `key` (an existing key that differs only in case keeps its spelling).
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        match self.entries.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some(slot) => slot.1 = Stored::of(value),
            None => self.entries.push((Cow::Owned(String::from(key)), Stored::of(value))),
        }
    }

    /// Adds `key`, which the caller has checked is not there yet.
    fn push(&mut self, key: Cow<'a, str>, value: Stored<'a>) {
        self.entries.push((key, value));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, ContextRef<'_>)> {
        self.entries.iter().map(|(k, v)| (&**k, v.as_ref()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The same context, owning its strings.
    pub fn into_owned(self) -> Context<'static> {
        Context {
            entries: self.entries.into_iter().map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned())).collect(),
        }
    }
}

impl<'de> Deserialize<'de> for Context<'static> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ContextVisitor)
    }
}

struct ContextVisitor;

impl<'de> Visitor<'de> for ContextVisitor {
    type Value = Context<'static>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of context keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Context<'static>, A::Error> {
        let mut context = Context::default();
        while let Some(key) = map.next_key::<String>()? {
            let value: Option<ContextValue> = map.next_value_seed(ValueSeed)?;
            if context.contains_key(&key) {
                return Err(de::Error::custom(format!("context key `{key}` is given twice (keys ignore case)")));
            }
            if context.len() >= limits::MAX_CONTEXT_KEYS {
                return Err(de::Error::custom(format!("more than {} context keys", limits::MAX_CONTEXT_KEYS)));
            }
            if let Some(value) = value {
                context.push(Cow::Owned(key), Stored::of(value));
            }
        }
        Ok(context)
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
    check_context_value(text, "").map(|text| Some(ContextValue::One(text))).map_err(E::custom)
}

/// A context value within the length limit, or why not.
fn check_context_value(text: String, key: &str) -> Result<String, String> {
    if text.len() > limits::MAX_PATTERN_BYTES {
        let of = if key.is_empty() { String::new() } else { format!(" of `{key}`") };
        return Err(format!("a context value{of} is longer than {} bytes", limits::MAX_PATTERN_BYTES));
    }
    Ok(text)
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

/// A checked request, ready to evaluate. Its strings borrow from the text
/// (or transfer bytes, or JSON value) it was read from where they can, so
/// reading one copies little; [`Request::into_owned`] makes one that
/// outlives its text. Its parts are read through methods, so that what was
/// derived from them (the lowercase action, the ARN's parts) cannot go stale.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    principal: Cow<'a, str>,
    action: Cow<'a, str>,
    /// `action` in lowercase (matched against lowercase action patterns),
    /// when it has capitals.
    action_lower: Option<String>,
    /// Byte offset of the action name within `action`.
    name_start: usize,
    resource: Cow<'a, str>,
    /// Where the parts of `resource` are, when it is an ARN (split once).
    resource_cut: Option<crate::arn::ArnCut>,
    resource_account: Option<Cow<'a, str>>,
    session: Option<Session>,
    context: Context<'a>,
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

    /// One finding at `/<field>` (a pointer without its leading slash), spanning the value.
    fn at(code: &'static str, message: String, help: &str, field: &str, span: Span) -> Self {
        let mut path = String::with_capacity(field.len() + 1);
        path.push('/');
        path.push_str(field);
        RequestError { diagnostics: alloc::vec![Diagnostic::error(code, message).with_help(help).at(path, span)] }
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

/// For fuzzing: whether the fast reader and the rules read `text` alike
/// (`None` when the fast reader gives up, or the text is not JSON).
#[cfg(feature = "fuzzing")]
pub fn readers_agree(text: &str) -> Option<bool> {
    let fast = fast::read(text)?;
    let json = json::parse(text, JsonLimits::default()).ok()?;
    Some(from_json::parts(&json).is_ok_and(|rules| parts_view(&fast) == parts_view(&rules)))
}

/// For fuzzing: whether the fast transfer reader and the rules read `bytes`
/// alike (`None` when the fast reader gives up).
#[cfg(feature = "fuzzing")]
pub fn transfer_readers_agree(bytes: &[u8]) -> Option<bool> {
    let fast = fast::read_transfer(bytes)?;
    let json = crate::transfer::Reader::new(bytes).json().ok()?;
    Some(from_json::parts(&json).is_ok_and(|rules| parts_view(&fast) == parts_view(&rules)))
}

/// What a reader made of a request, to compare readers (tests and fuzzing).
#[cfg(any(test, feature = "fuzzing"))]
type PartsView<'a> = (
    [&'a str; 3],
    Option<&'a str>,
    Option<(Option<&'a str>, Option<(&'a str, Span)>, bool)>,
    Vec<(&'a str, ContextRef<'a>)>,
    [Span; 3],
);

#[cfg(any(test, feature = "fuzzing"))]
fn parts_view<'a>(p: &'a Parts<'_>) -> PartsView<'a> {
    let session = p
        .session
        .as_ref()
        .map(|s| (s.name.as_deref(), s.issued_at.as_ref().map(|(t, span)| (&**t, *span)), s.policy.is_some()));
    (
        [&p.principal, &p.action, &p.resource],
        p.resource_account.as_deref(),
        session,
        p.context.iter().collect(),
        p.spans,
    )
}

/// A request's fields before they are checked, from text or structured input.
struct Parts<'a> {
    principal: Cow<'a, str>,
    action: Cow<'a, str>,
    resource: Cow<'a, str>,
    resource_account: Option<Cow<'a, str>>,
    session: Option<SessionParts<'a>>,
    context: Context<'a>,
    /// Where the values of `principal`, `action` and `resource` are in the
    /// request text (empty for structured input).
    spans: [Span; 3],
}

struct SessionParts<'a> {
    name: Option<Cow<'a, str>>,
    policy: Option<Cow<'a, Json>>,
    issued_at: Option<(Cow<'a, str>, Span)>,
}

impl<'a> Request<'a> {
    /// Parses request JSON text. Problems carry a JSON pointer, a span, and
    /// a line and column in `text`.
    pub fn from_json_str(text: &'a str) -> Result<Request<'a>, RequestError> {
        if text.len() > limits::MAX_REQUEST_BYTES {
            return Err(RequestError::one(
                "limit-request-size",
                format!("the request is {} bytes, more than the limit of {}", text.len(), limits::MAX_REQUEST_BYTES),
                "requests carry one principal, action, resource and a small context",
                "",
            ));
        }
        // Most requests take the fast reader; the rest are read as JSON (with
        // spans) and held to the rules there, which say what is wrong.
        let result = match fast::read(text) {
            Some(parts) => Request::assemble(parts),
            None => {
                let limits = JsonLimits { max_bytes: limits::MAX_REQUEST_BYTES, max_depth: limits::MAX_JSON_DEPTH };
                match json::parse(text, limits) {
                    Ok(json) => Request::from_json(&json).map(Request::into_owned),
                    Err(e) => {
                        let mut d = e.into_diagnostic();
                        d.message = format!("the request is not valid JSON: {}", d.message);
                        Err(RequestError { diagnostics: alloc::vec![d] })
                    }
                }
            }
        };
        result.map_err(|mut e| {
            diag::locate_all(text, &mut e.diagnostics);
            e
        })
    }

    /// The request that `text` starts with (the next item of a batch) and
    /// the length of its text, when the fast reader takes it (problems carry
    /// places in that text); `None` when the request needs the careful path
    /// of [`Request::from_json_str`], on its text as found another way.
    pub(crate) fn from_json_prefix(text: &'a str) -> Option<(Result<Request<'a>, RequestError>, usize)> {
        let mut len = 0;
        let parts = fast::read_prefix(text, &mut len)?;
        let item = text.get(..len).filter(|item| item.len() <= limits::MAX_REQUEST_BYTES)?;
        let request = Request::assemble(parts).map_err(|mut e| {
            diag::locate_all(item, &mut e.diagnostics);
            e
        });
        Some((request, len))
    }

    /// A request from a value in the transfer form ([`crate::transfer`]), as
    /// the npm package hands over JavaScript objects. Problems carry a JSON
    /// pointer.
    pub fn from_transfer(bytes: &'a [u8]) -> Result<Request<'a>, RequestError> {
        if let Some(parts) = fast::read_transfer(bytes) {
            return Request::assemble(parts);
        }
        let json = crate::transfer::Reader::new(bytes).json().map_err(|e| {
            RequestError::one("invalid-request", format!("the request is not valid: {e}"), REQUEST_HELP, "")
        })?;
        Request::from_json(&json).map(Request::into_owned)
    }

    /// A request from a JSON value (read from text, or built from a
    /// JavaScript object). Problems carry a JSON pointer and the span of the
    /// value in the JSON's text, if it had one.
    pub fn from_json(json: &'a Json) -> Result<Request<'a>, RequestError> {
        from_json::parts(json).map_err(|d| RequestError { diagnostics: alloc::vec![*d] }).and_then(Request::assemble)
    }

    /// Checks a request given as structured input.
    pub fn new(input: RequestInput) -> Result<Request<'static>, RequestError> {
        Request::assemble(Parts {
            principal: Cow::Owned(input.principal),
            action: Cow::Owned(input.action),
            resource: Cow::Owned(input.resource),
            resource_account: input.resource_account.map(Cow::Owned),
            session: input.session.map(|s| SessionParts {
                name: s.name.map(Cow::Owned),
                policy: s.policy.map(Cow::Owned),
                issued_at: s.issued_at.map(|t| (Cow::Owned(t), Span::default())),
            }),
            context: input.context.unwrap_or_default(),
            spans: [Span::default(); 3],
        })
    }

    fn assemble(parts: Parts<'a>) -> Result<Request<'a>, RequestError> {
        let [principal_span, action_span, resource_span] = parts.spans;
        for (field, value, span) in [
            ("principal", &parts.principal, principal_span),
            ("action", &parts.action, action_span),
            ("resource", &parts.resource, resource_span),
        ] {
            if value.is_empty() {
                return Err(RequestError::at(
                    "invalid-request",
                    format!("`{field}` is empty"),
                    REQUEST_HELP,
                    field,
                    span,
                ));
            }
            if value.len() > limits::MAX_PATTERN_BYTES {
                return Err(RequestError::at(
                    "limit-pattern-length",
                    format!("`{field}` is longer than {} bytes", limits::MAX_PATTERN_BYTES),
                    REQUEST_HELP,
                    field,
                    span,
                ));
            }
        }
        let action = parts.action;
        let colon = action.bytes().position(|b| b == b':');
        let Some((service, name)) = colon.and_then(|at| Some((action.get(..at)?, action.get(at + 1..)?))) else {
            return Err(RequestError::at(
                "invalid-request",
                format!("`{action}` is not an action"),
                "actions are written `service:ActionName`, for example `ecs:StartInstance`",
                "action",
                action_span,
            ));
        };
        if service.is_empty() || name.is_empty() || action.bytes().any(|b| b == b'*' || b == b'?') {
            return Err(RequestError::at(
                "invalid-request",
                format!("`{action}` is not a single action"),
                "a request names one action, `service:ActionName`, without wildcards",
                "action",
                action_span,
            ));
        }
        let name_start = service.len() + 1;
        let session = match parts.session {
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
                    Some((text, span)) => Some(Instant::parse(text).ok_or_else(|| {
                        RequestError::at(
                            "invalid-request",
                            format!("`{text}` is not a time"),
                            "`issuedAt` is RFC 3339 (`2026-11-23T10:00:00Z`) or epoch seconds",
                            "session/issuedAt",
                            *span,
                        )
                    })?),
                };
                Some(Session { name: s.name.map(Cow::into_owned).unwrap_or_default(), policy, issued_at })
            }
        };
        let context = parts.context;
        let action_lower = action.bytes().any(|b| b.is_ascii_uppercase()).then(|| action.to_ascii_lowercase());
        Ok(Request {
            action_lower,
            name_start,
            resource_cut: crate::arn::ArnCut::of(&parts.resource),
            principal: parts.principal,
            action,
            resource: parts.resource,
            resource_account: parts.resource_account,
            session,
            context,
        })
    }

    /// The same request, owning its strings (to keep it past its text).
    pub fn into_owned(self) -> Request<'static> {
        let owned = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
        Request {
            principal: owned(self.principal),
            action: owned(self.action),
            action_lower: self.action_lower,
            name_start: self.name_start,
            resource: owned(self.resource),
            resource_cut: self.resource_cut,
            resource_account: self.resource_account.map(owned),
            session: self.session,
            context: self.context.into_owned(),
        }
    }

    /// Who asks: a user or role name, or an ARN.
    pub fn principal(&self) -> &str {
        &self.principal
    }

    /// The action as given, `service:ActionName`.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The resource as given: an ARN, a name or `*`.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The account that owns the resource, when the request says.
    pub fn resource_account(&self) -> Option<&str> {
        self.resource_account.as_deref()
    }

    /// The role session the request is made in, when it says.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The request context (keys ignore case).
    pub fn context(&self) -> &Context<'a> {
        &self.context
    }

    /// The action's service and name, both lowercase.
    pub fn action_ref(&self) -> ActionRef<'_> {
        let lower = self.action_lower.as_deref().unwrap_or(&self.action);
        ActionRef {
            service: lower.get(..self.name_start.saturating_sub(1)).unwrap_or_default(),
            name: lower.get(self.name_start..).unwrap_or_default(),
        }
    }

    /// The resource split as an ARN, or `None` when it is not one.
    pub fn resource_arn(&self) -> Option<crate::arn::ParsedArn<'_>> {
        self.resource_ref().arn
    }

    /// The resource, and its parts when it is an ARN, as the matchers take it.
    pub fn resource_ref(&self) -> ResourceRef<'_> {
        let text = self.resource();
        ResourceRef { text, arn: self.resource_cut.as_ref().and_then(|cut| cut.apply(text)) }
    }

    /// "Now" from the context: `aws:CurrentTime`, else `acs:CurrentTime`, else
    /// `aws:EpochTime`, when it is a time. Parsed on each call: most
    /// decisions never ask, and the evaluator asks at most once.
    pub fn context_time(&self) -> Option<Instant> {
        const KEYS: [&str; 3] = ["aws:CurrentTime", "acs:CurrentTime", "aws:EpochTime"];
        let mut found: [Option<&str>; 3] = [None; 3];
        for (key, value) in self.context.iter() {
            if let (Some(slot), ContextRef::One(text)) =
                // The exact spelling first: a byte comparison, where ignoring case goes byte by byte.
                (
                    KEYS.iter()
                        .position(|k| k.len() == key.len() && (*k == key || k.eq_ignore_ascii_case(key)))
                        .and_then(|i| found.get_mut(i)),
                    value,
                )
            {
                *slot = Some(text);
            }
        }
        found.iter().flatten().find_map(|text| Instant::parse(text))
    }
}

pub(crate) const REQUEST_HELP: &str =
    "a request is {\"principal\": \"user/alice\", \"action\": \"ecs:StartInstance\", \"resource\": \"acs:ecs:...\", \"context\": {...}}";

impl Lookup for Context<'_> {
    fn values(&self, key: &str) -> Option<Values<'_>> {
        match self.get(key)? {
            ContextRef::One(v) => Some(Values::One(Cow::Borrowed(v))),
            ContextRef::Many(vs) => Some(Values::Many(vs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reader's request borrows its strings from the text (reading
    /// it copies none of them), and `into_owned` keeps every part.
    #[test]
    fn plain_requests_borrow_their_text() {
        let text = r#"{"principal":"user/a","action":"s3:getobject","resource":"arn:aws:s3:::b/k","resourceAccount":"1","context":{"aws:SourceIp":"203.0.113.7","aws:TagKeys":["a"]}}"#;
        let within = |s: &str| {
            let (start, at) = (text.as_ptr() as usize, s.as_ptr() as usize);
            start <= at && at + s.len() <= start + text.len()
        };
        let r = Request::from_json_str(text).unwrap();
        let one = match r.context.get("aws:sourceip") {
            Some(ContextRef::One(v)) => v,
            other => panic!("{other:?}"),
        };
        let lower = r.action_ref();
        for s in
            [r.principal(), r.action(), r.resource(), r.resource_account().unwrap(), one, lower.service, lower.name]
        {
            assert!(within(s), "`{s}` is a copy");
        }
        assert!(r.context.iter().all(|(key, _)| within(key)));

        let owned = r.clone().into_owned();
        assert!(!within(owned.principal()) && !within(owned.resource()));
        assert_eq!(
            (owned.principal(), owned.action(), owned.resource(), owned.resource_account()),
            (r.principal(), r.action(), r.resource(), r.resource_account())
        );
        assert_eq!(owned.context.iter().collect::<Vec<_>>(), r.context.iter().collect::<Vec<_>>());
        assert_eq!((owned.action_ref().service, owned.action_ref().name), ("s3", "getobject"));
        assert_eq!(owned.resource_arn().map(|a| a.resource), Some("b/k"));
    }

    #[test]
    fn parses_context_values() {
        let r = Request::from_json_str(
            r#"{"principal":"user/a","action":"S3:GetObject","resource":"*","context":{"aws:MultiFactorAuthAge":3600,"acs:MFAPresent":true,"aws:TagKeys":["a","b"],"gone":null}}"#,
        )
        .unwrap();
        assert_eq!(r.context.get("AWS:multifactorauthage"), Some(ContextRef::One("3600")));
        assert_eq!(r.context.get("acs:mfapresent"), Some(ContextRef::One("true")));
        assert_eq!(r.context.get("aws:tagkeys"), Some(ContextRef::Many(&["a".into(), "b".into()])));
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
