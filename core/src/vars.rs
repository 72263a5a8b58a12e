//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`,
//! and the escapes `${*}`, `${?}`, `${$}`.
//!
//! Only policies with `"Version": "2012-10-17"` substitute; elsewhere the text
//! is literal. A resolved value is literal text even where `*` is a wildcard,
//! and substitution happens once (a value containing `${...}` stays as is).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::glob;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text as written; `*` and `?` in it are wildcards where the context allows them.
    Text(String),
    /// `${key}` or `${key, 'default'}`. The key keeps its spelling; lookups ignore case.
    Var { key: String, default: Option<String> },
    /// `${*}`, `${?}` or `${$}`: always the literal character.
    Literal(char),
}

/// A string with at least one `${...}` in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// Why a `${...}` could not be read; `at` is the byte offset of its `$`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarError {
    pub at: usize,
    pub len: usize,
    pub message: &'static str,
}

/// How resolved text will be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain text, compared as is.
    Plain,
    /// A wildcard pattern: text pieces keep their wildcards, resolved values
    /// and `${*}`-style escapes are escaped (see [`glob`]).
    Glob,
}

impl Template {
    /// Splits `text` into pieces; `Ok(None)` when it holds no `${`.
    pub fn parse(text: &str) -> Result<Option<Template>, VarError> {
        if !text.contains("${") {
            return Ok(None);
        }
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                pieces.push(Piece::Text(String::from(rest.get(..start).unwrap_or_default())));
            }
            let after = rest.get(start + 2..).unwrap_or_default();
            let Some(close) = after.find('}') else {
                return Err(VarError {
                    at: offset + start,
                    len: rest.len() - start,
                    message: "`${` is never closed by `}`",
                });
            };
            let inner = after.get(..close).unwrap_or_default();
            let piece_len = close + 3;
            let err = |message| VarError { at: offset + start, len: piece_len, message };
            let piece = match inner {
                "*" => Piece::Literal('*'),
                "?" => Piece::Literal('?'),
                "$" => Piece::Literal('$'),
                "" => return Err(err("empty variable `${}`")),
                _ => {
                    // The default is introduced by exactly ", '" as AWS documents;
                    // anything else is part of the key (and will not resolve).
                    let (key, default) = match inner.split_once(", '") {
                        Some((key, quoted)) => match quoted.strip_suffix('\'') {
                            Some(default) if !default.contains('\'') => (key, Some(String::from(default))),
                            _ => {
                                return Err(err(
                                    "a default value must be one single-quoted string: `${key, 'default'}`",
                                ))
                            }
                        },
                        None => (inner, None),
                    };
                    if key.is_empty() {
                        return Err(err("the variable names no key"));
                    }
                    if key.chars().any(|c| c.is_whitespace() || c == '{' || c == '$') {
                        return Err(err("a variable key cannot contain spaces, `{` or `$`"));
                    }
                    Piece::Var { key: String::from(key), default }
                }
            };
            pieces.push(piece);
            rest = after.get(close + 1..).unwrap_or_default();
            offset += start + piece_len;
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(String::from(rest)));
        }
        Ok(Some(Template { pieces }))
    }

    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// Substitutes every variable through `lookup` (which answers only for a
    /// present, single-valued key). `None` when a variable has neither a value
    /// nor a default: the caller treats the whole value as unresolvable.
    pub fn resolve<'a>(&self, mode: Mode, lookup: &mut dyn FnMut(&str) -> Option<Cow<'a, str>>) -> Option<String> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => match mode {
                    Mode::Plain => out.push_str(text),
                    Mode::Glob => crate::glob::escape_backslashes_into(&mut out, text),
                },
                Piece::Literal(c) => {
                    if mode == Mode::Glob && matches!(c, '*' | '?') {
                        out.push('\\');
                    }
                    out.push(*c);
                }
                Piece::Var { key, default } => {
                    let found = lookup(key);
                    let value = match (&found, default) {
                        (Some(v), _) => v.as_ref(),
                        (None, Some(d)) => d.as_str(),
                        (None, None) => return None,
                    };
                    match mode {
                        Mode::Plain => out.push_str(value),
                        Mode::Glob => glob::escape_into(&mut out, value),
                    }
                }
            }
        }
        Some(out)
    }

    /// The variables' keys, for validation and lints.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup_alice(key: &str) -> Option<Cow<'static, str>> {
        match key.to_ascii_lowercase().as_str() {
            "aws:username" => Some(Cow::Borrowed("alice")),
            "aws:principaltag/team" => Some(Cow::Borrowed("a*b")),
            _ => None,
        }
    }

    #[test]
    fn parses_and_resolves() {
        let t = Template::parse("home/${aws:username}/*").unwrap().unwrap();
        assert_eq!(t.resolve(Mode::Plain, &mut lookup_alice).as_deref(), Some("home/alice/*"));
        assert_eq!(t.resolve(Mode::Glob, &mut lookup_alice).as_deref(), Some("home/alice/*"));
        let t = Template::parse("${aws:PrincipalTag/team}").unwrap().unwrap();
        assert_eq!(t.resolve(Mode::Glob, &mut lookup_alice).as_deref(), Some("a\\*b"));
        assert_eq!(t.resolve(Mode::Plain, &mut lookup_alice).as_deref(), Some("a*b"));
    }

    #[test]
    fn defaults_and_missing() {
        let t = Template::parse("bucket-${aws:PrincipalTag/x, 'company wide'}").unwrap().unwrap();
        assert_eq!(t.resolve(Mode::Plain, &mut lookup_alice).as_deref(), Some("bucket-company wide"));
        let t = Template::parse("${aws:PrincipalTag/missing,'dflt'}").unwrap().unwrap();
        assert_eq!(t.resolve(Mode::Plain, &mut lookup_alice), None);
        let t = Template::parse("${aws:userid}").unwrap().unwrap();
        assert_eq!(t.resolve(Mode::Plain, &mut lookup_alice), None);
    }

    #[test]
    fn escapes() {
        let t = Template::parse("a${*}b${?}c${$}").unwrap().unwrap();
        assert_eq!(t.resolve(Mode::Plain, &mut lookup_alice).as_deref(), Some("a*b?c$"));
        assert_eq!(t.resolve(Mode::Glob, &mut lookup_alice).as_deref(), Some("a\\*b\\?c$"));
    }

    #[test]
    fn malformed_variables_are_errors() {
        assert!(Template::parse("plain").unwrap().is_none());
        let e = Template::parse("home/${aws:username").unwrap_err();
        assert_eq!((e.at, e.message), (5, "`${` is never closed by `}`"));
        assert!(Template::parse("${}").is_err());
        assert!(Template::parse("${ aws:username}").is_err());
        assert!(Template::parse("${aws:x, 'unterminated}").is_err());
        assert!(Template::parse("${aws:x, 'a'b'}").is_err());
        let e = Template::parse("ok ${aws:a} then ${").unwrap_err();
        assert_eq!(e.at, 17);
    }
}
