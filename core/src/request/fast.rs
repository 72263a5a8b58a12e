//! The common request, read fast: an object of plain strings (no escapes)
//! for `principal`, `action`, `resource` and `resourceAccount`, a `session`
//! with a plain `name` and `issuedAt`, and a `context` of plain strings,
//! booleans, small non-negative integers or lists of plain strings. Anything
//! else (an escape, `null`, a session policy, a repeated
//! or unknown key, a syntax error, a value over a limit) makes it give up, and
//! the text is read as JSON and held to the rules of [`super::from_json`],
//! which say what is wrong. So this only ever accepts what those rules
//! accept, and reads it the same way: a test checks both on the same texts.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Context, Parts, SessionParts, Stored};
use crate::diag::Span;
use crate::limits;
use crate::text::plain_prefix_len_inline as plain_prefix_len;

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// Skips whitespace and one expected byte.
    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string without escapes at the cursor (after whitespace), and its span.
    #[inline]
    fn plain(&mut self) -> Option<(&'a str, Span)> {
        self.skip_ws();
        let start = self.at;
        if self.peek()? != b'"' {
            return None;
        }
        let len = plain_prefix_len(self.bytes.get(start + 1..)?);
        let end = start + 1 + len;
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        self.at = end + 1;
        // Both ends are next to an ASCII quote, so they are character boundaries.
        Some((self.text.get(start + 1..end)?, Span::new(start, end + 1)))
    }

    /// A member name of the request object, recognised by its first byte and
    /// a fixed-size compare (no scan); `None` for any other name, or one
    /// written with escapes, which the careful path reads or refuses.
    #[inline]
    fn request_member(&mut self) -> Option<Member> {
        fn quoted<const N: usize>(rest: &[u8], member: Member, name: &[u8; N]) -> Option<(Member, usize)> {
            (rest.first_chunk::<N>() == Some(name)).then_some((member, N))
        }
        self.skip_ws();
        let rest = self.bytes.get(self.at..)?;
        let (member, len) = match rest.get(1)? {
            b'p' => quoted(rest, Member::Principal, b"\"principal\""),
            b'a' => quoted(rest, Member::Action, b"\"action\""),
            b'r' if rest.get(9) == Some(&b'A') => quoted(rest, Member::ResourceAccount, b"\"resourceAccount\""),
            b'r' => quoted(rest, Member::Resource, b"\"resource\""),
            b'c' => quoted(rest, Member::Context, b"\"context\""),
            b's' => quoted(rest, Member::Session, b"\"session\""),
            _ => None,
        }?;
        self.at += len;
        Some(member)
    }

    /// `,` (more members follow: true) or the closing byte (false).
    #[inline]
    fn next_or(&mut self, close: u8) -> Option<bool> {
        self.skip_ws();
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            b if b == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// `true` / `false`, as their text.
    fn boolean(&mut self) -> Option<&'static str> {
        let rest = self.bytes.get(self.at..)?;
        let (word, text) = if rest.starts_with(b"true") {
            (4, "true")
        } else if rest.starts_with(b"false") {
            (5, "false")
        } else {
            return None;
        };
        self.at += word;
        Some(text)
    }

    /// A non-negative integer of at most 15 digits, as written (JSON has no
    /// leading zeros, so it is already its shortest text).
    fn small_integer(&mut self) -> Option<&'a str> {
        let start = self.at;
        let digits = self.bytes.get(start..)?.iter().take_while(|b| b.is_ascii_digit()).count();
        let next = self.bytes.get(start + digits).copied();
        if digits == 0 || digits > 15 || (digits > 1 && self.peek() == Some(b'0')) {
            return None;
        }
        if matches!(next, Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at += digits;
        self.text.get(start..self.at)
    }

    /// One context value (after whitespace), or `None` to give up.
    fn context_value(&mut self) -> Option<Stored<'a>> {
        self.skip_ws();
        match self.peek()? {
            b'"' => one_value(self.plain()?.0).map(Stored::borrowed),
            b't' | b'f' => one_value(self.boolean()?).map(Stored::borrowed),
            b'0'..=b'9' => one_value(self.small_integer()?).map(Stored::borrowed),
            b'[' => {
                self.at += 1;
                let mut values = Vec::new();
                self.skip_ws();
                if self.peek()? == b']' {
                    self.at += 1;
                    return Some(Stored::Many(values));
                }
                loop {
                    if values.len() >= limits::MAX_CONTEXT_VALUES {
                        return None;
                    }
                    values.push(String::from(one_value(self.plain()?.0)?));
                    if !self.next_or(b']')? {
                        return Some(Stored::Many(values));
                    }
                }
            }
            _ => None,
        }
    }

    /// A session of a plain `name` and `issuedAt` (both optional).
    fn session(&mut self) -> Option<SessionParts<'a>> {
        self.eat(b'{')?;
        let mut session = SessionParts { name: None, policy: None, issued_at: None };
        self.skip_ws();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(session);
        }
        loop {
            let (key, _) = self.plain()?;
            self.eat(b':')?;
            let (value, span) = self.plain()?;
            match key {
                "name" if session.name.is_none() => session.name = Some(Cow::Borrowed(value)),
                "issuedAt" if session.issued_at.is_none() => session.issued_at = Some((Cow::Borrowed(value), span)),
                _ => return None,
            }
            if !self.next_or(b'}')? {
                return Some(session);
            }
        }
    }

    fn context(&mut self) -> Option<Context<'a>> {
        self.eat(b'{')?;
        let mut context = Context::with_capacity(4);
        self.skip_ws();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(context);
        }
        loop {
            let (key, _) = self.plain()?;
            self.eat(b':')?;
            let value = self.context_value()?;
            if context.len() >= limits::MAX_CONTEXT_KEYS || context.contains_key(key) {
                return None;
            }
            context.push(Cow::Borrowed(key), value);
            if !self.next_or(b'}')? {
                return Some(context);
            }
        }
    }
}

/// The members a request object may have.
#[derive(Clone, Copy)]
enum Member {
    Principal,
    Action,
    Resource,
    ResourceAccount,
    Context,
    Session,
}

impl Member {
    fn named(key: &str) -> Option<Member> {
        Some(match key {
            "principal" => Member::Principal,
            "action" => Member::Action,
            "resource" => Member::Resource,
            "resourceAccount" => Member::ResourceAccount,
            "context" => Member::Context,
            "session" => Member::Session,
            _ => return None,
        })
    }
}

/// The string fields of a plain request, each given at most once.
struct Fields<T> {
    principal: Option<T>,
    action: Option<T>,
    resource: Option<T>,
    resource_account: Option<T>,
}

impl<T> Fields<T> {
    const EMPTY: Fields<T> = Fields { principal: None, action: None, resource: None, resource_account: None };

    /// The still empty slot of a string member; `None` for a repeated one or
    /// a member that is not a string.
    fn empty_slot(&mut self, member: Member) -> Option<&mut Option<T>> {
        let slot = match member {
            Member::Principal => &mut self.principal,
            Member::Action => &mut self.action,
            Member::Resource => &mut self.resource,
            Member::ResourceAccount => &mut self.resource_account,
            Member::Context | Member::Session => return None,
        };
        slot.is_none().then_some(slot)
    }
}

/// The parts of a plain request, or `None` for the careful path.
pub(super) fn read(text: &str) -> Option<Parts<'_>> {
    read_object::<true>(text, &mut 0)
}

/// The parts of the plain request that `text` starts with, and in `len`
/// where it ends (whatever follows is the caller's); or `None` for the
/// careful path.
pub(super) fn read_prefix<'a>(text: &'a str, len: &mut usize) -> Option<Parts<'a>> {
    read_object::<false>(text, len)
}

/// [`read`] (`WHOLE`: nothing but whitespace may follow) or [`read_prefix`];
/// one body, made twice, because a wrapper that checks what follows costs
/// the single decision a copy of the parts.
#[inline(always)]
fn read_object<'a, const WHOLE: bool>(text: &'a str, len: &mut usize) -> Option<Parts<'a>> {
    let mut c = Cursor { text, bytes: text.as_bytes(), at: 0 };
    let mut fields = Fields::EMPTY;
    let (mut session, mut context) = (None, None);
    c.eat(b'{')?;
    loop {
        let member = c.request_member()?;
        c.eat(b':')?;
        match member {
            Member::Session if session.is_none() => session = Some(c.session()?),
            Member::Context if context.is_none() => context = Some(c.context()?),
            _ => *fields.empty_slot(member)? = Some(c.plain()?),
        }
        if !c.next_or(b'}')? {
            break;
        }
    }
    let ((principal, principal_span), (action, action_span), (resource, resource_span)) =
        (fields.principal?, fields.action?, fields.resource?);
    if WHOLE {
        c.skip_ws();
        if c.at != text.len() {
            return None;
        }
    }
    *len = c.at;
    Some(Parts {
        principal: Cow::Borrowed(principal),
        action: Cow::Borrowed(action),
        resource: Cow::Borrowed(resource),
        resource_account: fields.resource_account.map(|(text, _)| Cow::Borrowed(text)),
        session,
        context: context.unwrap_or_default(),
        spans: [principal_span, action_span, resource_span],
    })
}

/// The parts of a plain request handed over in the transfer form
/// ([`crate::transfer`]), or `None` for the careful path (the value read as
/// JSON and held to the rules). The same shape as [`read`] takes from text;
/// context numbers only when they are non-negative safe integers.
pub(super) fn read_transfer(bytes: &[u8]) -> Option<Parts<'_>> {
    use crate::transfer::{Reader, OBJECT, STRING};
    let mut r = Reader::new(bytes);
    if r.tag().ok()? != OBJECT {
        return None;
    }
    let mut fields = Fields::EMPTY;
    let (mut session, mut context) = (None, None);
    for _ in 0..r.u32().ok()? {
        match Member::named(r.str().ok()?)? {
            Member::Session if session.is_none() => session = Some(transfer_session(&mut r)?),
            Member::Context if context.is_none() => context = Some(transfer_context(&mut r)?),
            member => {
                let slot = fields.empty_slot(member)?;
                if r.tag().ok()? != STRING {
                    return None;
                }
                *slot = Some(r.str().ok()?);
            }
        }
    }
    if !r.at_end() {
        return None;
    }
    Some(Parts {
        principal: Cow::Borrowed(fields.principal?),
        action: Cow::Borrowed(fields.action?),
        resource: Cow::Borrowed(fields.resource?),
        resource_account: fields.resource_account.map(Cow::Borrowed),
        session,
        context: context.unwrap_or_default(),
        spans: [Span::default(); 3],
    })
}

fn transfer_session<'a>(r: &mut crate::transfer::Reader<'a>) -> Option<SessionParts<'a>> {
    use crate::transfer::{OBJECT, STRING};
    if r.tag().ok()? != OBJECT {
        return None;
    }
    let mut session = SessionParts { name: None, policy: None, issued_at: None };
    for _ in 0..r.u32().ok()? {
        let key = r.str().ok()?;
        if r.tag().ok()? != STRING {
            return None;
        }
        let value = Cow::Borrowed(r.str().ok()?);
        match key {
            "name" if session.name.is_none() => session.name = Some(value),
            "issuedAt" if session.issued_at.is_none() => session.issued_at = Some((value, Span::default())),
            _ => return None,
        }
    }
    Some(session)
}

fn transfer_context<'a>(r: &mut crate::transfer::Reader<'a>) -> Option<Context<'a>> {
    use crate::transfer::{ARRAY, FALSE, NUMBER, OBJECT, STRING, TRUE};
    if r.tag().ok()? != OBJECT {
        return None;
    }
    let count = r.u32().ok()?;
    if count > limits::MAX_CONTEXT_KEYS {
        return None;
    }
    let mut context = Context::with_capacity(count);
    for _ in 0..count {
        let key = r.str().ok()?;
        let value = match r.tag().ok()? {
            STRING => Stored::borrowed(one_value(r.str().ok()?)?),
            TRUE => Stored::borrowed("true"),
            FALSE => Stored::borrowed("false"),
            NUMBER => {
                let bytes: [u8; 8] = r.take(8).ok()?.try_into().ok()?;
                Stored::One(Cow::Owned(small_integer_text(f64::from_le_bytes(bytes))?))
            }
            ARRAY => {
                let n = r.u32().ok()?;
                if n > limits::MAX_CONTEXT_VALUES {
                    return None;
                }
                let mut values = Vec::with_capacity(n);
                for _ in 0..n {
                    if r.tag().ok()? != STRING {
                        return None;
                    }
                    values.push(String::from(one_value(r.str().ok()?)?));
                }
                Stored::Many(values)
            }
            _ => return None,
        };
        if context.contains_key(key) {
            return None;
        }
        context.push(Cow::Borrowed(key), value);
    }
    Some(context)
}

/// A context value's text, or `None` (the rules then say it is too long).
fn one_value(text: &str) -> Option<&str> {
    (text.len() <= limits::MAX_PATTERN_BYTES).then_some(text)
}

/// The decimal text of a non-negative whole number below 2^53, else `None`.
fn small_integer_text(v: f64) -> Option<String> {
    if !(0.0..=9_007_199_254_740_991.0).contains(&v) {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked: a non-negative value below 2^53"
    )]
    let n = v as u64;
    #[expect(clippy::cast_precision_loss, reason = "exact below 2^53")]
    let whole = n as f64 == v;
    whole.then(|| alloc::format!("{n}"))
}

#[cfg(test)]
mod tests {
    use super::super::{from_json, parts_view as view};
    use crate::json::{self, JsonLimits};
    use alloc::string::String;
    use alloc::vec::Vec;

    /// Wherever the fast reader reads a text, the rules over its JSON read the same.
    #[test]
    fn reads_what_the_rules_read() {
        let base = [
            r#"{"principal":"user/alice","action":"ecs:StartInstance","resource":"acs:ecs:cn-hangzhou:1234567890123456:instance/dev-1","context":{"acs:CurrentTime":"2026-11-23T10:00:00Z","acs:SourceIp":"203.0.113.7","acs:MFAPresent":true}}"#,
            " { \"resourceAccount\" : \"42\" ,\n\t\"principal\" : \"role/r\" , \"action\":\"s3:GetObject\",\r\n\"resource\":\"*\", \"context\" : { \"aws:TagKeys\" : [ \"a\" , \"b\" ] , \"n\" : 3600 , \"z\": 0, \"e\": [] } } ",
            r#"{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{}}"#,
            r#"{"principal":"role/r","session":{"name":"nightly","issuedAt":"2026-11-23T10:00:00Z"},"action":"s3:GetObject","resource":"*"}"#,
        ];
        assert!(base.iter().all(|t| super::read(t).is_some()));
        assert!(super::read(base[3]).is_some_and(|p| p.session.is_some_and(|s| s.issued_at.is_some())));
        let mut texts: Vec<String> = base.iter().map(|t| String::from(*t)).collect();
        for b in base {
            // Every cut, and every swap of one byte for a troublesome one.
            for at in 0..b.len() {
                texts.push(String::from(b.get(..at).unwrap_or_default()));
                for swap in ["\\", "\"", "n", "0", "-", ".", "e", "{", "}", "[", "]", ",", ":", "\u{1}", "é"] {
                    if b.is_char_boundary(at) && b.is_char_boundary(at + 1) {
                        let mut t = String::from(b.get(..at).unwrap_or_default());
                        t.push_str(swap);
                        t.push_str(b.get(at + 1..).unwrap_or_default());
                        texts.push(t);
                    }
                }
            }
        }
        for extra in [
            r#","context":{"a":"1","A":"2"}"#,
            r#","principal":"user/b""#,
            r#","context":{"n":007}"#,
            r#","context":{"n":1.5,"m":-1,"big":1234567890123456789}"#,
            r#","context":{"gone":null}"#,
            r#","session":{"name":"x"}"#,
            r#","session":{"name":"x","issuedAt":"2026-11-23T10:00:00Z"}"#,
            r#","session":{ }"#,
            r#","session":{"name":"x","name":"y"}"#,
            r#","session":{"name":null}"#,
            r#","session":{"policy":{}}"#,
            r#","session":{"nme":"x"}"#,
            r#","session":{"issuedAt":"soon"},"session":{}"#,
            r#","context":{"s":"caf\u00e9"}"#,
        ] {
            texts.push(alloc::format!(r#"{{"principal":"user/a","action":"s3:GetObject","resource":"*"{extra}}}"#));
        }
        let mut fast_reads = 0;
        for text in &texts {
            let Some(fast) = super::read(text) else { continue };
            fast_reads += 1;
            let json = json::parse(text, JsonLimits::default()).unwrap_or_else(|e| panic!("{text}: not JSON: {e}"));
            let careful = from_json::parts(&json).unwrap_or_else(|d| panic!("{text}: the rules refuse: {}", d.message));
            assert_eq!(view(&fast), view(&careful), "{text}");
        }
        assert!(fast_reads >= 3 && fast_reads < texts.len(), "{fast_reads} of {}", texts.len());
    }

    /// Wherever the fast transfer reader reads a value, the rules over its JSON read the same.
    #[test]
    fn transfer_reads_what_the_rules_read() {
        use crate::transfer::encode::{encode, V};
        use crate::transfer::Reader;
        let base = |context: V<'static>, extra: Option<(&'static str, V<'static>)>| {
            let mut members = alloc::vec![
                ("principal", V::Str("user/alice")),
                ("action", V::Str("ecs:StartInstance")),
                ("resource", V::Str("acs:ecs:cn-hangzhou:1:instance/dev-1")),
                ("context", context),
            ];
            members.extend(extra);
            V::Obj(members)
        };
        let contexts = [
            V::Obj(alloc::vec![("acs:CurrentTime", V::Str("2026-11-23T10:00:00Z")), ("acs:MFAPresent", V::Bool(true))]),
            V::Obj(alloc::vec![("n", V::Num(3600.0)), ("z", V::Num(0.0)), ("m", V::Num(-0.0)), ("big", V::Num(1e300))]),
            V::Obj(alloc::vec![("neg", V::Num(-3.0)), ("frac", V::Num(1.5))]),
            V::Obj(alloc::vec![("l", V::Arr(alloc::vec![V::Str("a"), V::Str("é")])), ("e", V::Arr(alloc::vec![]))]),
            V::Obj(alloc::vec![("l", V::Arr(alloc::vec![V::Str("a"), V::Num(1.0)]))]),
            V::Obj(alloc::vec![("a", V::Str("1")), ("A", V::Str("2"))]),
            V::Obj(alloc::vec![("gone", V::Null)]),
            V::Obj(alloc::vec![]),
            V::Null,
            V::Str("x"),
        ];
        let extras = [
            None,
            Some(("resourceAccount", V::Str("42"))),
            Some(("resourceAccount", V::Null)),
            Some(("session", V::Obj(alloc::vec![("name", V::Str("s"))]))),
            Some(("session", V::Obj(alloc::vec![("name", V::Str("s")), ("issuedAt", V::Str("2026-11-23T10:00:00Z"))]))),
            Some(("session", V::Obj(alloc::vec![("name", V::Str("s")), ("name", V::Str("t"))]))),
            Some(("session", V::Obj(alloc::vec![("policy", V::Obj(alloc::vec![]))]))),
            Some(("session", V::Obj(alloc::vec![("name", V::Null)]))),
            Some(("session", V::Null)),
            Some(("contxt", V::Obj(alloc::vec![]))),
            Some(("principal", V::Str("user/bob"))),
        ];
        let mut fast_reads = 0;
        let mut total = 0;
        for context in &contexts {
            for extra in &extras {
                let mut bytes = Vec::new();
                encode(&base(context.clone(), extra.clone()), &mut bytes);
                total += 1;
                let Some(fast) = super::read_transfer(&bytes) else { continue };
                fast_reads += 1;
                let json = Reader::new(&bytes).json().unwrap_or_else(|e| panic!("{bytes:?}: {e}"));
                let careful = from_json::parts(&json).unwrap_or_else(|d| panic!("the rules refuse: {}", d.message));
                assert_eq!(view(&fast), view(&careful));
            }
        }
        assert!(fast_reads >= 6 && fast_reads < total, "{fast_reads} of {total}");
    }
}
