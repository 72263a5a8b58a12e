//! The gateway exports of ABI 1.1: HTTP requests decided with the route
//! mapping of `portcullis-gateway` (routes, principal and context from
//! headers and the peer), the same mapping the proxy-wasm filter uses.
//! `wasm/ABI.md` documents them; like every export they go through the one
//! guard of `abi.rs`.
//!
//! Gateways are their own handles (counted apart from store handles). A
//! gateway either owns its store (`"store": {...}` in its configuration) or
//! names a loaded store by its handle (`"storeRef": "3"`), looked up at each
//! call, so a store swapped by a hot reload is one `pc_gateway_load` away.
//! This module is built without regex-lite (which needs std): `regex` routes
//! are refused when the configuration loads.

use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;

use portcullis_core::Store;
use portcullis_gateway::{Config, Gateway, StoreSource};

use super::mem::Global;
use super::{guard, Answer, Code, Fail, State};

enum Source {
    Own(Box<Store>),
    Handle(i32),
}

struct Entry {
    handle: i32,
    gateway: Gateway,
    store: Source,
}

struct Gateways {
    entries: Vec<Entry>,
    last_handle: i32,
}

static GATEWAYS: Global<Gateways> = Global::new(Gateways { entries: Vec::new(), last_handle: 0 });

fn bad_gateway(handle: i32) -> Fail {
    Fail::boundary(
        Code::BadHandle,
        "abi-bad-handle",
        format!("no live gateway has handle {handle}"),
        "use a handle returned by `pc_gateway_load` that has not been passed to `pc_gateway_free`",
    )
}

fn busy() -> Fail {
    Fail::boundary(
        Code::Internal,
        "abi-internal",
        alloc::string::String::from("the gateway table is in use"),
        "call again",
    )
}

exports! {
    /// Loads a gateway configuration (`gateway/README.md`); returns its
    /// handle (> 0). Result: `{"type":"success","routes":N,"warnings":[...]}`
    /// or the failure with every diagnostic.
    answer fn gateway_load(state, ptr: usize, len: usize) -> i32 {
        let text = state.text(ptr, len, "gateway configuration")?;
        let config = Config::from_json_str(text).map_err(Fail::engine)?;
        let store = match config.store {
            StoreSource::Inline(store) => Source::Own(store),
            StoreSource::Ref(name) => {
                let handle = name.parse::<i32>().ok().filter(|h| *h > 0).ok_or_else(|| {
                    Fail::boundary(
                        Code::Invalid,
                        "gateway-store-ref",
                        format!("`storeRef` is `{}`, not a store handle", name.escape_default()),
                        "give the handle `pc_store_load` returned, as a string: `\"storeRef\": \"1\"`",
                    )
                })?;
                state.store(handle)?;
                Source::Handle(handle)
            }
        };
        let json = config.gateway.load_answer_json(&config.warnings);
        let mut gateways = GATEWAYS.enter().ok_or_else(busy)?;
        let handle = loop {
            gateways.last_handle = gateways.last_handle.checked_add(1).unwrap_or(1);
            let candidate = gateways.last_handle;
            if !gateways.entries.iter().any(|e| e.handle == candidate) {
                break candidate;
            }
        };
        gateways.entries.push(Entry { handle, gateway: config.gateway, store });
        Ok(Answer { value: handle, json })
    }

    /// Frees a gateway (not the store it names by handle).
    status fn gateway_free(_state, handle: i32) -> i32 {
        let mut gateways = GATEWAYS.enter().ok_or(Code::Internal)?;
        let index = gateways.entries.iter().position(|e| e.handle == handle).ok_or(Code::BadHandle)?;
        drop(gateways.entries.swap_remove(index));
        Ok(())
    }

    /// Decides an HTTP request given as JSON (`{"method", "path", "scheme",
    /// "peer", "headers"}`). Result: the audit record (decision, reason,
    /// route, principal, action, resource, matched statements, alerts).
    answer fn check_http(state, handle: i32, ptr: usize, len: usize, now_ptr: usize, now_len: usize) -> i32 {
        let gateways = GATEWAYS.enter().ok_or_else(busy)?;
        let entry = gateways.entries.iter().find(|e| e.handle == handle).ok_or_else(|| bad_gateway(handle))?;
        let store = match &entry.store {
            Source::Own(store) => store,
            Source::Handle(h) => state.store(*h)?,
        };
        let text = state.text(ptr, len, "HTTP request")?;
        let now = state.now(now_ptr, now_len)?;
        entry.gateway.check_json_str(store, text, now).map(Answer::json).map_err(Fail::engine)
    }
}
