//! The gateway configuration: JSON text in, a checked [`Config`] out, or
//! every problem as a diagnostic with a JSON pointer, a span, a line and a
//! column (the shape of the engine's own diagnostics).

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use portcullis_core::api::Failure;
use portcullis_core::diag::{self, Diagnostic, Span};
use portcullis_core::json::{self, Json, JsonLimits, Member, Value};
use portcullis_core::value::Cidr;
use portcullis_core::{limits as core_limits, Store};

use crate::check::{Gateway, Matcher, Methods, PrincipalRule, Route};
use crate::limits;
use crate::net::TrustedProxies;
use crate::path::PathTemplate;
use crate::template::{Template, Var};

/// Where the store comes from.
#[derive(Debug)]
pub enum StoreSource {
    /// `"store": {...}`: given inline, loaded with the configuration.
    Inline(Box<Store>),
    /// `"storeRef": "name"`: a store the host holds (the proxy-wasm filter:
    /// its VM configuration; the raw ABI: a store handle).
    Ref(String),
}

/// A checked gateway configuration.
#[derive(Debug)]
pub struct Config {
    pub store: StoreSource,
    pub gateway: Gateway,
    /// Findings that do not stop the configuration (the store's warnings).
    pub warnings: Vec<Diagnostic>,
}

const TOP: &[&str] = &[
    "description",
    "store",
    "storeRef",
    "principal",
    "trustedProxies",
    "forwardedFor",
    "forwardedProto",
    "contextHeaders",
    "routes",
    "unmatched",
    "decisionHeader",
    "requestIdHeader",
];
const PRINCIPAL: &[&str] = &["header", "format", "requireTrustedProxy"];
const ROUTE: &[&str] = &["name", "description", "method", "path", "regex", "action", "resource", "allowEncodedSlash"];

const HELP_ROUTE: &str = "a route is {\"method\": \"GET\", \"path\": \"/v1/buckets/{bucket}/objects/{key+}\", \"action\": \"oss:GetObject\", \"resource\": \"acs:oss:*:${account}:${bucket}/${key}\"}";

impl Config {
    /// Reads a configuration. Errors and warnings carry JSON pointers into
    /// `text` (the store's own findings under `/store`).
    pub fn from_json_str(text: &str) -> Result<Config, Failure> {
        let json_limits = JsonLimits {
            max_bytes: core_limits::MAX_STORE_BYTES + limits::MAX_CONFIG_EXTRA_BYTES,
            max_depth: core_limits::MAX_JSON_DEPTH + 1,
        };
        let root = json::parse(text, json_limits).map_err(|e| {
            let mut diagnostics = alloc::vec![e.into_diagnostic()];
            diag::locate_all(text, &mut diagnostics);
            Failure::new(diagnostics)
        })?;
        let mut reader = Reader { diags: Vec::new() };
        let config = reader.config(&root);
        let mut diags = reader.diags;
        diag::sort(&mut diags);
        diag::locate_all(text, &mut diags);
        match config {
            Some(mut config) if !diags.iter().any(Diagnostic::is_error) => {
                config.warnings.extend(diags);
                diag::locate_all(text, &mut config.warnings);
                Ok(config)
            }
            _ => Err(Failure::new(diags)),
        }
    }
}

struct Reader {
    diags: Vec<Diagnostic>,
}

fn pointer(base: &str, key: &str) -> String {
    json::join_pointer(base, key)
}

impl Reader {
    fn error(&mut self, code: &'static str, message: String, help: &str, path: &str, span: Span) {
        self.diags.push(Diagnostic::error(code, message).with_help(help).at(path, span));
    }

    /// The members of an object, each key checked against `known` (unless
    /// `known` is empty: any keys).
    fn object<'j>(&mut self, json: &'j Json, path: &str, known: &[&str], what: &str) -> Option<&'j [Member]> {
        let Some(members) = json.as_object() else {
            self.error(
                "gateway-expected-object",
                format!("{what} must be an object, not {}", json.kind_name()),
                "see the configuration reference in gateway/README.md",
                path,
                json.span,
            );
            return None;
        };
        for member in members {
            if !known.is_empty() && !known.contains(&member.key.as_str()) {
                self.error(
                    "gateway-unknown-field",
                    format!("unknown field `{}` in {what}", member.key),
                    &format!("the fields are {}", known.join(", ")),
                    &pointer(path, &member.key),
                    member.key_span,
                );
            }
        }
        Some(members)
    }

    fn string<'j>(&mut self, json: &'j Json, path: &str, what: &str) -> Option<&'j str> {
        match json.as_str() {
            Some(s) if !s.is_empty() => Some(s),
            Some(_) => {
                self.error("gateway-empty", format!("{what} is empty"), "give a value", path, json.span);
                None
            }
            None => {
                self.error(
                    "gateway-expected-string",
                    format!("{what} must be a string, not {}", json.kind_name()),
                    "write it in double quotes",
                    path,
                    json.span,
                );
                None
            }
        }
    }

    fn boolean(&mut self, json: &Json, path: &str, what: &str) -> Option<bool> {
        match json.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.error(
                    "gateway-expected-boolean",
                    format!("{what} must be `true` or `false`, not {}", json.kind_name()),
                    "write `true` or `false` without quotes",
                    path,
                    json.span,
                );
                None
            }
        }
    }

    /// A header name, lowercased. Pseudo-headers (`:path`) are refused.
    fn header(&mut self, json: &Json, path: &str, what: &str) -> Option<String> {
        let name = self.string(json, path, what)?;
        let token = name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token || name.len() > 256 {
            self.error(
                "gateway-invalid-header",
                format!("`{name}` is not a header name"),
                "header names are tokens such as `x-auth-principal`; pseudo-headers like `:path` cannot be used",
                path,
                json.span,
            );
            return None;
        }
        Some(name.to_ascii_lowercase())
    }

    fn config(&mut self, root: &Json) -> Option<Config> {
        let members = self.object(root, "", TOP, "the gateway configuration")?;
        let get = |key: &str| members.iter().find(|m| m.key == key);
        let mut warnings = Vec::new();

        let store = match (get("store"), get("storeRef")) {
            (Some(inline), None) => self.store(&inline.value, &mut warnings).map(|s| StoreSource::Inline(Box::new(s))),
            (None, Some(reference)) => {
                self.string(&reference.value, "/storeRef", "`storeRef`").map(|r| StoreSource::Ref(r.to_owned()))
            }
            (Some(_), Some(second)) => {
                self.error(
                    "gateway-store-twice",
                    String::from("both `store` and `storeRef` are given"),
                    "give the store inline (`store`) or by reference (`storeRef`), not both",
                    "/storeRef",
                    second.key_span,
                );
                None
            }
            (None, None) => {
                self.error(
                    "gateway-missing-store",
                    String::from("the configuration has no store"),
                    "add `\"store\": {...}` (inline) or `\"storeRef\": \"name\"` (a store the host holds)",
                    "",
                    root.span,
                );
                None
            }
        };

        let mut trusted = TrustedProxies::default();
        if let Some(member) = get("trustedProxies") {
            match member.value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("/trustedProxies/{i}");
                        let Some(text) = self.string(item, &path, "a trusted proxy range") else { continue };
                        match Cidr::parse(text) {
                            Some(range) => trusted.ranges.push(range),
                            None => self.error(
                                "gateway-invalid-cidr",
                                format!("`{text}` is not an address range"),
                                "write an IPv4 or IPv6 range such as `10.0.0.0/8` or `fd00::/8`, or one address",
                                &path,
                                item.span,
                            ),
                        }
                    }
                }
                None => self.error(
                    "gateway-expected-array",
                    format!("`trustedProxies` must be an array, not {}", member.value.kind_name()),
                    "list the address ranges of the proxies in front of this gateway: [\"10.0.0.0/8\"]",
                    "/trustedProxies",
                    member.value.span,
                ),
            }
        }
        let forwarded_for = match get("forwardedFor") {
            Some(m) => self.header(&m.value, "/forwardedFor", "`forwardedFor`"),
            None => Some(String::from("x-forwarded-for")),
        };
        let forwarded_proto = match get("forwardedProto") {
            Some(m) => self.header(&m.value, "/forwardedProto", "`forwardedProto`"),
            None => Some(String::from("x-forwarded-proto")),
        };

        let principal = match get("principal") {
            Some(m) => self.principal(&m.value, !trusted.ranges.is_empty()),
            None => {
                self.error(
                    "gateway-missing-principal",
                    String::from("the configuration does not say how the principal is found"),
                    "add `\"principal\": {\"header\": \"x-auth-principal\"}`: a header your authentication step sets",
                    "",
                    root.span,
                );
                None
            }
        };

        let mut context_headers = Vec::new();
        if let Some(m) = get("contextHeaders") {
            // Any keys: they are condition keys, checked one by one below.
            let members = self.object(&m.value, "/contextHeaders", &[], "`contextHeaders`");
            for member in members.unwrap_or_default() {
                let path = pointer("/contextHeaders", &member.key);
                if let Some(problem) = reserved_key(&member.key) {
                    self.error(
                        "gateway-reserved-context-key",
                        format!("`{}` cannot come from a header: {problem}", member.key),
                        "map only keys the request really carries, such as `acs:MFAPresent` or `acs:RequestTag/team`",
                        &path,
                        member.key_span,
                    );
                    continue;
                }
                if !valid_key(&member.key) {
                    self.error(
                        "gateway-invalid-context-key",
                        format!("`{}` is not a condition key", member.key),
                        "condition keys look like `acs:MFAPresent` or `aws:RequestTag/team`",
                        &path,
                        member.key_span,
                    );
                    continue;
                }
                if let Some(header) = self.header(&member.value, &path, "a context header") {
                    context_headers.push((member.key.clone(), header));
                }
            }
        }

        let unmatched_allow = match get("unmatched") {
            None => false,
            Some(m) => match m.value.as_str() {
                Some("deny") => false,
                Some("allow") => true,
                _ => {
                    self.error(
                        "gateway-invalid-unmatched",
                        String::from("`unmatched` must be `\"deny\"` or `\"allow\"`"),
                        "`deny` (the default) refuses requests no route matches",
                        "/unmatched",
                        m.value.span,
                    );
                    false
                }
            },
        };
        let decision_header = match get("decisionHeader") {
            Some(m) => self.header(&m.value, "/decisionHeader", "`decisionHeader`"),
            None => Some(String::from("x-portcullis-decision")),
        };
        let request_id_header = match get("requestIdHeader") {
            Some(m) => self.header(&m.value, "/requestIdHeader", "`requestIdHeader`"),
            None => Some(String::from("x-request-id")),
        };

        let routes = match get("routes") {
            Some(m) => self.routes(&m.value),
            None => {
                self.error(
                    "gateway-missing-routes",
                    String::from("the configuration has no `routes`"),
                    HELP_ROUTE,
                    "",
                    root.span,
                );
                None
            }
        };

        Some(Config {
            store: store?,
            gateway: Gateway {
                routes: routes?,
                principal: principal?,
                trusted,
                forwarded_for: forwarded_for?,
                forwarded_proto: forwarded_proto?,
                context_headers,
                unmatched_allow,
                decision_header: decision_header?,
                request_id_header: request_id_header?,
            },
            warnings,
        })
    }

    fn store(&mut self, json: &Json, warnings: &mut Vec<Diagnostic>) -> Option<Store> {
        let under_store = |mut d: Diagnostic| {
            d.path = format!("/store{}", d.path);
            d
        };
        match Store::from_json(json) {
            Ok(store) => {
                warnings.extend(store.warnings().iter().cloned().map(under_store));
                Some(store)
            }
            Err(e) => {
                self.diags.extend(e.diagnostics.into_iter().map(under_store));
                None
            }
        }
    }

    fn principal(&mut self, json: &Json, have_trusted: bool) -> Option<PrincipalRule> {
        let members = self.object(json, "/principal", PRINCIPAL, "`principal`")?;
        let get = |key: &str| members.iter().find(|m| m.key == key);
        let Some(header) = get("header") else {
            self.error(
                "gateway-missing-field",
                String::from("`principal` has no `header`"),
                "name the header your authentication step sets, e.g. `\"header\": \"x-auth-principal\"`",
                "/principal",
                json.span,
            );
            return None;
        };
        let header = self.header(&header.value, "/principal/header", "`principal.header`");
        let format = match get("format") {
            None => Template::parse("${value}", |n| (n == "value").then_some(Var::Value)).ok(),
            Some(m) => {
                let text = self.string(&m.value, "/principal/format", "`principal.format`")?;
                match Template::parse(text, |n| (n == "value").then_some(Var::Value)) {
                    Ok(t) if !t.is_literal() => Some(t),
                    Ok(_) => {
                        self.error(
                            "gateway-invalid-template",
                            format!("`{text}` does not use `${{value}}`"),
                            "the principal is built from the header value, e.g. `user/${value}`",
                            "/principal/format",
                            m.value.span,
                        );
                        None
                    }
                    Err(message) => {
                        self.error(
                            "gateway-invalid-template",
                            message,
                            "the only variable of `principal.format` is `${value}`",
                            "/principal/format",
                            m.value.span,
                        );
                        None
                    }
                }
            }
        };
        let require_trusted_proxy = match get("requireTrustedProxy") {
            None => false,
            Some(m) => {
                let value = self.boolean(&m.value, "/principal/requireTrustedProxy", "`requireTrustedProxy`")?;
                if value && !have_trusted {
                    self.error(
                        "gateway-no-trusted-proxies",
                        String::from("`requireTrustedProxy` is set but `trustedProxies` is empty"),
                        "list the proxies that authenticate callers in `trustedProxies`",
                        "/principal/requireTrustedProxy",
                        m.value.span,
                    );
                    return None;
                }
                value
            }
        };
        Some(PrincipalRule { header: header?, format: format?, require_trusted_proxy })
    }

    fn routes(&mut self, json: &Json) -> Option<Vec<Route>> {
        let Some(items) = json.as_array() else {
            self.error(
                "gateway-expected-array",
                format!("`routes` must be an array, not {}", json.kind_name()),
                HELP_ROUTE,
                "/routes",
                json.span,
            );
            return None;
        };
        if items.len() > limits::MAX_ROUTES {
            self.error(
                "limit-routes",
                format!("{} routes, more than the limit of {}", items.len(), limits::MAX_ROUTES),
                "merge routes with captures or regular expressions",
                "/routes",
                json.span,
            );
            return None;
        }
        let mut routes = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.route(item, &format!("/routes/{i}")) {
                Some(route) => routes.push(route),
                None => ok = false,
            }
        }
        ok.then_some(routes)
    }

    fn route(&mut self, json: &Json, path: &str) -> Option<Route> {
        let members = self.object(json, path, ROUTE, "a route")?;
        let get = |key: &str| members.iter().find(|m| m.key == key);
        let mut ok = true;

        let methods = match get("method") {
            None => Methods::Any,
            Some(m) => self.methods(&m.value, &pointer(path, "method")).unwrap_or_else(|| {
                ok = false;
                Methods::Any
            }),
        };

        let matcher = match (get("path"), get("regex")) {
            (Some(p), None) => {
                let at = pointer(path, "path");
                let text = self.string(&p.value, &at, "`path`");
                text.and_then(|text| match PathTemplate::parse(text) {
                    Ok(template) => Some(Matcher::Path(template)),
                    Err(message) => {
                        self.error(
                            "gateway-invalid-path",
                            message,
                            "templates are `/literal/{one}/{rest+}`: `{name}` takes one segment, `{name+}` the rest",
                            &at,
                            p.value.span,
                        );
                        None
                    }
                })
            }
            (None, Some(r)) => {
                let at = pointer(path, "regex");
                let text = self.string(&r.value, &at, "`regex`");
                text.and_then(|text| self.regex(text, &at, r.value.span))
            }
            (Some(_), Some(r)) => {
                self.error(
                    "gateway-path-and-regex",
                    String::from("a route has both `path` and `regex`"),
                    "give one of them",
                    &pointer(path, "regex"),
                    r.key_span,
                );
                None
            }
            (None, None) => {
                self.error(
                    "gateway-missing-field",
                    String::from("a route has neither `path` nor `regex`"),
                    HELP_ROUTE,
                    path,
                    json.span,
                );
                None
            }
        };
        let names: &[String] = match &matcher {
            Some(Matcher::Path(t)) => &t.names,
            #[cfg(feature = "regex")]
            Some(Matcher::Regex { names, .. }) => names,
            None => &[],
        };
        let resolve = |name: &str| {
            if let Some(i) = names.iter().position(|n| n == name) {
                Some(Var::Capture(i))
            } else if name == "account" {
                Some(Var::Account)
            } else {
                None
            }
        };
        let known_vars = || {
            let mut list: Vec<String> = names.iter().map(|n| format!("${{{n}}}")).collect();
            list.push(String::from("${account}"));
            list.join(", ")
        };

        let mut template = |key: &str| -> Option<Template> {
            let at = pointer(path, key);
            let Some(member) = get(key) else {
                self.error("gateway-missing-field", format!("a route has no `{key}`"), HELP_ROUTE, path, json.span);
                return None;
            };
            let text = self.string(&member.value, &at, &format!("`{key}`"))?;
            if text.len() > core_limits::MAX_PATTERN_BYTES {
                self.error(
                    "limit-pattern-length",
                    format!("`{key}` is longer than {} bytes", core_limits::MAX_PATTERN_BYTES),
                    "shorten it",
                    &at,
                    member.value.span,
                );
                return None;
            }
            // Its variables cannot be checked without the captures.
            matcher.as_ref()?;
            match Template::parse(text, resolve) {
                Ok(t) => Some(t),
                Err(message) => {
                    self.error(
                        "gateway-invalid-template",
                        message,
                        &format!("the variables of this route are {}", known_vars()),
                        &at,
                        member.value.span,
                    );
                    None
                }
            }
        };
        let action = template("action");
        let resource = template("resource");
        if let (Some(action), Some(member)) = (&action, get("action")) {
            if let Some(literal) = action.literal() {
                if !crate::check::is_action(literal) {
                    self.error(
                        "gateway-invalid-action",
                        format!("`{literal}` is not one action"),
                        "write `service:ActionName`, such as `oss:GetObject`, without wildcards",
                        &pointer(path, "action"),
                        member.value.span,
                    );
                    ok = false;
                }
            }
        }

        let allow_encoded_slash = match get("allowEncodedSlash") {
            None => false,
            Some(m) => self.boolean(&m.value, &pointer(path, "allowEncodedSlash"), "`allowEncodedSlash`")?,
        };
        let name = match get("name") {
            Some(m) => self.string(&m.value, &pointer(path, "name"), "`name`").map(ToOwned::to_owned),
            None => {
                let pattern = get("path").or_else(|| get("regex")).and_then(|m| m.value.as_str()).unwrap_or_default();
                Some(format!("{} {pattern}", methods.label()))
            }
        };
        if !ok {
            return None;
        }
        Some(Route {
            name: name?,
            methods,
            matcher: matcher?,
            action: action?,
            resource: resource?,
            allow_encoded_slash,
        })
    }

    fn methods(&mut self, json: &Json, path: &str) -> Option<Methods> {
        let one = |reader: &mut Reader, item: &Json, at: &str| -> Option<String> {
            let text = reader.string(item, at, "a method")?;
            if text == "*" {
                return Some(String::from("*"));
            }
            if !text.bytes().all(|b| b.is_ascii_alphabetic()) || text.len() > 32 {
                reader.error(
                    "gateway-invalid-method",
                    format!("`{text}` is not an HTTP method"),
                    "write methods such as `GET` or `DELETE`, a list of them, or `*` for any",
                    at,
                    item.span,
                );
                return None;
            }
            Some(text.to_ascii_uppercase())
        };
        let list = match &json.value {
            Value::Array(items) if !items.is_empty() => {
                let mut list = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    list.push(one(self, item, &format!("{path}/{i}"))?);
                }
                list
            }
            Value::String(_) => alloc::vec![one(self, json, path)?],
            _ => {
                self.error(
                    "gateway-invalid-method",
                    format!("`method` must be a method or a list of methods, not {}", json.kind_name()),
                    "write `\"GET\"`, `[\"GET\", \"HEAD\"]` or `\"*\"`",
                    path,
                    json.span,
                );
                return None;
            }
        };
        if list.iter().any(|m| m == "*") {
            Some(Methods::Any)
        } else {
            Some(Methods::List(list))
        }
    }

    #[cfg(feature = "regex")]
    fn regex(&mut self, text: &str, at: &str, span: Span) -> Option<Matcher> {
        if text.len() > core_limits::MAX_PATTERN_BYTES {
            self.error(
                "limit-pattern-length",
                format!("the regular expression is longer than {} bytes", core_limits::MAX_PATTERN_BYTES),
                "shorten it",
                at,
                span,
            );
            return None;
        }
        // Anchored: a route matches the whole path or not at all.
        let anchored = format!("^(?:{text})$");
        match regex_lite::RegexBuilder::new(&anchored).size_limit(limits::MAX_REGEX_SIZE).build() {
            Ok(regex) => {
                let mut names = Vec::new();
                for name in regex.capture_names().flatten() {
                    if !crate::path::is_name(name) {
                        self.error(
                            "gateway-invalid-regex",
                            format!("the group name `{name}` cannot be used as a variable"),
                            "name groups with letters, digits and `_`: `(?P<bucket>[^/]+)`",
                            at,
                            span,
                        );
                        return None;
                    }
                    names.push(String::from(name));
                }
                Some(Matcher::Regex { regex, names })
            }
            Err(e) => {
                let message = format!("the regular expression does not compile: {e}");
                self.error(
                    "gateway-invalid-regex",
                    message.replace('\n', " "),
                    "the syntax is regex-lite's (Rust `regex` without Unicode classes); name captures `(?P<name>...)`",
                    at,
                    span,
                );
                None
            }
        }
    }

    #[cfg(not(feature = "regex"))]
    fn regex(&mut self, _text: &str, at: &str, span: Span) -> Option<Matcher> {
        self.error(
            "gateway-regex-unavailable",
            String::from("regular expression routes are not available in this build"),
            "use path templates, or the build with the `regex` feature (the proxy-wasm filter has it)",
            at,
            span,
        );
        None
    }
}

/// Keys a header must not set: the gateway derives them itself (source IP,
/// transport, time) or the engine derives them from the store (principal
/// and resource facts), and a request value would override the store's.
fn reserved_key(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    let name = lower.strip_prefix("acs:").or_else(|| lower.strip_prefix("aws:")).unwrap_or(&lower);
    match name {
        "sourceip" | "securetransport" | "currenttime" | "epochtime" => {
            Some("the gateway sets it from the connection and the clock")
        }
        "principalarn" | "principalaccount" | "resourceaccount" | "userid" | "username" | "principaltype" => {
            Some("the engine derives it from the store")
        }
        _ if name.starts_with("principaltag/") || name.starts_with("resourcetag/") => {
            Some("the engine derives tags of principals and resources from the store")
        }
        _ => None,
    }
}

fn valid_key(key: &str) -> bool {
    let Some((prefix, name)) = key.split_once(':') else { return false };
    !prefix.is_empty()
        && !name.is_empty()
        && key.len() <= 256
        && key.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
}

/// Named stores for `storeRef`: `{"stores": {"<name>": <store>, ...}}` (the
/// proxy-wasm filter reads this from its VM configuration, so that many
/// plugin configurations share one compiled store). Errors carry pointers
/// under `/stores/<name>`.
pub fn stores_from_json_str(text: &str) -> Result<Vec<(String, Store)>, Failure> {
    let json_limits =
        JsonLimits { max_bytes: core_limits::MAX_STORE_BYTES, max_depth: core_limits::MAX_JSON_DEPTH + 2 };
    let root = json::parse(text, json_limits).map_err(|e| {
        let mut diagnostics = alloc::vec![e.into_diagnostic()];
        diag::locate_all(text, &mut diagnostics);
        Failure::new(diagnostics)
    })?;
    let mut reader = Reader { diags: Vec::new() };
    let mut stores = Vec::new();
    if let Some(members) = reader.object(&root, "", &["stores"], "the store set") {
        match members.iter().find(|m| m.key == "stores") {
            None => reader.error(
                "gateway-missing-field",
                String::from("the store set has no `stores`"),
                "write {\"stores\": {\"<name>\": <store>}}",
                "",
                root.span,
            ),
            Some(member) => {
                for entry in reader.object(&member.value, "/stores", &[], "`stores`").unwrap_or_default() {
                    let base = pointer("/stores", &entry.key);
                    match Store::from_json(&entry.value) {
                        Ok(store) => stores.push((entry.key.clone(), store)),
                        Err(e) => reader.diags.extend(e.diagnostics.into_iter().map(|mut d| {
                            d.path = format!("{base}{}", d.path);
                            d
                        })),
                    }
                }
            }
        }
    }
    let mut diags = reader.diags;
    diag::sort(&mut diags);
    diag::locate_all(text, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Failure::new(diags));
    }
    Ok(stores)
}
