//! Why a request was refused before the engine saw it. Every refusal is a
//! Deny: the gateway fails closed.

/// A request the gateway cannot turn into a Portcullis request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The request target is not an absolute path (`*`, `http://...`).
    PathNotAbsolute,
    /// The path is longer, or has more segments, than the gateway accepts.
    PathTooLong,
    /// A `%` not followed by two hex digits, or escapes that do not decode to UTF-8.
    BadEscape,
    /// A segment decodes to a control character.
    ControlCharacter,
    /// A segment is `.` or `..` (raw or encoded).
    DotSegment,
    /// A capture holds an encoded `/` and its route does not allow that.
    EncodedSlash,
    /// No route matches and unmatched routes are denied.
    Unmatched,
    /// The principal header is absent, or present but not trusted.
    NoPrincipal,
    /// The principal header is repeated, too long, or has characters a
    /// principal name cannot have.
    BadPrincipal,
    /// A value captured into the action or into the account/region part
    /// of the resource ARN has characters that would change its meaning.
    BadCapture,
    /// The forwarded-for header of a trusted proxy is not a list of addresses.
    BadForwardedFor,
    /// A header mapped into the context is repeated too often or is not UTF-8.
    BadContextHeader,
    /// The engine refused the request built from the route (a value over a
    /// limit, say).
    BadRequest,
    /// The filter has no configuration in service.
    NotConfigured,
    /// The filter failed inside (it fails closed).
    Internal,
}

impl Refusal {
    /// The `reason` of the Deny, in the style of the engine's reasons.
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::PathNotAbsolute
            | Refusal::PathTooLong
            | Refusal::BadEscape
            | Refusal::ControlCharacter
            | Refusal::DotSegment
            | Refusal::EncodedSlash
            | Refusal::BadCapture
            | Refusal::BadForwardedFor
            | Refusal::BadContextHeader
            | Refusal::BadRequest => "BadRequest",
            Refusal::Unmatched => "UnmatchedRoute",
            Refusal::NoPrincipal => "NoPrincipal",
            Refusal::BadPrincipal => "BadPrincipal",
            Refusal::NotConfigured => "NotConfigured",
            Refusal::Internal => "InternalError",
        }
    }

    /// What exactly was wrong, for the audit line (never sent to clients).
    pub fn detail(self) -> &'static str {
        match self {
            Refusal::PathNotAbsolute => "the request target is not an absolute path",
            Refusal::PathTooLong => "the path is too long or has too many segments",
            Refusal::BadEscape => "the path has an invalid percent-escape or is not UTF-8 once decoded",
            Refusal::ControlCharacter => "the path decodes to a control character",
            Refusal::DotSegment => "the path has a `.` or `..` segment",
            Refusal::EncodedSlash => "a path segment holds an encoded `/` and the route does not allow it",
            Refusal::Unmatched => "no route matches and unmatched routes are denied",
            Refusal::NoPrincipal => "no trusted principal header",
            Refusal::BadPrincipal => "the principal header is repeated or not a principal name",
            Refusal::BadCapture => "a captured value cannot be placed in the action or ARN head",
            Refusal::BadForwardedFor => "the forwarded-for header is not a list of addresses",
            Refusal::BadContextHeader => "a header mapped into the context is repeated too often or is not UTF-8",
            Refusal::BadRequest => "the engine refused the request built from the route",
            Refusal::NotConfigured => "the filter has no configuration in service",
            Refusal::Internal => "internal error",
        }
    }
}
