//! Portcullis as a proxy-wasm HTTP filter (ABI 0.2.1, built with the
//! `proxy-wasm` crate for `wasm32-unknown-unknown`).
//!
//! An adapter: it reads configuration and request headers from the host,
//! asks `portcullis-gateway` (route mapping) and `portcullis-core` (the
//! engine), and acts on the outcome. No policy logic lives here.
//!
//! - **VM start**: the VM configuration, if any, is a store set
//!   (`{"stores": {"<name>": <store>}}`) that plugin configurations name with
//!   `storeRef`; compiled once per VM and shared.
//! - **Configure**: the plugin configuration is a gateway configuration
//!   (`gateway/README.md`). A bad one is rejected (`false`, with every
//!   diagnostic logged) and the configuration in service stays.
//! - **Request headers**: decide. Allow: set the decision header for the
//!   upstream and continue. Deny (including every refusal and the absence
//!   of a configuration): answer 403 with `{"decision", "reason",
//!   "requestId"}` and stop.
//! - **Log**: one audit line of JSON per decided request (principal, action,
//!   resource, decision, reason, matched statements, alerts), at info level.
//!
//! Fails closed: anything the filter cannot do with certainty is a Deny. A
//! trap (which the code avoids; the host's memory cap is the remaining
//! cause) is the host's to handle, and proxy-wasm hosts fail closed unless a
//! plugin is marked fail-open.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::UNIX_EPOCH;

use portcullis_core::{Instant, Store};
use portcullis_gateway::{Config, Gateway, HttpRequest, Outcome, Refusal, StoreSource};
use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel};

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|context_id| Box::new(Root::new(context_id)));
}}

thread_local! {
    /// The VM configuration's stores, by name (one VM runs one thread).
    static VM_STORES: RefCell<HashMap<String, Rc<Store>>> = RefCell::new(HashMap::new());
}

/// A configuration in service: the mapping and the store it decides with.
#[derive(Debug)]
struct Active {
    gateway: Gateway,
    store: Rc<Store>,
}

/// The plugin (root) context: holds the configuration in service.
#[derive(Debug)]
struct Root {
    context_id: u32,
    active: Option<Rc<Active>>,
}

impl Root {
    fn new(context_id: u32) -> Root {
        Root { context_id, active: None }
    }

    fn configure(&self, bytes: &[u8]) -> Result<Active, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("the plugin configuration is not UTF-8: {e}"))?;
        let config = Config::from_json_str(text).map_err(|failure| failure.to_json())?;
        let store = match config.store {
            StoreSource::Inline(store) => Rc::new(*store),
            StoreSource::Ref(name) => VM_STORES.with(|stores| stores.borrow().get(&name).cloned()).ok_or_else(|| {
                format!(
                    "{{\"type\":\"failure\",\"errors\":[{{\"code\":\"gateway-unknown-store\",\"severity\":\"error\",\"message\":\"no store named `{}` in the VM configuration\",\"path\":\"/storeRef\"}}],\"warnings\":[]}}",
                    name.escape_default()
                )
            })?,
        };
        for warning in &config.warnings {
            log(LogLevel::Warn, &format!("portcullis: configuration warning at {}: {}", warning.path, warning.message));
        }
        Ok(Active { gateway: config.gateway, store })
    }
}

fn log(level: LogLevel, message: &str) {
    // A host that refuses a log line must not take the request down with it.
    let _ = hostcalls::log(level, message);
}

impl Context for Root {}

impl RootContext for Root {
    fn on_vm_start(&mut self, vm_configuration_size: usize) -> bool {
        if vm_configuration_size == 0 {
            return true;
        }
        let Some(bytes) = self.get_vm_configuration() else { return true };
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) if !text.trim().is_empty() => text,
            Ok(_) => return true,
            Err(e) => {
                log(LogLevel::Error, &format!("portcullis: the VM configuration is not UTF-8: {e}"));
                return false;
            }
        };
        match portcullis_gateway::stores_from_json_str(text) {
            Ok(stores) => {
                let names: Vec<String> = stores.iter().map(|(name, _)| name.clone()).collect();
                VM_STORES.with(|cell| {
                    let mut map = cell.borrow_mut();
                    map.clear();
                    map.extend(stores.into_iter().map(|(name, store)| (name, Rc::new(store))));
                });
                log(LogLevel::Info, &format!("portcullis: VM stores loaded: {}", names.join(", ")));
                true
            }
            Err(failure) => {
                log(LogLevel::Error, &format!("portcullis: VM configuration rejected: {}", failure.to_json()));
                false
            }
        }
    }

    fn on_configure(&mut self, _plugin_configuration_size: usize) -> bool {
        let bytes = self.get_plugin_configuration().unwrap_or_default();
        match self.configure(&bytes) {
            Ok(active) => {
                log(
                    LogLevel::Info,
                    &format!(
                        "portcullis: configuration in service (root context {}): {} routes",
                        self.context_id,
                        active.gateway.route_count()
                    ),
                );
                self.active = Some(Rc::new(active));
                true
            }
            Err(failure) => {
                let kept = if self.active.is_some() { "the previous one stays in service" } else { "none in service" };
                log(LogLevel::Error, &format!("portcullis: configuration rejected ({kept}): {failure}"));
                false
            }
        }
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Http { context_id, active: self.active.clone(), audit: None }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

/// One HTTP stream.
#[derive(Debug)]
struct Http {
    context_id: u32,
    /// The configuration in service when the stream started.
    active: Option<Rc<Active>>,
    /// The audit line, written at the log phase.
    audit: Option<String>,
}

impl Http {
    fn decide(&mut self, active: &Active, headers: &[(String, Vec<u8>)]) -> (Outcome, String) {
        let pairs: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
        let pseudo = |name: &str| pairs.iter().find(|(n, _)| *n == name).and_then(|(_, v)| std::str::from_utf8(v).ok());
        let gateway = &active.gateway;
        let request_id = match pseudo(&gateway.request_id_header) {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => format!("portcullis-{}", self.context_id),
        };
        // The SDK's `get_property` panics on some host statuses; an unknown
        // peer is no source address, not a trap.
        let peer_bytes = hostcalls::get_property(vec!["source", "address"]).ok().flatten();
        let peer = peer_bytes.as_deref().and_then(|b| std::str::from_utf8(b).ok());
        let now = self
            .get_current_time()
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .map(Instant::from_unix_seconds);
        let http = HttpRequest {
            method: pseudo(":method").unwrap_or_default(),
            path: pseudo(":path").unwrap_or_default(),
            scheme: pseudo(":scheme"),
            peer,
            headers: &pairs,
        };
        let outcome = if http.method.is_empty() || http.path.is_empty() || now.is_none() {
            Outcome::refusal(Refusal::BadRequest)
        } else {
            gateway.check(&active.store, &http, now)
        };
        let mut line = String::with_capacity(512);
        outcome.write_record(gateway, &active.store, &http, &request_id, &mut line);
        self.audit = Some(line);
        (outcome, request_id)
    }

    fn deny(&self, outcome: &Outcome, request_id: &str, decision_header: &str) -> Action {
        let mut body = String::with_capacity(96);
        outcome.write_body(request_id, &mut body);
        self.send_http_response(
            403,
            vec![("content-type", "application/json"), (decision_header, "Deny")],
            Some(body.as_bytes()),
        );
        Action::Pause
    }
}

impl Context for Http {}

impl HttpContext for Http {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        let Some(active) = self.active.clone() else {
            let outcome = Outcome::refusal(Refusal::NotConfigured);
            let request_id = format!("portcullis-{}", self.context_id);
            self.audit = Some(format!(
                "{{\"requestId\":\"{request_id}\",\"decision\":\"Deny\",\"reason\":\"NotConfigured\",\"detail\":\"{}\"}}",
                Refusal::NotConfigured.detail()
            ));
            return self.deny(&outcome, &request_id, "x-portcullis-decision");
        };
        let headers = self.get_http_request_headers_bytes();
        let (outcome, request_id) = self.decide(&active, &headers);
        if outcome.allowed() {
            self.set_http_request_header(&active.gateway.decision_header, Some("Allow"));
            Action::Continue
        } else {
            self.deny(&outcome, &request_id, &active.gateway.decision_header)
        }
    }

    fn on_log(&mut self) {
        if let Some(line) = self.audit.take() {
            log(LogLevel::Info, &line);
        }
    }
}

impl Drop for Http {
    /// A stream that ends without a log phase still leaves its audit line.
    fn drop(&mut self) {
        if let Some(line) = self.audit.take() {
            log(LogLevel::Info, &line);
        }
    }
}
