//! Findings about a store or policy, located for people and editors.
//!
//! Spans are UTF-8 byte ranges into the source text; `line` and `column` are
//! 1-based, the column counted in Unicode scalar values. Faces that talk to
//! editors convert spans to UTF-16 once, at their edge.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::Serialize;

/// A half-open byte range `[start, end)` into the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// The finding classes of IAM Access Analyzer's policy validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The store or policy cannot be used as written; loading fails.
    Error,
    /// Valid, but grants more than it appears to or fails open.
    Security,
    /// Valid, but against practice or likely not what the author meant.
    Warning,
    /// Style: no change to access.
    Suggestion,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Security => "security",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

/// A replacement an editor can apply to fix a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub span: Span,
    pub replacement: String,
}

/// One finding. `line`/`column` are filled in from the source once the
/// finding is final (see [`locate_all`]); they are 0 where no text exists
/// (a store given as a JavaScript object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Cow<'static, str>,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// JSON pointer (RFC 6901) to the offending value.
    pub path: String,
    pub span: Span,
    pub line: u32,
    pub column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: Cow::Borrowed(code),
            severity,
            message: message.into(),
            help: None,
            path: String::new(),
            span: Span::default(),
            line: 0,
            column: 0,
            fix: None,
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at(mut self, path: impl Into<String>, span: Span) -> Self {
        self.path = path.into();
        self.span = span;
        self
    }

    pub fn with_fix(mut self, title: impl Into<String>, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some(Fix { title: title.into(), span, replacement: replacement.into() });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {} {} {}", self.line, self.column, self.severity.as_str(), self.code, self.message)
    }
}

/// Maps byte offsets of one text to 1-based line and column.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    /// 1-based (line, column); the column counts characters. Offsets past the
    /// end or inside a character are clamped to the nearest boundary before it.
    pub fn line_column(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let column = self.text.get(line_start..offset).map_or(0, |s| s.chars().count());
        (saturate_u32(line), saturate_u32(column + 1))
    }
}

fn saturate_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Fills in `line` and `column` of every finding from the source text.
pub fn locate_all(text: &str, diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let index = LineIndex::new(text);
    for d in diagnostics {
        let (line, column) = index.line_column(d.span.start);
        d.line = line;
        d.column = column;
    }
}

/// Orders findings by position, then severity, then code, so output is
/// stable; findings alike in all three keep their order.
///
/// Sorts `(key, index)` pairs with the unstable sort the statement index
/// already uses, then moves the findings once: a second (stable) sort of
/// whole findings would add 10 KB to the Wasm module.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    // Codes ranked by their text; there are only a few distinct ones.
    let mut codes: Vec<&str> = Vec::new();
    for d in diagnostics.iter() {
        if !codes.contains(&&*d.code) {
            codes.push(&d.code);
        }
    }
    let rank = |code: &str| codes.iter().filter(|&&c| c < code).count() as u64;
    let mut order: Vec<(u64, u32)> = diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let key = (d.span.start as u64) << 32 | (d.severity as u64) << 24 | rank(&d.code);
            (key, i as u32)
        })
        .collect();
    order.sort_unstable();
    // Position `i` takes the finding at `order[i].1`: follow each cycle once.
    let mut from: Vec<u32> = order.into_iter().map(|(_, i)| i).collect();
    for start in 0..from.len() {
        let mut at = start;
        while let Some(slot) = from.get_mut(at) {
            let next = core::mem::replace(slot, at as u32) as usize;
            if next == start {
                break;
            }
            diagnostics.swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "{\n  \"é\": 1,\n  \"x\": 2\n}";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(0), (1, 1));
        let x = text.find("\"x\"").unwrap_or(0);
        assert_eq!(index.line_column(x), (3, 3));
        let one = text.find('1').unwrap_or(0);
        // `é` is two bytes but one column.
        assert_eq!(index.line_column(one), (2, 8));
    }

    #[test]
    fn sorting_orders_as_a_stable_sort_by_position_severity_and_code() {
        let codes = ["invalid-type", "b", "a", "invalid-name", "ab"];
        let severities = [Severity::Error, Severity::Security, Severity::Warning, Severity::Suggestion];
        // A small generator, so every length up to 60 sees ties of every kind.
        let mut seed: u32 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as usize % n
        };
        for len in 0..60 {
            let found: Vec<Diagnostic> = (0..len)
                .map(|i| {
                    let code = codes.get(next(codes.len())).copied().unwrap_or("a");
                    let severity = severities.get(next(severities.len())).copied().unwrap_or(Severity::Error);
                    let start = next(4);
                    let mut d = Diagnostic::new(code, severity, alloc::format!("#{i}"));
                    d.span = Span { start, end: start + 1 };
                    d
                })
                .collect();
            let mut expected = found.clone();
            expected.sort_by(|a, b| (a.span.start, a.severity, &a.code).cmp(&(b.span.start, b.severity, &b.code)));
            let mut sorted = found;
            sort(&mut sorted);
            assert_eq!(sorted, expected, "length {len}");
        }
    }

    #[test]
    fn offsets_inside_a_character_clamp_backwards() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(1), (1, 1));
        assert_eq!(index.line_column(99), (1, 2));
    }
}
