//! Small helpers shared by the lints.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::arn::{ParsedArn, ResourcePattern};
use crate::diag::Span;
use crate::glob::Glob;
use crate::json::{join_pointer, Json, Value};

pub fn itoa(n: usize) -> String {
    format!("{n}")
}

/// One string of a string-or-list element.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    pub text: &'a str,
    pub span: Span,
    pub path: String,
}

/// The strings of an element that is a string or a list of strings.
pub fn items<'a>(value: &'a Json, path: &str) -> Vec<Item<'a>> {
    match &value.value {
        Value::String(s) => alloc::vec![Item { text: s, span: value.span, path: String::from(path) }],
        Value::Array(list) => list
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                Some(Item { text: item.as_str()?, span: item.span, path: join_pointer(path, &itoa(i)) })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The span that removes entry `index` of a list with its separating comma;
/// `None` when it is the only entry or `value` is not a list.
pub fn removal_span(value: &Json, index: usize) -> Option<Span> {
    let list = value.as_array()?;
    if list.len() < 2 {
        return None;
    }
    let this = list.get(index)?;
    if index == 0 {
        let next = list.get(1)?;
        Some(Span::new(this.span.start, next.span.start))
    } else {
        let previous = list.get(index - 1)?;
        Some(Span::new(previous.span.end, this.span.end))
    }
}

/// Structural equality of two JSON values, ignoring where they were written.
pub fn json_eq(a: &Json, b: &Json) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) | (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|m| y.iter().any(|n| n.key == m.key && json_eq(&m.value, &n.value)))
        }
        _ => false,
    }
}

pub fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

pub fn all_stars(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b == b'*')
}

/// `Some(prefix)` when `text` is a literal prefix followed by one final `*`.
fn star_prefix(text: &str) -> Option<&str> {
    let prefix = text.strip_suffix('*')?;
    (!has_wildcard(prefix) && !prefix.contains("${")).then_some(prefix)
}

/// Every action `b` matches, `a` matches too (actions ignore case). Sound but
/// not complete: `false` when unsure.
pub fn action_covers(a: &str, b: &str) -> bool {
    if all_stars(a) {
        return true;
    }
    if all_stars(b) {
        return false;
    }
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    if !has_wildcard(a) {
        return false;
    }
    if !has_wildcard(b) {
        return Glob::new(a, true).matches(b);
    }
    star_prefix(a).is_some_and(|prefix| {
        b.len() >= prefix.len() && b.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
}

/// Every resource `b` matches, `a` matches too. Sound but not complete.
pub fn resource_covers(a: &str, b: &str) -> bool {
    if a.contains("${") || b.contains("${") {
        return a == b;
    }
    if all_stars(a) {
        return true;
    }
    if all_stars(b) {
        return false;
    }
    if a == b {
        return true;
    }
    if !has_wildcard(a) {
        return false;
    }
    let Ok(pattern) = ResourcePattern::compile(&crate::glob::escape_backslashes(a)) else { return false };
    if !has_wildcard(b) {
        return pattern.matches(ParsedArn::parse(b).as_ref());
    }
    // `a` is a literal prefix and `*`, and the prefix reaches into the
    // resource part, where `*` spans everything: then anything starting with
    // the prefix matches, as long as the matcher agrees on one instance.
    let Some(prefix) = star_prefix(a) else { return false };
    let Some(scheme) = crate::arn::Scheme::of(a) else { return false };
    if prefix.matches(':').count() < scheme.parts() - 1 || !b.starts_with(prefix) {
        return false;
    }
    let instance: String = b.chars().map(|c| if c == '*' || c == '?' { 'x' } else { c }).collect();
    pattern.matches(ParsedArn::parse(&instance).as_ref())
}

/// The closest of `candidates` to `word` (ignoring case) within `max` edits.
pub fn nearest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>, max: usize) -> Option<&'c str> {
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        // Cheap length filter before the edit distance.
        if c.len().abs_diff(lower.len()) > max {
            continue;
        }
        let d = crate::text::edit_distance(&lower, &c.to_ascii_lowercase());
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The JSON text of a string, quotes included, for fixes.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
