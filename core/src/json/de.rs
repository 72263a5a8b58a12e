//! Building a [`Json`] from any serde source (a Rust host's own values, or a
//! `serde_json::Value`, say). There is no text, so every span is empty; depth
//! is still limited so a hostile object cannot exhaust the stack.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{Json, Member, Value};
use crate::diag::Span;
use crate::limits::MAX_JSON_DEPTH;

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Depth(0).deserialize(deserializer)
    }
}

struct Depth(usize);

impl<'de> DeserializeSeed<'de> for Depth {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor(self.0))
    }
}

struct JsonVisitor(usize);

fn leaf(value: Value) -> Json {
    Json::new(value, Span::default())
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(leaf(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(leaf(Value::Number(v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(leaf(Value::Number(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        if !v.is_finite() {
            return Err(E::custom("numbers must be finite"));
        }
        Ok(leaf(Value::Number(super::number_text(v).ok_or_else(|| E::custom("numbers must be finite"))?)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(leaf(Value::String(String::from(v))))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(leaf(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(leaf(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(leaf(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Depth(self.0).deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        if self.0 >= MAX_JSON_DEPTH {
            return Err(de::Error::custom(format!("JSON nests deeper than {MAX_JSON_DEPTH} levels")));
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Depth(self.0 + 1))? {
            items.push(item);
        }
        Ok(leaf(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        if self.0 >= MAX_JSON_DEPTH {
            return Err(de::Error::custom(format!("JSON nests deeper than {MAX_JSON_DEPTH} levels")));
        }
        let mut members: Vec<Member> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.iter().any(|m| m.key == key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let value = map.next_value_seed(Depth(self.0 + 1))?;
            members.push(Member { key, key_span: Span::default(), value });
        }
        Ok(leaf(Value::Object(members)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_from_serde_json() {
        let json: Json = serde_json::from_str(r#"{"a": [1, 2.5, "x", true, null]}"#).unwrap();
        let a = json.get("a").unwrap().as_array().unwrap();
        assert_eq!(a[0].value, Value::Number("1".into()));
        assert_eq!(a[1].value, Value::Number("2.5".into()));
        assert_eq!(a[4].value, Value::Null);
    }

    #[test]
    fn depth_is_limited() {
        let deep = "[".repeat(70) + &"]".repeat(70);
        // serde_json has its own recursion limit of 128; ours is lower.
        assert!(serde_json::from_str::<Json>(&deep).is_err());
    }
}
