use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use hashbrown::HashMap;

use super::{push_pointer, Json, JsonError, JsonLimits, Member, Value};

/// A reader's error, boxed: readers return it from every step, so the
/// success path stays small.
pub(crate) type Fail = alloc::boxed::Box<JsonError>;
use crate::diag::Span;

/// Reads one JSON value from `text`, keeping spans, rejecting duplicate keys
/// and anything beyond `limits`.
pub fn parse(text: &str, limits: JsonLimits) -> Result<Json, JsonError> {
    if text.len() > limits.max_bytes {
        return Err(JsonError::TooLarge { limit: limits.max_bytes, size: text.len() });
    }
    let mut reader = Reader::new(text, limits);
    reader.skip_ws();
    let value = reader.value().map_err(|e| *e)?;
    reader.finish().map_err(|e| *e)?;
    Ok(value)
}

#[derive(Debug, Clone, Copy)]
enum Segment {
    Key(Span),
    Index(usize),
}

/// A cursor over JSON text. [`parse`] reads a whole value with it; the batch
/// reader (`api::evaluate_batch_json_with`) steps over requests with it,
/// keeping its errors, spans and pointers.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
    limits: JsonLimits,
    /// Where the reader is, for error messages: keys by their span in the
    /// text (decoded only if an error needs the pointer), array positions.
    path: Vec<Segment>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str, limits: JsonLimits) -> Reader<'a> {
        Reader { bytes: text.as_bytes(), text, pos: 0, depth: 0, limits, path: Vec::new() }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Steps over one byte the caller has peeked (a `{`, `:`, `,` ...).
    pub(crate) fn bump(&mut self) {
        self.pos += 1;
    }

    /// Fails unless only whitespace follows.
    pub(crate) fn finish(&mut self) -> Result<(), Fail> {
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.syntax("unexpected text after the JSON value", self.pos, self.bytes.len()));
        }
        Ok(())
    }

    /// Steps over `len` bytes the caller has read another way.
    pub(crate) fn skip_bytes(&mut self, len: usize) {
        self.pos = self.pos.saturating_add(len).min(self.bytes.len());
    }

    pub(crate) fn enter_index(&mut self, index: usize) {
        self.path.push(Segment::Index(index));
    }

    pub(crate) fn leave(&mut self) {
        self.path.pop();
    }

    /// The text from `start` to the cursor.
    pub(crate) fn since(&self, start: usize) -> &'a str {
        self.text.get(start..self.pos).unwrap_or_default()
    }

    /// The JSON pointer of the current place (only built for errors).
    fn pointer(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match *segment {
                Segment::Index(i) => push_pointer(&mut out, &itoa(i)),
                Segment::Key(span) => {
                    let literal = self.text.get(span.start..span.end).unwrap_or_default();
                    let mut key_reader = Reader {
                        bytes: literal.as_bytes(),
                        text: literal,
                        pos: 0,
                        depth: 0,
                        limits: self.limits,
                        path: Vec::new(),
                    };
                    let key = key_reader.string().unwrap_or_default();
                    push_pointer(&mut out, &key);
                }
            }
        }
        out
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(crate) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn syntax(&self, message: &str, start: usize, end: usize) -> Fail {
        Fail::new(JsonError::Syntax {
            message: String::from(message),
            span: Span::new(start, end),
            path: self.pointer(),
        })
    }

    /// Span of the character at the cursor, for "unexpected character" errors.
    fn here(&self) -> (usize, usize) {
        let len = self.text.get(self.pos..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
        (self.pos, self.pos + len)
    }

    pub(crate) fn unexpected(&self, expected: &str) -> Fail {
        let (start, end) = self.here();
        Fail::new(match self.text.get(start..end) {
            Some(found) if !found.is_empty() => JsonError::Syntax {
                message: format!("expected {expected}, found `{found}`"),
                span: Span::new(start, end),
                path: self.pointer(),
            },
            _ => JsonError::Syntax {
                message: format!("expected {expected}, found the end of the text"),
                span: Span::new(start, start),
                path: self.pointer(),
            },
        })
    }

    fn value(&mut self) -> Result<Json, Fail> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let start = self.pos;
                let s = self.string()?;
                Ok(Json::new(Value::String(s), Span::new(start, self.pos)))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    /// Steps over one value at the cursor, checking its syntax and depth but
    /// building nothing (duplicate keys are left to whoever reads it).
    pub(crate) fn skip_value(&mut self) -> Result<(), Fail> {
        match self.peek() {
            Some(open @ (b'{' | b'[')) => {
                let start = self.pos;
                self.enter(start)?;
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                loop {
                    self.skip_ws();
                    if open == b'{' {
                        if self.peek() != Some(b'"') {
                            return Err(self.unexpected("a string key"));
                        }
                        self.string_cow()?;
                        self.skip_ws();
                        if self.peek() != Some(b':') {
                            return Err(self.unexpected("`:` after the key"));
                        }
                        self.pos += 1;
                        self.skip_ws();
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b) if b == close => {
                            self.pos += 1;
                            self.depth -= 1;
                            return Ok(());
                        }
                        _ => return Err(self.unexpected(if open == b'{' { "`,` or `}`" } else { "`,` or `]`" })),
                    }
                }
            }
            Some(b'"') => self.string_cow().map(drop),
            Some(b'-' | b'0'..=b'9') => self.number_text().map(drop),
            _ => self.value().map(drop),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Json, Fail> {
        let start = self.pos;
        if self.bytes.get(start..start + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(Json::new(value, Span::new(start, self.pos)))
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn enter(&mut self, start: usize) -> Result<(), Fail> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(Fail::new(JsonError::TooDeep {
                limit: self.limits.max_depth,
                span: Span::new(start, start + 1),
                path: self.pointer(),
            }));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Json, Fail> {
        let start = self.pos;
        self.enter(start)?;
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        // Small objects are checked for duplicates by scanning; big maps
        // (a store's `policies`, `users`) by hashing, so loading stays linear.
        let mut seen: Option<HashMap<String, Span>> = None;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Json::new(Value::Object(members), Span::new(start, self.pos)));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            let first = match &mut seen {
                Some(map) => map.get(&key).copied(),
                None => members.iter().find(|m| m.key == key).map(|m| m.key_span),
            };
            if let Some(first) = first {
                let mut path = self.pointer();
                push_pointer(&mut path, &key);
                return Err(Fail::new(JsonError::DuplicateKey { key, span: key_span, first, path }));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("`:` after the key"));
            }
            self.pos += 1;
            self.skip_ws();
            self.path.push(Segment::Key(key_span));
            let value = self.value()?;
            self.path.pop();
            match &mut seen {
                Some(map) => {
                    map.insert(key.clone(), key_span);
                }
                None if members.len() >= 16 => {
                    let mut map: HashMap<String, Span> = members.iter().map(|m| (m.key.clone(), m.key_span)).collect();
                    map.insert(key.clone(), key_span);
                    seen = Some(map);
                }
                None => {}
            }
            members.push(Member { key, key_span, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
        self.depth -= 1;
        Ok(Json::new(Value::Object(members), Span::new(start, self.pos)))
    }

    fn array(&mut self) -> Result<Json, Fail> {
        let start = self.pos;
        self.enter(start)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Json::new(Value::Array(items), Span::new(start, self.pos)));
        }
        loop {
            self.skip_ws();
            self.path.push(Segment::Index(items.len()));
            items.push(self.value()?);
            self.path.pop();
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
        self.depth -= 1;
        Ok(Json::new(Value::Array(items), Span::new(start, self.pos)))
    }

    fn number(&mut self) -> Result<Json, Fail> {
        let start = self.pos;
        let text = self.number_text()?;
        Ok(Json::new(Value::Number(String::from(text)), Span::new(start, self.pos)))
    }

    /// Reads a number at the cursor and returns it as written.
    fn number_text(&mut self) -> Result<&'a str, Fail> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit after `.`"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            self.digits();
        }
        Ok(self.text.get(start..self.pos).unwrap_or_default())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// Reads a string literal at the cursor (which is on `"`), decoding escapes.
    fn string(&mut self) -> Result<String, Fail> {
        self.string_cow().map(Cow::into_owned)
    }

    /// Reads a string literal at the cursor (which is on `"`): borrowed from
    /// the text when it has no escapes.
    fn string_cow(&mut self) -> Result<Cow<'a, str>, Fail> {
        let start = self.pos;
        self.pos += 1;
        self.pos += crate::text::plain_prefix_len(self.bytes.get(self.pos..).unwrap_or_default());
        if self.peek() == Some(b'"') {
            let text = self.text.get(start + 1..self.pos).unwrap_or_default();
            self.pos += 1;
            return Ok(Cow::Borrowed(text));
        }
        let mut out = String::new();
        let mut run_start = start + 1;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.syntax("this string is never closed", start, self.pos));
            };
            match b {
                b'"' => {
                    out.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    out.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
                    self.escape(&mut out)?;
                    run_start = self.pos;
                }
                0x00..=0x1f => {
                    return Err(self.syntax(
                        "control characters must be escaped inside strings (use \\n, \\t or \\u00XX)",
                        self.pos,
                        self.pos + 1,
                    ))
                }
                _ => self.pos += 1,
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Fail> {
        let start = self.pos;
        self.pos += 1;
        let Some(b) = self.peek() else {
            return Err(self.syntax("this string is never closed", start, self.pos));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4(start)?;
                if (0xD800..0xDC00).contains(&high) {
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(self.syntax("unpaired surrogate in \\u escape", start, self.pos));
                    }
                    self.pos += 2;
                    let low = self.hex4(start)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.syntax("unpaired surrogate in \\u escape", start, self.pos));
                    }
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code).ok_or_else(|| self.syntax("invalid \\u escape", start, self.pos))?
                } else {
                    char::from_u32(high)
                        .ok_or_else(|| self.syntax("unpaired surrogate in \\u escape", start, self.pos))?
                }
            }
            _ => {
                // Underline the whole character after the backslash, which may be several bytes.
                let at = self.pos - 1;
                let end = at + self.text.get(at..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8);
                return Err(self.syntax("unknown escape in string", start, end));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self, escape_start: usize) -> Result<u32, Fail> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.syntax("\\u must be followed by four hex digits", escape_start, self.bytes.len()))?;
        let mut value = 0u32;
        for (i, &d) in digits.iter().enumerate() {
            // The span ends after the offending character, which may be
            // several bytes long (the digits before it are ASCII).
            let bad_end = || {
                (self.pos + i + self.text.get(self.pos + i..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8))
                    .min(self.bytes.len())
            };
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.syntax("\\u must be followed by four hex digits", escape_start, bad_end()))?;
            value = value * 16 + v;
        }
        self.pos += 4;
        Ok(value)
    }
}

fn itoa(n: usize) -> String {
    use core::fmt::Write;
    let mut s = String::new();
    let _ = write!(s, "{n}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Json, JsonError> {
        parse(text, JsonLimits::default())
    }

    #[test]
    fn reads_values_with_spans() {
        let text = r#" {"a": [1, -2.5e3, "x\u00e9\n"], "b": true, "c": null} "#;
        let json = p(text).unwrap();
        let a = json.get("a").unwrap().as_array().unwrap();
        assert_eq!(a[1].value, Value::Number("-2.5e3".into()));
        assert_eq!(a[2].as_str(), Some("xé\n"));
        assert_eq!(json.span, Span::new(1, text.len() - 1));
        assert_eq!(json.get("b").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn skipping_accepts_what_parsing_accepts() {
        for text in [
            r#" {"a": [1, -2.5e3, "x\u00e9\n"], "b": {"c": [true, false, null, {}]}, "d": []} "#,
            "[1, 2,, 3]",
            "{\"a\" 1}",
            "[\"\\ud83d\"]",
            "{} x",
            "[01]",
            "",
        ] {
            let mut r = Reader::new(text, JsonLimits::default());
            r.skip_ws();
            let skipped = r.skip_value().and_then(|()| r.finish()).is_ok();
            assert_eq!(skipped, p(text).is_ok(), "{text}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        let mut r = Reader::new(&deep, JsonLimits::default());
        assert!(r.skip_value().is_err());
    }

    #[test]
    fn surrogate_pairs_decode() {
        assert_eq!(p(r#""\ud83d\ude00""#).unwrap().as_str(), Some("😀"));
        assert!(p(r#""\ud83d""#).is_err());
    }

    #[test]
    fn duplicate_keys_are_errors_with_their_place() {
        let err = p(r#"{"Statement": {"Effect": "Allow", "Effect": "Deny"}}"#).unwrap_err();
        match err {
            JsonError::DuplicateKey { key, path, span, .. } => {
                assert_eq!(key, "Effect");
                assert_eq!(path, "/Statement/Effect");
                assert_eq!(span, Span::new(34, 42));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_in_big_objects_are_found_by_hashing() {
        let mut text = String::from("{");
        for i in 0..100 {
            text.push_str(&alloc::format!("\"k{i}\": {i},"));
        }
        text.push_str("\"k7\": 0}");
        assert!(matches!(p(&text), Err(JsonError::DuplicateKey { .. })));
    }

    #[test]
    fn depth_is_limited() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(matches!(p(&deep), Err(JsonError::TooDeep { limit: 64, .. })));
        let ok = "[".repeat(64) + &"]".repeat(64);
        assert!(p(&ok).is_ok());
    }

    #[test]
    fn size_is_limited() {
        let limits = JsonLimits { max_bytes: 10, max_depth: 4 };
        assert!(matches!(parse("[1,2,3,4,5,6]", limits), Err(JsonError::TooLarge { .. })));
    }

    #[test]
    fn syntax_errors_name_the_place() {
        let err = p("{\"a\": [1, 2,, 3]}").unwrap_err();
        match err {
            JsonError::Syntax { message, path, span } => {
                assert_eq!(message, "expected a JSON value, found `,`");
                assert_eq!(path, "/a/2");
                assert_eq!(span, Span::new(12, 13));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(p("{\"a\": 01}").is_err());
        assert!(p("{\"a\": 1.}").is_err());
        assert!(p("\"tab\there\"").is_err());
        assert!(p("{} x").is_err());
        assert!(p("").is_err());
        assert!(p("{\"a\"").is_err());
    }
}
