//! The route mapping, natively: templates and paths, configuration errors,
//! what is trusted (principal, forwarded headers), and the governance
//! scenario through HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

mod config;
mod governance;
mod input;
mod paths;
mod trust;

use std::path::{Path, PathBuf};

use portcullis_core::{Instant, Store};
use portcullis_gateway::{Config, Gateway, HttpRequest, Outcome, StoreSource};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The governance scenario's store, as JSON.
pub fn governance_store() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("testdata/vectors/governance.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["store"].clone()
}

/// `gateway/testdata/governance-routes.json` with the store inline.
pub fn governance_config() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("gateway/testdata/governance-routes.json")).unwrap();
    let mut config: serde_json::Value = serde_json::from_str(&text).unwrap();
    let object = config.as_object_mut().unwrap();
    object.remove("storeRef");
    object.insert("store".into(), governance_store());
    config
}

/// A configuration that loads, with its inline store.
pub fn load(config: &serde_json::Value) -> (Gateway, Store) {
    let config = Config::from_json_str(&config.to_string()).unwrap_or_else(|f| panic!("{}", f.to_json()));
    match config.store {
        StoreSource::Inline(store) => (config.gateway, *store),
        StoreSource::Ref(name) => panic!("expected an inline store, got a reference to {name}"),
    }
}

/// A small configuration around a one-policy store that allows everything
/// to user/alice, with `routes` and other fields merged in.
pub fn small(extra: serde_json::Value) -> (Gateway, Store) {
    let mut config = serde_json::json!({
        "store": {"account": "1234567890123456", "partition": "acs",
            "policies": {"All": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
            "users": {"alice": {"policies": ["All"]}}},
        "principal": {"header": "x-auth-user", "format": "user/${value}"},
        "routes": []
    });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    load(&config)
}

/// An HTTP request under construction.
#[derive(Debug, Clone)]
pub struct Http {
    pub method: String,
    pub path: String,
    pub scheme: Option<String>,
    pub peer: Option<String>,
    pub headers: Vec<(String, Vec<u8>)>,
}

impl Http {
    pub fn new(method: &str, path: &str) -> Http {
        Http {
            method: method.into(),
            path: path.into(),
            scheme: Some("https".into()),
            peer: Some("203.0.113.7:40000".into()),
            headers: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Http {
        self.headers.push((name.into(), value.as_bytes().to_vec()));
        self
    }

    pub fn user(self, name: &str) -> Http {
        self.header("x-auth-user", name)
    }

    pub fn peer(mut self, peer: Option<&str>) -> Http {
        self.peer = peer.map(String::from);
        self
    }

    pub fn scheme(mut self, scheme: Option<&str>) -> Http {
        self.scheme = scheme.map(String::from);
        self
    }

    pub fn check(&self, gateway: &Gateway, store: &Store) -> Outcome {
        self.check_at(gateway, store, "2026-11-23T10:00:00Z")
    }

    pub fn check_at(&self, gateway: &Gateway, store: &Store, now: &str) -> Outcome {
        let headers: Vec<(&str, &[u8])> = self.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
        let http = HttpRequest {
            method: &self.method,
            path: &self.path,
            scheme: self.scheme.as_deref(),
            peer: self.peer.as_deref(),
            headers: &headers,
        };
        gateway.check(store, &http, Instant::parse(now))
    }

    pub fn record(&self, gateway: &Gateway, store: &Store) -> serde_json::Value {
        let outcome = self.check(gateway, store);
        let headers: Vec<(&str, &[u8])> = self.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
        let http = HttpRequest {
            method: &self.method,
            path: &self.path,
            scheme: self.scheme.as_deref(),
            peer: self.peer.as_deref(),
            headers: &headers,
        };
        let mut out = String::new();
        outcome.write_record(gateway, store, &http, "req-1", &mut out);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("the record is not JSON ({e}): {out}"))
    }
}

/// The resource a route built, or the refusal's reason.
pub fn resource(outcome: &Outcome) -> String {
    match &outcome.request {
        Some(r) => r.resource().to_owned(),
        None => format!("refused: {}", outcome.reason()),
    }
}
