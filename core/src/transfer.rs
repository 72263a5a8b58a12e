//! JSON values in a compact binary form, for hosts that have values rather
//! than text: the npm package's facade (`npm/src/transfer.ts`) writes a
//! JavaScript value into the module's memory in this form with one call
//! across the boundary, instead of one per property. [`Reader::json`] reads it
//! into a [`Json`], which the core holds to the rules of JSON text (a
//! request's unknown fields refused, `null` for absent);
//! [`Request::from_transfer`](crate::Request::from_transfer) reads the common
//! request shape straight from it.
//!
//! The form: a tag byte, then its payload; lengths and counts are u32
//! little-endian.
//!
//! | tag | value | payload |
//! | --- | --- | --- |
//! | 0 | `null`, `undefined` | none |
//! | 1, 2 | `false`, `true` | none |
//! | 3 | number | f64 little-endian |
//! | 4 | string | byte length, UTF-8 bytes |
//! | 5 | array | count, the items |
//! | 6 | object | count, then per own enumerable property its key (length, UTF-8) and value |
//! | 7 | anything else | the `typeof` name (length, UTF-8) |
//!
//! The bytes come from JavaScript code that anyone may call, so every read
//! is checked: a bad buffer is an error, never a panic.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::diag::Span;
use crate::json::{self, Json, Member, Value};
use crate::limits::MAX_JSON_DEPTH;

pub(crate) const NULL: u8 = 0;
pub(crate) const FALSE: u8 = 1;
pub(crate) const TRUE: u8 = 2;
pub(crate) const NUMBER: u8 = 3;
pub(crate) const STRING: u8 = 4;
pub(crate) const ARRAY: u8 = 5;
pub(crate) const OBJECT: u8 = 6;
pub(crate) const OTHER: u8 = 7;

/// A cursor over one encoded value.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

const TRUNCATED: &str = "the transferred value is cut short";

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    /// Whether everything has been read.
    pub(crate) fn at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).ok_or(TRUNCATED)?;
        let out = self.bytes.get(self.at..end).ok_or(TRUNCATED)?;
        self.at = end;
        Ok(out)
    }

    pub(crate) fn tag(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?.first().copied().unwrap_or(NULL))
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    pub(crate) fn u32(&mut self) -> Result<usize, String> {
        let bytes: [u8; 4] = self.take(4)?.try_into().map_err(|_| TRUNCATED)?;
        usize::try_from(u32::from_le_bytes(bytes)).map_err(|_| String::from(TRUNCATED))
    }

    pub(crate) fn str(&mut self) -> Result<&'a str, String> {
        let len = self.u32()?;
        core::str::from_utf8(self.take(len)?).map_err(|_| String::from("a transferred string is not UTF-8"))
    }

    /// The value at the cursor when it is a string (a request given as JSON text).
    pub fn as_text(&self) -> Option<&'a str> {
        let mut copy = Reader { bytes: self.bytes, at: self.at };
        (copy.tag().ok()? == STRING).then(|| copy.str().ok()).flatten()
    }

    /// For an array: its item count, leaving the cursor on the first item.
    pub fn array(&mut self) -> Result<Option<usize>, String> {
        if self.peek_tag() != Some(ARRAY) {
            return Ok(None);
        }
        self.tag()?;
        self.u32().map(Some)
    }

    /// The whole buffer as one JSON value: numbers as the text of their
    /// value, a JavaScript value JSON has no form for as an error.
    pub fn json(mut self) -> Result<Json, String> {
        let value = self.value(0)?;
        if self.at != self.bytes.len() {
            return Err(String::from("unexpected bytes after the transferred value"));
        }
        Ok(value)
    }

    /// The value at the cursor as JSON, moving past it.
    pub fn next_json(&mut self) -> Result<Json, String> {
        self.value(0)
    }

    /// The encoded bytes of the value at the cursor, moving past it; the
    /// value is checked only as far as finding its end needs.
    pub fn next_bytes(&mut self) -> Result<&'a [u8], String> {
        let start = self.at;
        self.skip(0)?;
        Ok(self.bytes.get(start..self.at).unwrap_or_default())
    }

    fn skip(&mut self, depth: usize) -> Result<(), String> {
        match self.tag()? {
            NULL | FALSE | TRUE => {}
            NUMBER => {
                self.take(8)?;
            }
            STRING | OTHER => {
                let len = self.u32()?;
                self.take(len)?;
            }
            ARRAY | OBJECT if depth >= MAX_JSON_DEPTH => {
                return Err(format!("the value nests deeper than {MAX_JSON_DEPTH} levels"))
            }
            tag @ (ARRAY | OBJECT) => {
                for _ in 0..self.u32()? {
                    if tag == OBJECT {
                        let len = self.u32()?;
                        self.take(len)?;
                    }
                    self.skip(depth + 1)?;
                }
            }
            tag => return Err(format!("unknown tag {tag} in a transferred value")),
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        let leaf = |value| Json::new(value, Span::default());
        Ok(leaf(match self.tag()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            NUMBER => {
                let bytes: [u8; 8] = self.take(8)?.try_into().map_err(|_| TRUNCATED)?;
                let v = f64::from_le_bytes(bytes);
                Value::Number(json::number_text(v).ok_or("numbers must be finite")?)
            }
            STRING => Value::String(String::from(self.str()?)),
            ARRAY | OBJECT if depth >= MAX_JSON_DEPTH => {
                return Err(format!("the value nests deeper than {MAX_JSON_DEPTH} levels"))
            }
            ARRAY => {
                let count = self.u32()?;
                // A count the bytes cannot hold is refused before anything is reserved.
                if count > self.bytes.len() - self.at {
                    return Err(String::from(TRUNCATED));
                }
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    items.push(self.value(depth + 1)?);
                }
                Value::Array(items)
            }
            OBJECT => {
                let count = self.u32()?;
                if count > self.bytes.len() - self.at {
                    return Err(String::from(TRUNCATED));
                }
                let mut members: Vec<Member> = Vec::with_capacity(count);
                for _ in 0..count {
                    let key = self.str()?;
                    if members.iter().any(|m| m.key == key) {
                        return Err(format!("duplicate key `{key}`"));
                    }
                    let value = self.value(depth + 1)?;
                    members.push(Member { key: String::from(key), key_span: Span::default(), value });
                }
                Value::Object(members)
            }
            OTHER => return Err(format!("a JavaScript {} is not a JSON value", self.str()?)),
            tag => return Err(format!("unknown tag {tag} in a transferred value")),
        }))
    }
}

/// Writes a value the way the facade does (for tests, and for Rust hosts
/// that hand values over in this form).
pub mod encode {
    use alloc::vec::Vec;

    /// A value to write.
    #[derive(Debug, Clone)]
    pub enum V<'a> {
        Null,
        Bool(bool),
        Num(f64),
        Str(&'a str),
        Arr(Vec<V<'a>>),
        Obj(Vec<(&'a str, V<'a>)>),
        Other(&'a str),
    }

    /// Appends `v` to `out`.
    pub fn encode(v: &V<'_>, out: &mut Vec<u8>) {
        let str = |s: &str, out: &mut Vec<u8>| {
            out.extend_from_slice(&u32::try_from(s.len()).unwrap_or(0).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        match v {
            V::Null => out.push(super::NULL),
            V::Bool(b) => out.push(if *b { super::TRUE } else { super::FALSE }),
            V::Num(n) => {
                out.push(super::NUMBER);
                out.extend_from_slice(&n.to_le_bytes());
            }
            V::Str(s) => {
                out.push(super::STRING);
                str(s, out);
            }
            V::Arr(items) => {
                out.push(super::ARRAY);
                out.extend_from_slice(&u32::try_from(items.len()).unwrap_or(0).to_le_bytes());
                for item in items {
                    encode(item, out);
                }
            }
            V::Obj(members) => {
                out.push(super::OBJECT);
                out.extend_from_slice(&u32::try_from(members.len()).unwrap_or(0).to_le_bytes());
                for (k, item) in members {
                    str(k, out);
                    encode(item, out);
                }
            }
            V::Other(kind) => {
                out.push(super::OTHER);
                str(kind, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::encode::{encode, V};
    use super::Reader;
    use crate::request::Request;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    fn request(v: &V<'_>) -> Result<Request<'static>, String> {
        let mut bytes = Vec::new();
        encode(v, &mut bytes);
        let json = Reader::new(&bytes).json()?;
        Request::from_json(&json).map(Request::into_owned).map_err(|e| e.message())
    }

    #[test]
    fn a_request_object_reads_as_its_json_text() {
        let v = V::Obj(alloc::vec![
            ("principal", V::Str("user/alice")),
            ("action", V::Str("ecs:StartInstance")),
            ("resource", V::Str("acs:ecs:cn-hangzhou:1:instance/dev-1")),
            ("resourceAccount", V::Null),
            (
                "context",
                V::Obj(alloc::vec![
                    ("acs:MFAPresent", V::Bool(true)),
                    ("aws:MultiFactorAuthAge", V::Num(3600.0)),
                    ("n", V::Num(1.5)),
                    ("aws:TagKeys", V::Arr(alloc::vec![V::Str("a"), V::Str("é")])),
                    ("gone", V::Null),
                ]),
            ),
        ]);
        let ours = request(&v).unwrap_or_else(|e| panic!("{e}"));
        let text = r#"{"principal":"user/alice","action":"ecs:StartInstance","resource":"acs:ecs:cn-hangzhou:1:instance/dev-1","resourceAccount":null,"context":{"acs:MFAPresent":true,"aws:MultiFactorAuthAge":3600,"n":1.5,"aws:TagKeys":["a","é"],"gone":null}}"#;
        let theirs = Request::from_json_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (ours.principal(), ours.action(), ours.resource()),
            (theirs.principal(), theirs.action(), theirs.resource())
        );
        let entries =
            |r: &Request| r.context().iter().map(|(k, v)| (String::from(k), v.to_owned())).collect::<Vec<_>>();
        assert_eq!(entries(&ours), entries(&theirs));
    }

    #[test]
    fn unknown_fields_and_odd_values_are_refused() {
        let with = |extra: (&'static str, V<'static>)| {
            V::Obj(alloc::vec![
                ("principal", V::Str("user/a")),
                ("action", V::Str("s3:GetObject")),
                ("resource", V::Str("*")),
                extra,
            ])
        };
        assert!(request(&with(("contxt", V::Obj(alloc::vec![])))).unwrap_err().contains("unknown field `contxt`"));
        assert!(request(&with(("session", V::Obj(alloc::vec![("polcy", V::Null)])))).unwrap_err().contains("polcy"));
        assert!(request(&with(("context", V::Obj(alloc::vec![("f", V::Other("function"))]))))
            .unwrap_err()
            .contains("function"));
        assert!(request(&V::Arr(alloc::vec![])).is_err());
    }

    #[test]
    fn bad_buffers_are_errors() {
        let mut bytes = Vec::new();
        encode(&V::Obj(alloc::vec![("principal", V::Str("user/a"))]), &mut bytes);
        for cut in 0..bytes.len() {
            assert!(Reader::new(bytes.get(..cut).unwrap_or_default()).json().is_err(), "{cut}");
        }
        let garbage: [&[u8]; 5] =
            [&[9], &[4, 255, 255, 255, 255], &[4, 2, 0, 0, 0, 0xff, 0xfe], &[5, 255, 255, 255, 127], &[0, 0]];
        for g in garbage {
            assert!(Reader::new(g).json().is_err(), "{g:?}");
        }
        let mut deep = alloc::vec![5u8, 1, 0, 0, 0].repeat(200);
        deep.push(0);
        assert!(Reader::new(&deep).json().unwrap_err().to_string().contains("deeper"));
        let dup = V::Obj(alloc::vec![("a", V::Null), ("a", V::Null)]);
        let mut bytes = Vec::new();
        encode(&dup, &mut bytes);
        assert!(Reader::new(&bytes).json().unwrap_err().contains("duplicate"));
    }

    /// `next_bytes` hands out each item of an array as it was encoded on its own.
    #[test]
    fn items_come_out_whole() {
        let items = [
            V::Obj(alloc::vec![("principal", V::Str("user/a")), ("context", V::Obj(alloc::vec![("n", V::Num(1.0))]))]),
            V::Str("{\"principal\":\"user/b\"}"),
            V::Arr(alloc::vec![V::Null, V::Bool(true), V::Bool(false), V::Other("symbol")]),
            V::Null,
        ];
        let mut bytes = Vec::new();
        encode(&V::Arr(items.to_vec()), &mut bytes);
        let mut r = Reader::new(&bytes);
        assert_eq!(r.array(), Ok(Some(items.len())));
        for item in &items {
            let mut alone = Vec::new();
            encode(item, &mut alone);
            assert_eq!(r.next_bytes().as_deref(), Ok(alone.as_slice()));
        }
        assert!(r.at_end());
        for cut in 5..bytes.len() {
            let mut r = Reader::new(bytes.get(..cut).unwrap_or_default());
            let _ = r.array();
            let whole = (0..items.len()).map(|_| r.next_bytes()).collect::<Result<Vec<_>, _>>();
            assert!(whole.is_err(), "{cut}");
        }
        let mut deep = alloc::vec![5u8, 1, 0, 0, 0].repeat(200);
        deep.push(0);
        assert!(Reader::new(&deep).next_bytes().unwrap_err().contains("deeper"));
        assert!(Reader::new(&[9]).next_bytes().is_err());
    }
}
