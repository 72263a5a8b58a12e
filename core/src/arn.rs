//! ARNs: `arn:partition:service:region:account:resource` (AWS, six parts) and
//! `acs:service:region:account:relative-id` (Alibaba Cloud, five parts).
//!
//! Resource patterns follow iam-semantics.md section 2: the leading parts are
//! globbed one at a time without regard to case; the resource part is globbed
//! with case, and `*` there may span `/` and `:`. In AWS ARNs with a region or
//! account, the resource type before the first `/` or `:` is literal (a
//! wildcard there never matches). A short pattern ending in `*` is padded with
//! `:*` parts, which is how a trailing `*` spans colons.

use alloc::string::String;
use alloc::vec::Vec;

use crate::glob::Glob;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `arn:` — six parts.
    Arn,
    /// `acs:` — five parts.
    Acs,
}

impl Scheme {
    pub fn of(text: &str) -> Option<Scheme> {
        if text.starts_with("arn:") {
            Some(Scheme::Arn)
        } else if text.starts_with("acs:") {
            Some(Scheme::Acs)
        } else {
            None
        }
    }

    pub fn parts(self) -> usize {
        match self {
            Scheme::Arn => 6,
            Scheme::Acs => 5,
        }
    }
}

/// A request resource split into its parts, borrowed from the request.
#[derive(Debug, Clone, Copy)]
pub struct ParsedArn<'a> {
    pub scheme: Scheme,
    /// The parts before the resource part: partition, service, region, account
    /// for `arn:`; service, region, account for `acs:`.
    head: [&'a str; 4],
    head_len: usize,
    pub resource: &'a str,
}

/// Where the parts of an ARN text are: computed once per request, applied per decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnCut {
    scheme: Scheme,
    /// `(start, end)` of each head part.
    head: [(u32, u32); 4],
    head_len: usize,
    resource_start: u32,
}

impl ArnCut {
    pub fn of(text: &str) -> Option<ArnCut> {
        let parsed = ParsedArn::parse(text)?;
        let base = text.as_ptr() as usize;
        let offset = |s: &str| u32::try_from(s.as_ptr() as usize - base).unwrap_or(u32::MAX);
        let mut head = [(0, 0); 4];
        for (slot, part) in head.iter_mut().zip(parsed.head()) {
            let start = offset(part);
            *slot = (start, start + u32::try_from(part.len()).unwrap_or(0));
        }
        Some(ArnCut { scheme: parsed.scheme, head, head_len: parsed.head_len, resource_start: offset(parsed.resource) })
    }

    /// The parts of `text`, which must be the text the cut was made from.
    pub fn apply<'a>(&self, text: &'a str) -> Option<ParsedArn<'a>> {
        let mut head = [""; 4];
        for (slot, &(start, end)) in head.iter_mut().zip(&self.head).take(self.head_len) {
            *slot = text.get(start as usize..end as usize)?;
        }
        Some(ParsedArn {
            scheme: self.scheme,
            head,
            head_len: self.head_len,
            resource: text.get(self.resource_start as usize..)?,
        })
    }
}

impl<'a> ParsedArn<'a> {
    /// Splits `text` at its first five (or four) colons. `None` when it is not
    /// an ARN of either scheme or has too few parts.
    pub fn parse(text: &'a str) -> Option<ParsedArn<'a>> {
        let scheme = Scheme::of(text)?;
        let head_len = scheme.parts() - 2;
        let mut head = [""; 4];
        // A word-at-a-time scan: this runs once per request, so it avoids the generic splitters.
        let bytes = text.as_bytes();
        let mut start = 4;
        for slot in head.iter_mut().take(head_len) {
            let len = crate::text::find_byte(bytes.get(start..)?, b':')?;
            *slot = text.get(start..start + len)?;
            start += len + 1;
        }
        let resource = text.get(start..)?;
        Some(ParsedArn { scheme, head, head_len, resource })
    }

    pub fn head(&self) -> &[&'a str] {
        self.head.get(..self.head_len).unwrap_or_default()
    }

    pub fn service(&self) -> &'a str {
        match self.scheme {
            Scheme::Arn => self.head[1],
            Scheme::Acs => self.head[0],
        }
    }

    pub fn account(&self) -> &'a str {
        match self.scheme {
            Scheme::Arn => self.head[3],
            Scheme::Acs => self.head[2],
        }
    }

    pub fn region(&self) -> &'a str {
        match self.scheme {
            Scheme::Arn => self.head[2],
            Scheme::Acs => self.head[1],
        }
    }
}

/// The text of an ARN with its scheme, partition, service, region and account
/// in lowercase (they match without regard to case) and its resource part as
/// written: the key under which store resources are found.
pub fn resource_key(text: &str) -> alloc::borrow::Cow<'_, str> {
    resource_key_of(text, ParsedArn::parse(text).as_ref())
}

/// [`resource_key`] of `text` split as `arn` (what [`ParsedArn::parse`]
/// makes of it), without splitting it again.
pub fn resource_key_of<'a>(text: &'a str, arn: Option<&ParsedArn<'_>>) -> alloc::borrow::Cow<'a, str> {
    use alloc::borrow::Cow;
    let Some(arn) = arn else { return Cow::Borrowed(text) };
    let head_len = text.len().saturating_sub(arn.resource.len());
    match text.get(..head_len) {
        Some(head) if head.bytes().any(|b| b.is_ascii_uppercase()) => {
            let mut key = head.to_ascii_lowercase();
            key.push_str(arn.resource);
            Cow::Owned(key)
        }
        _ => Cow::Borrowed(text),
    }
}

/// A compiled Resource/NotResource entry whose text has no variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourcePattern {
    /// `*` (or any run of asterisks).
    Any,
    Arn(ArnPattern),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    scheme: Scheme,
    head: Vec<Glob>,
    tail: Tail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tail {
    /// The whole resource part as one pattern.
    Whole(Glob),
    /// A literal resource type, its separator, then a pattern for the rest.
    Typed { kind: String, separator: u8, id: Glob },
    /// A wildcard in the resource type: never matches (AWS rejects the form).
    Never,
}

/// Why a resource pattern is not an ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnError {
    /// Neither `*` nor an `arn:`/`acs:` ARN.
    NotAnArn,
    /// Too few parts and no trailing `*` to pad with.
    TooFewParts { found: usize, needed: usize },
}

impl ResourcePattern {
    /// Compiles an escaped pattern text (see [`crate::glob`]).
    pub fn compile(escaped: &str) -> Result<ResourcePattern, ArnError> {
        if !escaped.is_empty() && escaped.bytes().all(|b| b == b'*') {
            return Ok(ResourcePattern::Any);
        }
        let scheme = Scheme::of(escaped).ok_or(ArnError::NotAnArn)?;
        let found = count_parts(escaped);
        let needed = scheme.parts();
        let padded;
        let text = if found < needed {
            if !escaped.ends_with('*') || escaped.ends_with("\\*") {
                return Err(ArnError::TooFewParts { found, needed });
            }
            padded = alloc::format!("{escaped}{}", ":*".repeat(needed - found));
            padded.as_str()
        } else {
            escaped
        };
        // parts[0] is the scheme word itself; the last part is the resource part.
        let parts = split_escaped(text, needed);
        let head_parts = parts.get(1..needed - 1).unwrap_or_default();
        let resource = parts.get(needed - 1).copied().unwrap_or_default();
        let head = head_parts.iter().map(|p| Glob::from_escaped(p, true)).collect();
        let tail = compile_tail(scheme, head_parts, resource);
        Ok(ResourcePattern::Arn(ArnPattern { scheme, head, tail }))
    }

    /// `parsed` is the request resource split as an ARN, `None` when it is not one
    /// (such a resource, `*` included, matches only `*` patterns).
    pub fn matches(&self, parsed: Option<&ParsedArn<'_>>) -> bool {
        match self {
            ResourcePattern::Any => true,
            ResourcePattern::Arn(pattern) => parsed.is_some_and(|arn| pattern.matches(arn)),
        }
    }

    pub fn is_any(&self) -> bool {
        matches!(self, ResourcePattern::Any)
    }
}

fn compile_tail(scheme: Scheme, head_parts: &[&str], resource: &str) -> Tail {
    // head_parts: [partition, service, region, account] for `arn:`.
    let region_and_account_empty = match scheme {
        Scheme::Arn => {
            head_parts.get(2).is_some_and(|r| r.is_empty()) && head_parts.get(3).is_some_and(|a| a.is_empty())
        }
        Scheme::Acs => false,
    };
    if scheme == Scheme::Acs || region_and_account_empty {
        return Tail::Whole(Glob::from_escaped(resource, false));
    }
    match resource.bytes().position(|b| b == b'/' || b == b':') {
        Some(i) => {
            let kind = resource.get(..i).unwrap_or_default();
            // A type that is all `*` (`arn:aws:wafv2:*:*:*/webacl/*`, used in AWS
            // managed policies) covers every type; a partial wildcard (`u*/bob`)
            // never matches, as the reference simulator has it (vector R11).
            if !kind.is_empty() && kind.bytes().all(|b| b == b'*') {
                return Tail::Whole(Glob::from_escaped(resource, false));
            }
            if kind.contains(['*', '?', '\\']) {
                return Tail::Never;
            }
            let separator = resource.as_bytes().get(i).copied().unwrap_or(b'/');
            let id = resource.get(i + 1..).unwrap_or_default();
            Tail::Typed { kind: String::from(kind), separator, id: Glob::from_escaped(id, false) }
        }
        None => Tail::Whole(Glob::from_escaped(resource, false)),
    }
}

impl ArnPattern {
    fn matches(&self, arn: &ParsedArn<'_>) -> bool {
        if arn.scheme != self.scheme {
            return false;
        }
        // The resource part first: it is where patterns of one service differ.
        let tail = match &self.tail {
            Tail::Whole(glob) => glob.matches(arn.resource),
            Tail::Typed { kind, separator, id } => {
                let bytes = arn.resource.as_bytes();
                bytes.len() > kind.len()
                    && bytes.get(..kind.len()).is_some_and(|head| crate::glob::eq(kind.as_bytes(), head, false))
                    && bytes.get(kind.len()) == Some(separator)
                    && arn.resource.get(kind.len() + 1..).is_some_and(|rest| id.matches(rest))
            }
            Tail::Never => false,
        };
        tail && self.head.iter().zip(arn.head()).all(|(glob, part)| glob.matches(part))
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The service part when it has no wildcard.
    pub fn literal_service(&self) -> Option<&str> {
        let index = match self.scheme {
            Scheme::Arn => 1,
            Scheme::Acs => 0,
        };
        self.head.get(index)?.as_literal()
    }
}

/// Counts colon-separated parts, not counting colons inside `${...}`.
fn count_parts(text: &str) -> usize {
    split_escaped(text, usize::MAX).len()
}

/// Splits at unescaped colons outside `${...}`, into at most `limit` parts
/// (the last part keeps the rest).
pub fn split_escaped(text: &str, limit: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut in_var = false;
    while i < bytes.len() && parts.len() + 1 < limit {
        match bytes.get(i) {
            Some(b'\\') => i += 1,
            Some(b'$') if bytes.get(i + 1) == Some(&b'{') => in_var = true,
            Some(b'}') if in_var => in_var = false,
            Some(b':') if !in_var => {
                parts.push(text.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// The value of an ARN condition operator: each part globbed with case, a `*`
/// never crossing into the next part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnConditionPattern {
    parts: Vec<Glob>,
}

impl ArnConditionPattern {
    /// `None` when the text is not a whole ARN (fewer parts than its scheme needs).
    pub fn compile(escaped: &str) -> Option<ArnConditionPattern> {
        let scheme = Scheme::of(escaped)?;
        let parts = split_escaped(escaped, scheme.parts());
        if parts.len() != scheme.parts() {
            return None;
        }
        Some(ArnConditionPattern { parts: parts.into_iter().map(|p| Glob::from_escaped(p, false)).collect() })
    }

    pub fn matches(&self, value: &str) -> bool {
        let Some(scheme) = Scheme::of(value) else { return false };
        if scheme.parts() != self.parts.len() {
            return false;
        }
        let mut parts = value.splitn(self.parts.len(), ':');
        self.parts.iter().all(|glob| parts.next().is_some_and(|part| glob.matches(part)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, resource: &str) -> bool {
        let p = ResourcePattern::compile(pattern).unwrap();
        p.matches(ParsedArn::parse(resource).as_ref())
    }

    /// A request's resource key, made from the split it already has, is the
    /// key made from its text.
    #[test]
    fn resource_keys_from_a_cut_are_the_keys_of_the_text() {
        for text in [
            "arn:aws:s3:::bucket/Key:With:Colons",
            "ARN:AWS:S3:::bucket/Key",
            "arn:AWS:S3:::bucket/Key",
            "acs:ECS:cn-hangzhou:1234567890123456:instance/Dev-1",
            "acs:ram::1234567890123456:role/ops",
            "arn:aws:iam::123456789012:user/Alice",
            "photos/2026/cat.jpg",
            "*",
            "",
        ] {
            let cut = ArnCut::of(text).and_then(|cut| cut.apply(text));
            assert_eq!(resource_key_of(text, cut.as_ref()), resource_key(text), "{text}");
        }
        assert_eq!(resource_key("arn:AWS:S3:::bucket/Key"), "arn:aws:s3:::bucket/Key");
        assert_eq!(resource_key("acs:ECS:cn-hangzhou:1:instance/Dev-1"), "acs:ecs:cn-hangzhou:1:instance/Dev-1");
    }

    #[test]
    fn aws_resource_rules() {
        assert!(!matches("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key.txt"));
        assert!(matches("arn:aws:s3:::buck*", "arn:aws:s3:::bucket/a/b/c.txt"));
        assert!(!matches("arn:aws:s3:::BUCKET/*", "arn:aws:s3:::bucket/key.txt"));
        assert!(matches("arn:aws:s3:::bucket/key.tx?", "arn:aws:s3:::bucket/key.txt"));
        assert!(!matches("arn:aws:s3:::bucket/key.txt?", "arn:aws:s3:::bucket/key.txt"));
        assert!(matches("arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"));
        assert!(matches("arn:aws:ec2:us-east-1:*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"));
        assert!(!matches("arn:aws:ec2:*:444455556666:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"));
        assert!(!matches("arn:aws:iam::111122223333:u*/bob", "arn:aws:iam::111122223333:user/bob"));
        assert!(matches("arn:aws:wafv2:*:*:*/webacl/*/*", "arn:aws:wafv2:us-east-1:1:regional/webacl/a/b"));
        assert!(!matches("arn:aws:wafv2:*:*:*/webacl/*/*", "arn:aws:wafv2:us-east-1:1:regional/ipset/a/b"));
        assert!(matches("arn:aws:S3:::bucket/*", "arn:aws:s3:::bucket/key.txt"));
        assert!(matches(
            "arn:aws:lambda:us-east-1:111122223333:function:*",
            "arn:aws:lambda:us-east-1:111122223333:function:fn:prod"
        ));
        assert!(!matches("arn:aws:ec2:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"));
        assert!(!matches("arn:aws:s3:::*", "*"));
        assert!(matches("*", "*"));
        assert!(matches("**", "arn:aws:s3:::x"));
        assert!(matches("arn:aws:sns:us-east-1:1:my-*", "arn:aws:sns:us-east-1:1:my-topic"));
    }

    #[test]
    fn acs_resource_rules() {
        assert!(matches("acs:oss:*:*:mybucket/*", "acs:oss:*:1234567890123456:mybucket/a/b.jpg"));
        assert!(!matches("acs:oss:*:*:mybucket/*", "acs:oss:*:1234567890123456:mybucket"));
        assert!(matches("acs:ecs:*:*:instance/staging-*", "acs:ecs:cn-hangzhou:1:instance/staging-web-1"));
        assert!(!matches("acs:ecs:*:*:instance/staging-*", "acs:ecs:cn-hangzhou:1:instance/prod-web-1"));
        assert!(matches("acs:oss:*:*:staging-*", "acs:oss:*:1:staging-logs"));
        assert!(!matches("acs:ecs:*:*:*", "arn:aws:ec2:us-east-1:1:instance/i"));
        assert!(matches("acs:ecs:*", "acs:ecs:cn-hangzhou:1:instance/x"));
    }

    #[test]
    fn bad_patterns() {
        assert_eq!(ResourcePattern::compile("bucket/*"), Err(ArnError::NotAnArn));
        assert_eq!(ResourcePattern::compile("arn:aws:s3"), Err(ArnError::TooFewParts { found: 3, needed: 6 }));
        assert!(ResourcePattern::compile("").is_err());
    }

    #[test]
    fn condition_arns() {
        let p = ArnConditionPattern::compile("arn:aws:sns:*:111122223333:finance/*").unwrap();
        assert!(!p.matches("arn:aws:sns:us-east-2:999999999999:store/abc:111122223333:finance/doc"));
        assert!(p.matches("arn:aws:sns:us-east-2:111122223333:finance/doc"));
        assert!(ArnConditionPattern::compile("arn:aws:*").is_none());
        let role = ArnConditionPattern::compile("arn:aws:iam::*:role/Admin").unwrap();
        assert!(!role.matches("arn:aws:iam::111122223333:role/admin"));
        assert!(!role.matches("boop"));
    }

    #[test]
    fn splitting_skips_variables() {
        assert_eq!(split_escaped("arn:aws:s3:::bucket/${aws:username}/*", 6).len(), 6);
        assert_eq!(count_parts("arn:aws:s3:::a/${aws:username}:x"), 7);
    }
}
