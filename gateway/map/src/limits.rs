//! The gateway's own limits (the engine's are in `portcullis_core::limits`).
//! A request over one is refused (a Deny), a configuration over one is
//! rejected with a `limit-*` diagnostic.

/// Routes in one configuration. Routes are tried in order, so a decision
/// costs at most this many template or regex matches.
pub const MAX_ROUTES: usize = 10_000;
/// Bytes of a request path (before the query string).
pub const MAX_PATH_BYTES: usize = 8 * 1024;
/// Segments of a request path.
pub const MAX_PATH_SEGMENTS: usize = 256;
/// Bytes of the principal header's value.
pub const MAX_PRINCIPAL_BYTES: usize = 512;
/// Values of one header mapped into the context.
pub const MAX_CONTEXT_HEADER_VALUES: usize = 16;
/// Compiled size of one route's regular expression (regex-lite's size limit).
pub const MAX_REGEX_SIZE: usize = 1 << 20;
/// Bytes of configuration beyond the store's own limit.
pub const MAX_CONFIG_EXTRA_BYTES: usize = 4 * 1024 * 1024;
/// Bytes of one text field in an audit record (paths and header-derived
/// values are cut there).
pub const MAX_LOGGED_BYTES: usize = 2_048;
/// Bytes of an HTTP request given as JSON ([`crate::HttpInput`]).
pub const MAX_HTTP_INPUT_BYTES: usize = 256 * 1024;
