//! Request paths and path templates.
//!
//! A request path is cut at `?` / `#` (the query string and fragment are not
//! part of the route), split on `/`, and each segment is percent-decoded
//! exactly once. A segment that decodes to `.` or `..` is refused (a
//! backend that resolves it would reach a resource other than the one that
//! was authorized), and so are invalid escapes, bytes that do not decode to
//! UTF-8 and control characters. A segment that held an encoded `/` (`%2F`)
//! is remembered: a route takes it into a capture only if it says so.
//!
//! One trailing `/` is not significant for literal and single-segment parts
//! (`/v1/buckets/` is `/v1/buckets`); a greedy capture keeps it (`dir/` is a
//! different object key than `dir`).

use alloc::string::String;
use alloc::vec::Vec;

use crate::err::Refusal;
use crate::limits;

/// One decoded segment of a request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    /// The raw segment had `%2F` (an encoded `/`).
    pub encoded_slash: bool,
}

/// A request path, split and decoded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPath {
    pub segments: Vec<Segment>,
    /// The path ended in `/` (after at least one segment).
    pub trailing_slash: bool,
}

impl RequestPath {
    /// Splits and decodes the path part of a request target.
    pub fn parse(raw: &str) -> Result<RequestPath, Refusal> {
        let path = raw.split(['?', '#']).next().unwrap_or_default();
        if path.len() > limits::MAX_PATH_BYTES {
            return Err(Refusal::PathTooLong);
        }
        let Some(rest) = path.strip_prefix('/') else {
            return Err(Refusal::PathNotAbsolute);
        };
        let mut segments = Vec::new();
        let mut trailing_slash = false;
        if !rest.is_empty() {
            let mut raw_segments = rest.split('/').peekable();
            while let Some(raw_segment) = raw_segments.next() {
                if raw_segment.is_empty() && raw_segments.peek().is_none() {
                    trailing_slash = true;
                    break;
                }
                if segments.len() >= limits::MAX_PATH_SEGMENTS {
                    return Err(Refusal::PathTooLong);
                }
                segments.push(decode_segment(raw_segment)?);
            }
        }
        Ok(RequestPath { segments, trailing_slash })
    }

    /// The decoded path, `/`-joined, with its trailing slash: what regular
    /// expression routes are matched against.
    pub fn decoded(&self) -> String {
        let mut out = String::with_capacity(self.segments.iter().map(|s| s.text.len() + 1).sum::<usize>() + 1);
        for segment in &self.segments {
            out.push('/');
            out.push_str(&segment.text);
        }
        if self.trailing_slash || self.segments.is_empty() {
            out.push('/');
        }
        out
    }

    pub fn has_encoded_slash(&self) -> bool {
        self.segments.iter().any(|s| s.encoded_slash)
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes one segment (once: `%252F` is `%2F`, not `/`).
fn decode_segment(raw: &str) -> Result<Segment, Refusal> {
    let mut encoded_slash = false;
    let text = if raw.contains('%') {
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b == b'%' {
                let high = bytes.get(i + 1).copied().and_then(hex);
                let low = bytes.get(i + 2).copied().and_then(hex);
                let (Some(high), Some(low)) = (high, low) else {
                    return Err(Refusal::BadEscape);
                };
                let byte = high << 4 | low;
                encoded_slash |= byte == b'/';
                out.push(byte);
                i += 3;
            } else {
                out.push(b);
                i += 1;
            }
        }
        String::from_utf8(out).map_err(|_| Refusal::BadEscape)?
    } else {
        String::from(raw)
    };
    if text.chars().any(char::is_control) {
        return Err(Refusal::ControlCharacter);
    }
    if text == "." || text == ".." {
        return Err(Refusal::DotSegment);
    }
    Ok(Segment { text, encoded_slash })
}

/// One part of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A literal segment, compared with the decoded request segment exactly.
    Literal(String),
    /// `{name}`: one non-empty segment.
    One,
    /// `{name+}`: the rest of the path, one or more segments, `/`-joined.
    Rest,
}

/// A compiled path template: `/v1/buckets/{bucket}/objects/{key+}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    pub parts: Vec<Part>,
    /// Capture names, in the order of the `One` and `Rest` parts.
    pub names: Vec<String>,
}

/// Why a template is not acceptable (the message for the route's author).
pub type TemplateError = String;

impl PathTemplate {
    pub fn parse(text: &str) -> Result<PathTemplate, TemplateError> {
        let Some(rest) = text.strip_prefix('/') else {
            return Err(alloc::format!("the path template `{text}` does not start with `/`"));
        };
        if text.contains(['?', '#']) {
            return Err(alloc::format!(
                "the path template `{text}` has a query string or fragment; routes match the path only"
            ));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let mut parts = Vec::new();
        let mut names: Vec<String> = Vec::new();
        if rest.is_empty() {
            return Ok(PathTemplate { parts, names });
        }
        let raw_parts: Vec<&str> = rest.split('/').collect();
        let count = raw_parts.len();
        for (i, raw) in raw_parts.into_iter().enumerate() {
            if let Some(inner) = raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                let (name, greedy) = match inner.strip_suffix('+') {
                    Some(name) => (name, true),
                    None => (inner, false),
                };
                if !is_name(name) {
                    return Err(alloc::format!(
                        "`{{{inner}}}` is not a capture; write `{{name}}` or `{{name+}}` with a name of letters, digits and `_`"
                    ));
                }
                if greedy && i + 1 != count {
                    return Err(alloc::format!("the greedy capture `{{{inner}}}` must be the last part of the path"));
                }
                if names.iter().any(|n| n == name) {
                    return Err(alloc::format!("the capture `{name}` appears twice"));
                }
                names.push(String::from(name));
                parts.push(if greedy { Part::Rest } else { Part::One });
            } else if raw.is_empty() {
                return Err(alloc::format!("the path template `{text}` has an empty segment (`//`)"));
            } else if raw.contains(['{', '}', '%']) || raw == "." || raw == ".." {
                return Err(alloc::format!(
                    "the segment `{raw}` mixes text and a capture, or is not plain text; captures take whole segments (use `regex` for more), literals are written decoded"
                ));
            } else {
                parts.push(Part::Literal(String::from(raw)));
            }
        }
        Ok(PathTemplate { parts, names })
    }

    /// Matches a request path: `Ok(Some(values))` in the order of `names`,
    /// `Ok(None)` when the path has another shape, `Err` when it has this
    /// shape but a capture holds an encoded `/` the route does not allow.
    pub fn matches(&self, path: &RequestPath, allow_encoded_slash: bool) -> Result<Option<Vec<String>>, Refusal> {
        let segments = &path.segments;
        let mut values = Vec::with_capacity(self.names.len());
        let mut slash_in_capture = false;
        for (i, part) in self.parts.iter().enumerate() {
            match part {
                Part::Literal(literal) => match segments.get(i) {
                    Some(segment) if segment.text == *literal => {}
                    _ => return Ok(None),
                },
                Part::One => match segments.get(i) {
                    Some(segment) if !segment.text.is_empty() => {
                        slash_in_capture |= segment.encoded_slash;
                        values.push(segment.text.clone());
                    }
                    _ => return Ok(None),
                },
                Part::Rest => {
                    let rest = segments.get(i..).unwrap_or_default();
                    if rest.iter().all(|s| s.text.is_empty()) {
                        return Ok(None);
                    }
                    let mut value = String::new();
                    for (k, segment) in rest.iter().enumerate() {
                        if k > 0 {
                            value.push('/');
                        }
                        value.push_str(&segment.text);
                        slash_in_capture |= segment.encoded_slash;
                    }
                    if path.trailing_slash {
                        value.push('/');
                    }
                    values.push(value);
                    return finish(values, slash_in_capture, allow_encoded_slash);
                }
            }
        }
        if segments.len() != self.parts.len() {
            return Ok(None);
        }
        finish(values, slash_in_capture, allow_encoded_slash)
    }
}

fn finish(values: Vec<String>, slash: bool, allowed: bool) -> Result<Option<Vec<String>>, Refusal> {
    if slash && !allowed {
        Err(Refusal::EncodedSlash)
    } else {
        Ok(Some(values))
    }
}

/// A capture or variable name: ASCII letters, digits and `_`, not starting
/// with a digit.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
