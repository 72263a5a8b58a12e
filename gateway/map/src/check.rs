//! HTTP request in, decision out: the route table, the principal, the
//! context, then the engine.

use alloc::string::String;
use alloc::vec::Vec;

use portcullis_core::request::{Context, ContextValue, RequestInput};
use portcullis_core::{Decision, Instant, Request, Store};

use crate::err::Refusal;
use crate::limits;
use crate::net::TrustedProxies;
use crate::path::{PathTemplate, RequestPath};
use crate::template::{Template, Var};

/// An HTTP request as a gateway sees it. Header names are compared without
/// regard to ASCII case; a header may appear more than once; values are
/// bytes (a value that is not UTF-8 is refused where it matters, never
/// skipped).
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// `GET`, `POST`, ... (compared exactly: methods are case-sensitive).
    pub method: &'a str,
    /// The request target as received, query string included (it is ignored).
    pub path: &'a str,
    /// `http` or `https`, when the host knows it.
    pub scheme: Option<&'a str>,
    /// The address of the connection's peer (`ip`, `ip:port`, `[ipv6]:port`).
    pub peer: Option<&'a str>,
    pub headers: &'a [(&'a str, &'a [u8])],
}

impl<'a> HttpRequest<'a> {
    /// Every value of the header `name` (lowercase), in order.
    pub fn header_values<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + Clone + use<'a, 'n> {
        let headers = self.headers;
        headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }

    /// The single UTF-8 value of a header; `Err(refusal)` when it is
    /// repeated or not UTF-8.
    pub fn header(&self, name: &str, refusal: Refusal) -> Result<Option<&'a str>, Refusal> {
        let mut values = self.header_values(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(refusal);
        }
        first.map(|v| core::str::from_utf8(v).map_err(|_| refusal)).transpose()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Methods {
    Any,
    /// Uppercase.
    List(Vec<String>),
}

impl Methods {
    fn matches(&self, method: &str) -> bool {
        match self {
            Methods::Any => true,
            Methods::List(list) => list.iter().any(|m| m == method),
        }
    }

    pub(crate) fn label(&self) -> String {
        match self {
            Methods::Any => String::from("*"),
            Methods::List(list) => list.join(","),
        }
    }
}

#[derive(Debug)]
pub(crate) enum Matcher {
    Path(PathTemplate),
    #[cfg(feature = "regex")]
    Regex {
        regex: regex_lite::Regex,
        names: Vec<String>,
    },
}

#[derive(Debug)]
pub(crate) struct Route {
    pub name: String,
    pub methods: Methods,
    pub matcher: Matcher,
    pub action: Template,
    pub resource: Template,
    pub allow_encoded_slash: bool,
}

impl Route {
    /// The route's captures for this request, if it matches. `decoded` is
    /// the decoded path, made once for all regular-expression routes.
    #[cfg_attr(not(feature = "regex"), expect(unused_variables, reason = "only regex routes read the decoded path"))]
    fn captures(&self, path: &RequestPath, decoded: &mut Option<String>) -> Result<Option<Vec<String>>, Refusal> {
        match &self.matcher {
            Matcher::Path(template) => template.matches(path, self.allow_encoded_slash),
            #[cfg(feature = "regex")]
            Matcher::Regex { regex, names } => {
                let text = decoded.get_or_insert_with(|| path.decoded());
                let Some(caps) = regex.captures(text) else { return Ok(None) };
                if path.has_encoded_slash() && !self.allow_encoded_slash {
                    return Err(Refusal::EncodedSlash);
                }
                Ok(Some(
                    names.iter().map(|n| caps.name(n).map(|m| String::from(m.as_str())).unwrap_or_default()).collect(),
                ))
            }
        }
    }
}

#[derive(Debug)]
pub(crate) struct PrincipalRule {
    /// Lowercase.
    pub header: String,
    pub format: Template,
    pub require_trusted_proxy: bool,
}

/// The route table and the rules for principal and context: everything of a
/// gateway configuration except the store. Decides with any store.
#[derive(Debug)]
pub struct Gateway {
    pub(crate) routes: Vec<Route>,
    pub(crate) principal: PrincipalRule,
    pub(crate) trusted: TrustedProxies,
    pub(crate) forwarded_for: String,
    pub(crate) forwarded_proto: String,
    /// (condition key, lowercase header name)
    pub(crate) context_headers: Vec<(String, String)>,
    pub(crate) unmatched_allow: bool,
    /// The header a filter adds for the upstream (lowercase).
    pub decision_header: String,
    /// The header that carries the request id (lowercase).
    pub request_id_header: String,
}

/// What the gateway decided about one HTTP request, and why.
#[derive(Debug, Clone)]
pub struct Outcome {
    allowed: bool,
    /// Why the request was refused before (or instead of) the engine.
    pub refusal: Option<Refusal>,
    /// The matching route's index.
    pub route: Option<usize>,
    /// The request built from the route, when it was built.
    pub request: Option<Request<'static>>,
    /// The engine's decision, when the engine was asked.
    pub decision: Option<Decision>,
}

impl Outcome {
    pub(crate) fn refused(refusal: Refusal, route: Option<usize>) -> Outcome {
        Outcome { allowed: false, refusal: Some(refusal), route, request: None, decision: None }
    }

    /// A Deny for a refusal the host found itself (no configuration in
    /// service, a request without method or path).
    pub fn refusal(refusal: Refusal) -> Outcome {
        Outcome::refused(refusal, None)
    }

    pub fn allowed(&self) -> bool {
        self.allowed
    }

    /// `Allow` or `Deny`.
    pub fn decision_str(&self) -> &'static str {
        if self.allowed {
            "Allow"
        } else {
            "Deny"
        }
    }

    /// The engine's reason (`Allowed`, `ExplicitDeny`, `ImplicitDeny`), or the
    /// gateway's (`UnmatchedRoute`, `NoPrincipal`, `BadPrincipal`,
    /// `BadRequest`, `NotConfigured`, `InternalError`).
    pub fn reason(&self) -> &'static str {
        match (&self.refusal, &self.decision) {
            (Some(refusal), _) => refusal.reason(),
            (None, Some(decision)) => decision.reason.as_str(),
            (None, None) => "UnmatchedRoute",
        }
    }
}

/// A single action, `service:Name`, no wildcards.
pub(crate) fn is_action(text: &str) -> bool {
    let part = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    matches!(text.split_once(':'), Some((service, name)) if part(service) && part(name))
}

/// A captured value placed into an action: plain name characters only.
fn action_value(text: &str, _in_head: bool) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// A captured value placed into a resource: no `:` where it would shift the
/// parts of an ARN; nothing else is special (request resources are matched
/// literally; wildcards only work in policies).
fn resource_value(text: &str, in_head: bool) -> bool {
    !(in_head && text.contains(':'))
}

/// A principal header value: ARN and name characters only.
fn principal_value(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= limits::MAX_PRINCIPAL_BYTES
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"._@+=,:/-".contains(&b))
}

impl Gateway {
    /// The number of routes.
    pub fn route_count(&self) -> usize {
        self.routes.len()
    }

    /// A route's name (its `name`, or its method and pattern).
    pub fn route_name(&self, index: usize) -> Option<&str> {
        self.routes.get(index).map(|r| r.name.as_str())
    }

    /// Decides one HTTP request against `store`. `now` is the host's clock
    /// (the engine's "now" for time conditions and time-bound roles).
    pub fn check(&self, store: &Store, http: &HttpRequest<'_>, now: Option<Instant>) -> Outcome {
        let path = match RequestPath::parse(http.path) {
            Ok(path) => path,
            Err(refusal) => return Outcome::refused(refusal, None),
        };
        let mut decoded = None;
        let mut found = None;
        for (index, route) in self.routes.iter().enumerate() {
            if !route.methods.matches(http.method) {
                continue;
            }
            match route.captures(&path, &mut decoded) {
                Ok(Some(captures)) => {
                    found = Some((index, route, captures));
                    break;
                }
                Ok(None) => {}
                Err(refusal) => return Outcome::refused(refusal, Some(index)),
            }
        }
        let Some((index, route, captures)) = found else {
            if self.unmatched_allow {
                return Outcome { allowed: true, refusal: None, route: None, request: None, decision: None };
            }
            return Outcome::refused(Refusal::Unmatched, None);
        };
        match self.build(store, http, route, &captures) {
            Ok(request) => {
                let decision = store.evaluate(&request, now);
                Outcome {
                    allowed: decision.allowed(),
                    refusal: None,
                    route: Some(index),
                    request: Some(request),
                    decision: Some(decision),
                }
            }
            Err(refusal) => Outcome::refused(refusal, Some(index)),
        }
    }

    fn build(
        &self,
        store: &Store,
        http: &HttpRequest<'_>,
        route: &Route,
        captures: &[String],
    ) -> Result<Request<'static>, Refusal> {
        let account = store.account();
        let value = |var: Var| match var {
            Var::Capture(i) => captures.get(i).map(String::as_str).unwrap_or_default(),
            Var::Account => account,
            Var::Value => "",
        };
        let action = route.action.expand(value, action_value).ok_or(Refusal::BadCapture)?;
        if !is_action(&action) {
            return Err(Refusal::BadCapture);
        }
        let resource = route.resource.expand(value, resource_value).ok_or(Refusal::BadCapture)?;

        // The peer decides which forwarded headers count.
        let peer_trusted = http.peer.and_then(crate::net::parse_addr).is_some_and(|(_, ip)| self.trusted.contains(ip));

        let principal = {
            let rule = &self.principal;
            if rule.require_trusted_proxy && !peer_trusted {
                return Err(Refusal::NoPrincipal);
            }
            let value = http.header(&rule.header, Refusal::BadPrincipal)?.ok_or(Refusal::NoPrincipal)?;
            let value = value.trim();
            if !principal_value(value) {
                return Err(Refusal::BadPrincipal);
            }
            rule.format.expand(|_| value, |_, _| true).ok_or(Refusal::BadPrincipal)?
        };

        let mut context = Context::default();
        let source_ip = self.trusted.client(http.peer, http.header_values(&self.forwarded_for))?;
        if let Some(ip) = source_ip {
            context.insert("acs:SourceIp", ContextValue::One(String::from(ip)));
            context.insert("aws:SourceIp", ContextValue::One(String::from(ip)));
        }
        let mut scheme = http.scheme;
        if peer_trusted {
            if let Ok(Some(proto)) = http.header(&self.forwarded_proto, Refusal::BadRequest) {
                scheme = Some(proto.trim());
            }
        }
        if let Some(scheme) = scheme {
            let secure = if scheme.eq_ignore_ascii_case("https") { "true" } else { "false" };
            context.insert("acs:SecureTransport", ContextValue::One(String::from(secure)));
            context.insert("aws:SecureTransport", ContextValue::One(String::from(secure)));
        }
        for (key, header) in &self.context_headers {
            let mut values = Vec::new();
            for value in http.header_values(header) {
                let text = core::str::from_utf8(value).map_err(|_| Refusal::BadContextHeader)?;
                if values.len() >= limits::MAX_CONTEXT_HEADER_VALUES {
                    return Err(Refusal::BadContextHeader);
                }
                values.push(String::from(text.trim()));
            }
            let value = match values.len() {
                0 => continue,
                1 => ContextValue::One(values.pop().unwrap_or_default()),
                _ => ContextValue::Many(values),
            };
            context.insert(key, value);
        }

        Request::new(RequestInput {
            principal,
            action,
            resource,
            resource_account: None,
            session: None,
            context: Some(context),
        })
        .map_err(|_| Refusal::BadRequest)
    }
}
