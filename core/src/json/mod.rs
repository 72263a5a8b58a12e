//! A small JSON reader that keeps source spans.
//!
//! serde_json cannot say *where* a value sat in the text once it is parsed, and
//! it silently keeps the last of two duplicate keys. Policy authors need both:
//! every finding points at the exact characters, and a duplicated `Effect` must
//! be an error rather than a coin toss. So stores and policies are read here;
//! requests and answers, whose errors need no spans, use serde_json.

mod err;
mod parse;

pub use err::JsonError;
pub use parse::parse;
pub(crate) use parse::Reader;

use alloc::string::String;
use alloc::vec::Vec;

use crate::diag::Span;

/// Bounds on the shape of a JSON document, checked while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonLimits {
    /// Largest accepted text, in bytes.
    pub max_bytes: usize,
    /// Deepest accepted nesting of arrays and objects.
    pub max_depth: usize,
}

impl Default for JsonLimits {
    fn default() -> Self {
        JsonLimits { max_bytes: crate::limits::MAX_STORE_BYTES, max_depth: crate::limits::MAX_JSON_DEPTH }
    }
}

/// A JSON value with the byte range it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub value: Value,
    pub span: Span,
}

/// One object member: its key (with the key's own span) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Json,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number exactly as written, so `10.0` and `3600` keep their text.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<Member>),
}

impl Json {
    pub fn new(value: Value, span: Span) -> Self {
        Json { value, span }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The member named `key`, compared exactly.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?.iter().find(|m| m.key == key).map(|m| &m.value)
    }

    /// A word for the kind of value, for messages ("expected a string, found an array").
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Scalars as policy text: strings as they are, numbers and booleans as written
    /// (IAM accepts `3600` and `true` where it documents `"3600"` and `"true"`).
    pub fn scalar_text(&self) -> Option<alloc::borrow::Cow<'_, str>> {
        use alloc::borrow::Cow;
        match &self.value {
            Value::String(s) => Some(Cow::Borrowed(s)),
            Value::Number(n) => Some(Cow::Borrowed(n)),
            Value::Bool(true) => Some(Cow::Borrowed("true")),
            Value::Bool(false) => Some(Cow::Borrowed("false")),
            _ => None,
        }
    }
}

/// Appends `segment` to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn push_pointer(pointer: &mut String, segment: &str) {
    pointer.push('/');
    if !segment.contains(['~', '/']) {
        pointer.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// `pointer` + `/segment`, as a new string.
pub fn join_pointer(pointer: &str, segment: &str) -> String {
    let mut out = String::from(pointer);
    push_pointer(&mut out, segment);
    out
}

/// Finds the value a JSON pointer names, for turning an explanation's path back into a span.
pub fn resolve_pointer<'a>(root: &'a Json, pointer: &str) -> Option<&'a Json> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut node = root;
    for raw in pointer.strip_prefix('/')?.split('/') {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        node = match &node.value {
            Value::Object(members) => &members.iter().find(|m| m.key == segment)?.value,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

mod de;

impl Json {
    /// The value as compact JSON text, numbers as written.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) {
        match &self.value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_text(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, &m.key);
                    out.push(':');
                    m.value.write_text(out);
                }
                out.push('}');
            }
        }
    }
}

/// `text` as a JSON string literal.
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    escape_into(out, text);
    out.push('"');
}

/// Appends `text` escaped as JSON string contents (what JSON requires, no more).
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    loop {
        let plain = crate::text::plain_prefix_len(rest.as_bytes());
        out.push_str(rest.get(..plain).unwrap_or_default());
        let Some(c) = rest.get(plain..).and_then(|r| r.chars().next()) else { break };
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX.get(n >> 4 & 15).copied().unwrap_or(b'0')));
                out.push(char::from(HEX.get(n & 15).copied().unwrap_or(b'0')));
            }
        }
        rest = rest.get(plain + c.len_utf8()..).unwrap_or_default();
    }
}

impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match &self.value {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            // The number exactly as written (no float parsing or printing code
            // in the Wasm builds); `Value::Number` always holds valid JSON.
            Value::Number(n) => match serde_json::value::RawValue::from_string(n.clone()) {
                Ok(raw) => raw.serialize(serializer),
                Err(_) => serializer.serialize_str(n),
            },
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for m in members {
                    map.serialize_entry(&m.key, &m.value)?;
                }
                map.end()
            }
        }
    }
}

/// The double a JSON number stands for, when one correctly rounded step
/// gets it (Clinger's fast path: at most 2^53 as an integer significand,
/// and a power of ten up to 22); `None` for the rest, whose digits a double
/// would not keep.
pub fn decimal_value(lexeme: &str) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    let bytes = lexeme.as_bytes();
    let (negative, mut at) = if bytes.first() == Some(&b'-') { (true, 1) } else { (false, 0) };
    let mut significand: u64 = 0;
    let mut exponent: i64 = 0;
    let mut seen_point = false;
    let mut digits = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'0'..=b'9' => {
                if significand > 0 || b != b'0' {
                    digits += 1;
                    if digits > 19 {
                        return None;
                    }
                    significand = significand * 10 + u64::from(b - b'0');
                }
                if seen_point {
                    exponent -= 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            b'e' | b'E' => {
                let written: i64 = lexeme.get(at + 1..)?.trim_start_matches('+').parse().ok()?;
                exponent = exponent.checked_add(written)?;
                break;
            }
            _ => return None,
        }
        at += 1;
    }
    while significand != 0 && significand % 10 == 0 {
        significand /= 10;
        exponent += 1;
    }
    if significand > 1 << 53 {
        return None;
    }
    #[allow(clippy::cast_precision_loss, reason = "exact: at most 2^53")]
    let w = significand as f64;
    let value = if significand == 0 {
        0.0
    } else if (0..=22).contains(&exponent) {
        w * POW10.get(usize::try_from(exponent).ok()?)?
    } else if (-22..0).contains(&exponent) {
        w / POW10.get(usize::try_from(-exponent).ok()?)?
    } else {
        return None;
    };
    Some(if negative { -value } else { value })
}

/// The text of a JSON number received as `f64` (from JavaScript, say):
/// integers as integers, other values by the shortest round-trip form.
pub fn number_text(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    // 2^53: every integer up to here is exact in f64. (`f64::fract` is
    // std-only; an integer survives the round trip through i64 unchanged.)
    if v.abs() <= 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation, reason = "checked above: in i64 range")]
        let i = v as i64;
        #[allow(clippy::float_cmp, reason = "exactness is the question")]
        if i as f64 == v {
            return Some(alloc::format!("{i}"));
        }
    }
    serde_json::to_string(&v).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_round_trips_through_serde_json() {
        let text = r#"{"a":[1,-2.5e3,"x\u00e9\n\"\\\u0001",true,null],"b":{},"c":[]}"#;
        let json = super::parse(text, super::JsonLimits::default()).unwrap();
        let written = json.to_text();
        let ours: serde_json::Value = serde_json::from_str(&written).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(written, serde_json::to_string(&json).unwrap());
    }

    #[test]
    fn decimal_values_round_as_the_standard_parser_does() {
        for text in [
            "0",
            "-0",
            "1",
            "1.5",
            "-2.25",
            "0.1",
            "3.14159",
            "1e22",
            "1e-22",
            "123456789012345678",
            "9007199254740993",
            "4.35",
            "1.5e-7",
            "2.5E+10",
            "0.000001",
        ] {
            let ours = super::decimal_value(text);
            let std: f64 = text.parse().unwrap_or(f64::NAN);
            if let Some(v) = ours {
                assert_eq!(v.to_bits(), std.to_bits(), "{text}");
            }
        }
        assert_eq!(super::decimal_value("1.5"), Some(1.5));
        assert_eq!(super::decimal_value("1e23"), None);
        assert_eq!(super::decimal_value("12345678901234567890123"), None);
    }

    #[test]
    fn number_text_writes_integers_as_integers() {
        assert_eq!(super::number_text(42.0).as_deref(), Some("42"));
        assert_eq!(super::number_text(-0.0).as_deref(), Some("0"));
        assert_eq!(super::number_text(9_007_199_254_740_992.0).as_deref(), Some("9007199254740992"));
        assert_eq!(super::number_text(1.5).as_deref(), Some("1.5"));
        assert_eq!(super::number_text(f64::NAN), None);
    }
}
