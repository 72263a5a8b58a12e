//! Wildcard patterns: `*` matches any run of characters (including none), `?`
//! exactly one character; everything else is literal.
//!
//! Matching never backtracks more than one `*` at a time, so it costs at most
//! `|pattern| x |input|` steps (in practice one pass): a pattern such as
//! `a*a*a*a*b` cannot blow up. The common shapes (exact, prefix, suffix, any)
//! skip the general loop entirely.
//!
//! Literal `*` and `?` (from `${*}` and `${?}`, or from a substituted variable
//! value) are stored escaped as `\*` and `\?`; a literal backslash as `\\`.

use alloc::boxed::Box;
use alloc::string::String;

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    shape: Shape,
    /// Compare ASCII letters without regard to case (actions, ARN prefixes).
    fold: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Any,
    Exact(Box<str>),
    Prefix(Box<str>),
    Suffix(Box<str>),
    /// `*text*`
    Contains(Box<str>),
    /// Escaped pattern text, walked by [`general`].
    General(Box<str>),
}

/// Escapes `text` so that it matches only itself.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Appends raw pattern text (every `*` and `?` a wildcard) in the escaped
/// form: only a literal backslash needs escaping.
pub fn escape_backslashes_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Raw pattern text in the escaped form (see [`escape_backslashes_into`]).
pub fn escape_backslashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_backslashes_into(&mut out, text);
    out
}

impl Glob {
    /// Compiles a raw policy pattern, where every `*` and `?` is a wildcard.
    pub fn new(pattern: &str, fold: bool) -> Self {
        Self::from_escaped(&escape_backslashes(pattern), fold)
    }

    /// A pattern that matches `text` and nothing else.
    pub fn literal(text: &str, fold: bool) -> Self {
        let text = if fold { text.to_ascii_lowercase() } else { String::from(text) };
        Glob { shape: Shape::Exact(text.into_boxed_str()), fold }
    }

    /// Compiles an escaped pattern (see the module docs).
    pub fn from_escaped(escaped: &str, fold: bool) -> Self {
        let pattern = if fold { escaped.to_ascii_lowercase() } else { String::from(escaped) };
        let shape = classify(&pattern);
        Glob { shape, fold }
    }

    /// The first byte every match starts with, when the pattern starts with a
    /// literal character (for indexing).
    pub fn literal_first_byte(&self) -> Option<u8> {
        match &self.shape {
            Shape::Exact(lit) | Shape::Prefix(lit) => lit.as_bytes().first().copied(),
            Shape::Any | Shape::Suffix(_) | Shape::Contains(_) => None,
            Shape::General(escaped) => match escaped.as_bytes() {
                [b'\\', next, ..] => Some(*next),
                [b'*' | b'?', ..] | [] => None,
                [first, ..] => Some(*first),
            },
        }
    }

    /// True when the pattern matches every input.
    pub fn is_any(&self) -> bool {
        matches!(self.shape, Shape::Any)
    }

    /// True when the pattern has no wildcards.
    pub fn is_literal(&self) -> bool {
        matches!(self.shape, Shape::Exact(_))
    }

    /// The literal text when the pattern has no wildcards.
    pub fn as_literal(&self) -> Option<&str> {
        match &self.shape {
            Shape::Exact(s) => Some(s),
            _ => None,
        }
    }

    #[inline]
    pub fn matches(&self, input: &str) -> bool {
        let input = input.as_bytes();
        // The common shapes inline; the rest out of line.
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(lit) => eq(lit.as_bytes(), input, self.fold),
            Shape::Prefix(lit) => input.get(..lit.len()).is_some_and(|head| eq(lit.as_bytes(), head, self.fold)),
            Shape::Suffix(lit) => input
                .len()
                .checked_sub(lit.len())
                .and_then(|start| input.get(start..))
                .is_some_and(|tail| eq(lit.as_bytes(), tail, self.fold)),
            Shape::Contains(lit) => contains(lit.as_bytes(), input, self.fold),
            Shape::General(pattern) => general(pattern.as_bytes(), input, self.fold),
        }
    }
}

#[inline(never)]
fn contains(lit: &[u8], input: &[u8], fold: bool) -> bool {
    lit.is_empty() || input.windows(lit.len()).any(|window| eq(lit, window, fold))
}

#[inline]
pub(crate) fn eq(pattern: &[u8], input: &[u8], fold: bool) -> bool {
    if fold {
        pattern.len() == input.len() && pattern.iter().zip(input).all(|(a, b)| a.eq_ignore_ascii_case(b))
    } else {
        same_bytes(pattern, input)
    }
}

/// Byte equality for the short slices compared here (a service, an action
/// name, an ARN part): a word or two at a time, where calling out to memcmp
/// costs more than comparing.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let word = |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok());
        let mut at = 0;
        while at + 8 < n {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        // The last eight bytes, overlapping the previous word when n is not a multiple of eight.
        return word(a, n - 8) == word(b, n - 8);
    }
    if n >= 4 {
        let word = |s: &[u8], at: usize| s.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok());
        return word(a, 0) == word(b, 0) && word(a, n - 4) == word(b, n - 4);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// Recognises the shapes that need no general matching.
fn classify(escaped: &str) -> Shape {
    let bytes = escaped.as_bytes();
    let mut literal = String::with_capacity(bytes.len());
    let mut stars = 0usize;
    let mut first_star = None;
    let mut last_star = None;
    let mut other_wildcards = false;
    let mut chars = escaped.char_indices();
    let mut literal_len_at_first_star = 0;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, next)) = chars.next() {
                    literal.push(next);
                }
            }
            '*' => {
                stars += 1;
                first_star.get_or_insert(i);
                if first_star == Some(i) {
                    literal_len_at_first_star = literal.len();
                }
                last_star = Some(i);
            }
            '?' => other_wildcards = true,
            c => literal.push(c),
        }
    }
    let boxed = |s: String| s.into_boxed_str();
    match (stars, other_wildcards) {
        (0, false) => Shape::Exact(boxed(literal)),
        (n, false) if n == escaped.len() => Shape::Any,
        (1, false) if last_star == Some(escaped.len() - 1) => Shape::Prefix(boxed(literal)),
        (1, false) if first_star == Some(0) && literal_len_at_first_star == 0 => Shape::Suffix(boxed(literal)),
        (2, false) if first_star == Some(0) && last_star == Some(escaped.len() - 1) => Shape::Contains(boxed(literal)),
        _ => Shape::General(Box::from(escaped)),
    }
}

/// Length in bytes of the UTF-8 character starting with `b`.
fn char_len(b: u8) -> usize {
    match b {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

enum Tok {
    Star,
    One,
    Byte(u8),
}

/// The token at `p` and the position after it.
fn token(pattern: &[u8], p: usize) -> Option<(Tok, usize)> {
    let b = *pattern.get(p)?;
    Some(match b {
        b'*' => (Tok::Star, p + 1),
        b'?' => (Tok::One, p + 1),
        b'\\' => match pattern.get(p + 1) {
            Some(&next) => (Tok::Byte(next), p + 2),
            None => (Tok::Byte(b'\\'), p + 1),
        },
        b => (Tok::Byte(b), p + 1),
    })
}

/// The classic single-backtrack wildcard walk: on a mismatch, resume after the
/// most recent `*` with one more input character consumed by it.
#[inline(never)]
fn general(pattern: &[u8], input: &[u8], fold: bool) -> bool {
    let (mut p, mut s) = (0usize, 0usize);
    let mut resume: Option<(usize, usize)> = None;
    loop {
        if let Some((tok, next)) = token(pattern, p) {
            match tok {
                Tok::Star => {
                    p = next;
                    resume = Some((p, s));
                    continue;
                }
                Tok::One => {
                    if let Some(&b) = input.get(s) {
                        s += char_len(b);
                        p = next;
                        continue;
                    }
                }
                Tok::Byte(want) => {
                    if let Some(&got) = input.get(s) {
                        if want == got || (fold && want.eq_ignore_ascii_case(&got)) {
                            s += 1;
                            p = next;
                            continue;
                        }
                    }
                }
            }
        } else if s >= input.len() {
            return true;
        }
        match resume {
            Some((after_star, from)) if from < input.len() => {
                let from = from + input.get(from).map_or(1, |&b| char_len(b));
                resume = Some((after_star, from));
                p = after_star;
                s = from;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn m(pattern: &str, input: &str) -> bool {
        Glob::new(pattern, false).matches(input)
    }

    #[test]
    fn shapes() {
        assert!(m("*", ""));
        assert!(m("**", "anything"));
        assert!(m("abc", "abc"));
        assert!(!m("abc", "abcd"));
        assert!(m("ab*", "abcd"));
        assert!(!m("ab*", "a"));
        assert!(m("*cd", "abcd"));
        assert!(m("*Tag*", "ListTagResources"));
        assert!(m("*Tag*", "Tag"));
        assert!(!m("*Tag*", "ListTaResources"));
        assert!(Glob::new("*tag*", true).matches("ListTAGS"));
        assert!(m("**", ""));
        assert!(!m("*cd", "abc"));
        assert!(m("", ""));
        assert!(!m("", "a"));
    }

    #[test]
    fn general_patterns() {
        assert!(m("*-prod-*", "web-prod-01"));
        assert!(!m("*-prod-*", "prod-01"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(m("a*b*c", "abc"));
        assert!(!m("a*b*c", "acb"));
        assert!(m("v?", "v1"));
        assert!(!m("v?", "v10"));
        assert!(m("?", "é"));
        assert!(!m("??", "é"));
        assert!(m("a?c*", "aéc"));
        assert!(m("*a*a*a*a*b", &("a".repeat(30) + "b")));
        assert!(!m("*a*a*a*a*b", &"a".repeat(3000)));
    }

    #[test]
    fn first_bytes() {
        assert_eq!(Glob::new("Describe*", true).literal_first_byte(), Some(b'd'));
        assert_eq!(Glob::new("*Tag*", true).literal_first_byte(), None);
        assert_eq!(Glob::new("?et*x", false).literal_first_byte(), None);
        assert_eq!(Glob::new("G*t*x", false).literal_first_byte(), Some(b'G'));
        assert_eq!(Glob::from_escaped("\\*a*b", false).literal_first_byte(), Some(b'*'));
        assert_eq!(Glob::new("*", false).literal_first_byte(), None);
    }

    #[test]
    fn case_folding_is_ascii() {
        let g = Glob::new("s3:get*", true);
        assert!(g.matches("S3:GetObject"));
        assert!(Glob::new("Get?bject", true).matches("getOBJECT"));
        assert!(!Glob::new("get*", false).matches("GetObject"));
    }

    #[test]
    fn escapes_are_literal() {
        let mut escaped = String::new();
        escape_into(&mut escaped, "a*b?c\\");
        let g = Glob::from_escaped(&escaped, false);
        assert!(g.matches("a*b?c\\"));
        assert!(!g.matches("axbyc\\"));
        let mixed = Glob::from_escaped("a\\**", false);
        assert!(mixed.matches("a*xyz"));
        assert!(!mixed.matches("abc"));
    }

    #[test]
    fn word_compare_equals_byte_compare() {
        let base: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for len in 0..base.len() {
            let a = base.get(..len).unwrap_or_default();
            assert!(same_bytes(a, a), "{len}");
            for at in 0..len {
                let mut b = a.to_vec();
                if let Some(byte) = b.get_mut(at) {
                    *byte ^= 0x20;
                }
                assert!(!same_bytes(a, &b), "{len} {at}");
            }
            assert!(!same_bytes(a, base.get(..len + 1).unwrap_or_default()));
        }
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let pattern = "*".repeat(2000) + "b";
        let input = "a".repeat(2048);
        assert!(!m(&pattern, &input));
        let pattern = "a*".repeat(1000) + "b";
        assert!(!m(&pattern, &input));
    }
}
