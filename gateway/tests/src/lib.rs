//! A small proxy-wasm 0.2.1 host in wasmtime, shared by the host tests
//! (`tests/all/`) and the benchmark (`benches/filter.rs`). It implements the
//! host functions the Portcullis filter calls (logging, buffers, header maps,
//! properties, the clock, local responses, stream control) and drives the
//! real built module through the lifecycle a proxy does:
//!
//! `_initialize` → `proxy_on_context_create(root, 0)` → `proxy_on_vm_start` →
//! `proxy_on_configure`, then per request `proxy_on_context_create(stream,
//! root)` → `proxy_on_request_headers` → `proxy_on_log` → `proxy_on_done` →
//! `proxy_on_delete`.
//!
//! Every other import the module declares is linked as a trap: a call to a
//! host function this host does not implement fails the test loudly. Status
//! values returned are only those the ABI defines (the guest SDK reads them
//! as a Rust enum).

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test support: a host that cannot even set up is a failed test"
)]

use std::collections::HashMap;
use std::sync::OnceLock;

use wasmtime::{
    Caller, Config, Engine, Instance, Linker, Memory, Module, Result, Store, StoreLimits, StoreLimitsBuilder, TypedFunc,
};

/// The module built by `build.rs` (or named by `PORTCULLIS_PROXY_WASM` at build time).
pub const GUEST_WASM: &str = env!("PORTCULLIS_FILTER_GUEST_WASM");

/// The module under test: `PORTCULLIS_PROXY_WASM` when set at run time, else [`GUEST_WASM`].
pub fn guest_path() -> String {
    std::env::var("PORTCULLIS_PROXY_WASM").unwrap_or_else(|_| GUEST_WASM.to_owned())
}

/// proxy-wasm status codes (`proxy_status_t`).
pub mod status {
    pub const OK: i32 = 0;
    pub const NOT_FOUND: i32 = 1;
    pub const BAD_ARGUMENT: i32 = 2;
    pub const INTERNAL_FAILURE: i32 = 10;
}

/// Map types (`proxy_map_type_t`).
pub mod map {
    pub const HTTP_REQUEST_HEADERS: i32 = 0;
    pub const HTTP_RESPONSE_HEADERS: i32 = 2;
}

/// Buffer types (`proxy_buffer_type_t`).
pub mod buffer {
    pub const VM_CONFIGURATION: i32 = 6;
    pub const PLUGIN_CONFIGURATION: i32 = 7;
}

/// `proxy_action_t`.
pub mod action {
    pub const CONTINUE: i32 = 0;
    pub const PAUSE: i32 = 1;
}

/// proxy-wasm log levels.
pub mod level {
    pub const INFO: u32 = 2;
    pub const WARN: u32 = 3;
    pub const ERROR: u32 = 4;
}

/// The host functions implemented here; any other import traps.
pub const IMPLEMENTED: &[&str] = &[
    "proxy_log",
    "proxy_get_current_time_nanoseconds",
    "proxy_get_buffer_bytes",
    "proxy_get_header_map_pairs",
    "proxy_get_header_map_value",
    "proxy_replace_header_map_value",
    "proxy_add_header_map_value",
    "proxy_remove_header_map_value",
    "proxy_get_property",
    "proxy_send_local_response",
    "proxy_continue_stream",
    "proxy_close_stream",
    "proxy_set_effective_context",
    "proxy_done",
];

/// The module bytes.
pub fn module_bytes() -> Vec<u8> {
    let path = guest_path();
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read the filter module {path}: {e}"))
}

/// How an engine runs guest code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metering {
    /// Nothing counted: the configuration of a latency-sensitive gateway.
    Off,
    /// Fuel and epoch interruption compiled in (generous budgets unless a
    /// test sets one).
    On,
}

/// An engine and the compiled module, made once per metering mode per process.
pub fn compiled(metering: Metering) -> &'static (Engine, Module) {
    static OFF: OnceLock<(Engine, Module)> = OnceLock::new();
    static ON: OnceLock<(Engine, Module)> = OnceLock::new();
    let cell = match metering {
        Metering::Off => &OFF,
        Metering::On => &ON,
    };
    cell.get_or_init(|| {
        let mut config = Config::new();
        if metering == Metering::On {
            config.consume_fuel(true);
            config.epoch_interruption(true);
        }
        let engine = Engine::new(&config).unwrap_or_else(|e| panic!("wasmtime engine: {e}"));
        let module = Module::new(&engine, module_bytes()).unwrap_or_else(|e| panic!("compiling {}: {e}", guest_path()));
        (engine, module)
    })
}

/// A local response the filter sent (`proxy_send_local_response`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalResponse {
    pub status: u32,
    pub details: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, Vec<u8>)>,
}

impl LocalResponse {
    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("the body is not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).and_then(|(_, v)| std::str::from_utf8(v).ok())
    }
}

/// What the host keeps in the wasmtime store: the proxy's side of the ABI.
#[derive(Default)]
pub struct HostState {
    pub limits: StoreLimits,
    memory: Option<Memory>,
    malloc: Option<TypedFunc<i32, i32>>,
    pub vm_configuration: Vec<u8>,
    pub plugin_configuration: Vec<u8>,
    /// The current stream's request headers, as the filter may change them.
    pub request_headers: Vec<(String, Vec<u8>)>,
    pub response_headers: Vec<(String, Vec<u8>)>,
    /// Properties by path (parts joined with `.`): `source.address`, ...
    pub properties: HashMap<String, Vec<u8>>,
    /// The host clock, nanoseconds since the epoch.
    pub now_nanos: u64,
    /// Every log line: (level, message).
    pub logs: Vec<(u32, String)>,
    pub local_response: Option<LocalResponse>,
    /// Answer every `proxy_get_property` with INTERNAL_FAILURE (a host in trouble).
    pub fail_properties: bool,
    /// Calls of `proxy_continue_stream` / `proxy_close_stream` / `proxy_done`.
    pub stream_calls: Vec<&'static str>,
}

impl std::fmt::Debug for HostState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostState")
            .field("request_headers", &self.request_headers)
            .field("properties", &self.properties)
            .field("now_nanos", &self.now_nanos)
            .field("logs", &self.logs)
            .field("local_response", &self.local_response)
            .finish_non_exhaustive()
    }
}

fn memory(caller: &Caller<'_, HostState>) -> Memory {
    caller.data().memory.expect("the host saw the module's memory")
}

fn read(caller: &Caller<'_, HostState>, ptr: i32, len: i32) -> Result<Vec<u8>> {
    let (start, len) = (ptr as u32 as usize, len as u32 as usize);
    memory(caller)
        .data(caller)
        .get(start..start.saturating_add(len))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| wasmtime::format_err!("the guest passed ({ptr}, {len}) outside its memory"))
}

fn write_u32(caller: &mut Caller<'_, HostState>, ptr: i32, value: u32) -> Result<()> {
    memory(caller).write(caller, ptr as u32 as usize, &value.to_le_bytes())?;
    Ok(())
}

/// Copies `bytes` into a block the guest allocates (`malloc`), and stores
/// its address and length at `ptr_ptr` / `len_ptr`, as the ABI asks.
fn give(caller: &mut Caller<'_, HostState>, bytes: &[u8], ptr_ptr: i32, len_ptr: i32) -> Result<i32> {
    let malloc = caller.data().malloc.clone().expect("the module exports malloc");
    let len = i32::try_from(bytes.len())?;
    let ptr = malloc.call(&mut *caller, len)?;
    if ptr == 0 && len > 0 {
        wasmtime::bail!("the guest could not allocate {len} bytes");
    }
    memory(caller).write(&mut *caller, ptr as u32 as usize, bytes)?;
    write_u32(caller, ptr_ptr, ptr as u32)?;
    write_u32(caller, len_ptr, len as u32)?;
    Ok(status::OK)
}

/// The proxy-wasm header-map serialization: a u32 count, (key length,
/// value length) u32 pairs, then each key and value followed by a NUL.
pub fn serialize_map(pairs: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + pairs.iter().map(|(k, v)| k.len() + v.len() + 10).sum::<usize>());
    out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
    for (k, v) in pairs {
        out.extend_from_slice(&(k.len() as u32).to_le_bytes());
        out.extend_from_slice(&(v.len() as u32).to_le_bytes());
    }
    for (k, v) in pairs {
        out.extend_from_slice(k.as_bytes());
        out.push(0);
        out.extend_from_slice(v);
        out.push(0);
    }
    out
}

/// The inverse of [`serialize_map`], for what the guest sends.
pub fn deserialize_map(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    let word = |at: usize| -> Result<usize> {
        let b = bytes.get(at..at + 4).ok_or_else(|| wasmtime::format_err!("short header map"))?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    let count = word(0)?;
    let mut at = 4 + count * 8;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let (klen, vlen) = (word(4 + i * 8)?, word(8 + i * 8)?);
        let key = bytes.get(at..at + klen).ok_or_else(|| wasmtime::format_err!("short header map"))?;
        at += klen + 1;
        let value = bytes.get(at..at + vlen).ok_or_else(|| wasmtime::format_err!("short header map"))?;
        at += vlen + 1;
        out.push((String::from_utf8(key.to_vec())?, value.to_vec()));
    }
    Ok(out)
}

fn header_map(state: &mut HostState, map_type: i32) -> Option<&mut Vec<(String, Vec<u8>)>> {
    match map_type {
        map::HTTP_REQUEST_HEADERS => Some(&mut state.request_headers),
        map::HTTP_RESPONSE_HEADERS => Some(&mut state.response_headers),
        _ => None,
    }
}

fn key_text(caller: &Caller<'_, HostState>, ptr: i32, len: i32) -> Result<String> {
    Ok(String::from_utf8(read(caller, ptr, len)?)?.to_ascii_lowercase())
}

fn linker(engine: &Engine, module: &Module) -> Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    linker.func_wrap("env", "proxy_log", |caller: Caller<'_, HostState>, level: i32, ptr: i32, len: i32| {
        let message = String::from_utf8_lossy(&read(&caller, ptr, len)?).into_owned();
        let mut caller = caller;
        caller.data_mut().logs.push((level as u32, message));
        Ok(status::OK)
    })?;
    linker.func_wrap("env", "proxy_get_current_time_nanoseconds", |mut caller: Caller<'_, HostState>, ptr: i32| {
        let now = caller.data().now_nanos;
        memory(&caller).write(&mut caller, ptr as u32 as usize, &now.to_le_bytes())?;
        Ok(status::OK)
    })?;
    linker.func_wrap(
        "env",
        "proxy_get_buffer_bytes",
        |mut caller: Caller<'_, HostState>, kind: i32, start: i32, max: i32, ptr_ptr: i32, len_ptr: i32| {
            let data = match kind {
                buffer::VM_CONFIGURATION => caller.data().vm_configuration.clone(),
                buffer::PLUGIN_CONFIGURATION => caller.data().plugin_configuration.clone(),
                _ => return Ok(status::NOT_FOUND),
            };
            let start = (start as u32 as usize).min(data.len());
            let end = start.saturating_add(max as u32 as usize).min(data.len());
            if start == end {
                return Ok(status::NOT_FOUND);
            }
            give(&mut caller, &data[start..end], ptr_ptr, len_ptr)
        },
    )?;
    linker.func_wrap(
        "env",
        "proxy_get_header_map_pairs",
        |mut caller: Caller<'_, HostState>, map_type: i32, ptr_ptr: i32, len_ptr: i32| {
            let Some(map) = header_map(caller.data_mut(), map_type) else { return Ok(status::BAD_ARGUMENT) };
            let bytes = serialize_map(map);
            give(&mut caller, &bytes, ptr_ptr, len_ptr)
        },
    )?;
    linker.func_wrap(
        "env",
        "proxy_get_header_map_value",
        |mut caller: Caller<'_, HostState>, map_type: i32, kptr: i32, klen: i32, ptr_ptr: i32, len_ptr: i32| {
            let key = key_text(&caller, kptr, klen)?;
            let Some(map) = header_map(caller.data_mut(), map_type) else { return Ok(status::BAD_ARGUMENT) };
            let Some(value) = map.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()) else {
                return Ok(status::NOT_FOUND);
            };
            give(&mut caller, &value, ptr_ptr, len_ptr)
        },
    )?;
    linker.func_wrap(
        "env",
        "proxy_replace_header_map_value",
        |mut caller: Caller<'_, HostState>, map_type: i32, kptr: i32, klen: i32, vptr: i32, vlen: i32| {
            let key = key_text(&caller, kptr, klen)?;
            let value = read(&caller, vptr, vlen)?;
            let Some(map) = header_map(caller.data_mut(), map_type) else { return Ok(status::BAD_ARGUMENT) };
            map.retain(|(k, _)| *k != key);
            map.push((key, value));
            Ok(status::OK)
        },
    )?;
    linker.func_wrap(
        "env",
        "proxy_add_header_map_value",
        |mut caller: Caller<'_, HostState>, map_type: i32, kptr: i32, klen: i32, vptr: i32, vlen: i32| {
            let key = key_text(&caller, kptr, klen)?;
            let value = read(&caller, vptr, vlen)?;
            let Some(map) = header_map(caller.data_mut(), map_type) else { return Ok(status::BAD_ARGUMENT) };
            map.push((key, value));
            Ok(status::OK)
        },
    )?;
    linker.func_wrap(
        "env",
        "proxy_remove_header_map_value",
        |mut caller: Caller<'_, HostState>, map_type: i32, kptr: i32, klen: i32| {
            let key = key_text(&caller, kptr, klen)?;
            let Some(map) = header_map(caller.data_mut(), map_type) else { return Ok(status::BAD_ARGUMENT) };
            map.retain(|(k, _)| *k != key);
            Ok(status::OK)
        },
    )?;
    linker.func_wrap(
        "env",
        "proxy_get_property",
        |mut caller: Caller<'_, HostState>, path_ptr: i32, path_len: i32, ptr_ptr: i32, len_ptr: i32| {
            if caller.data().fail_properties {
                return Ok(status::INTERNAL_FAILURE);
            }
            let path = read(&caller, path_ptr, path_len)?;
            let key = path.split(|&b| b == 0).map(String::from_utf8_lossy).collect::<Vec<_>>().join(".");
            let Some(value) = caller.data().properties.get(&key).cloned() else { return Ok(status::NOT_FOUND) };
            give(&mut caller, &value, ptr_ptr, len_ptr)
        },
    )?;
    linker.func_wrap(
        "env",
        "proxy_send_local_response",
        |mut caller: Caller<'_, HostState>,
         status_code: i32,
         details_ptr: i32,
         details_len: i32,
         body_ptr: i32,
         body_len: i32,
         headers_ptr: i32,
         headers_len: i32,
         _grpc_status: i32| {
            let details = String::from_utf8(read(&caller, details_ptr, details_len)?)?;
            let body = read(&caller, body_ptr, body_len)?;
            let headers = deserialize_map(&read(&caller, headers_ptr, headers_len)?)?;
            let state = caller.data_mut();
            if state.local_response.is_some() {
                wasmtime::bail!("the filter sent two local responses for one stream");
            }
            state.local_response = Some(LocalResponse { status: status_code as u32, details, body, headers });
            Ok(status::OK)
        },
    )?;
    linker.func_wrap("env", "proxy_continue_stream", |mut caller: Caller<'_, HostState>, _kind: i32| {
        caller.data_mut().stream_calls.push("continue");
        Ok(status::OK)
    })?;
    linker.func_wrap("env", "proxy_close_stream", |mut caller: Caller<'_, HostState>, _kind: i32| {
        caller.data_mut().stream_calls.push("close");
        Ok(status::OK)
    })?;
    linker.func_wrap("env", "proxy_set_effective_context", |_: Caller<'_, HostState>, _context: i32| Ok(status::OK))?;
    linker.func_wrap("env", "proxy_done", |mut caller: Caller<'_, HostState>| {
        caller.data_mut().stream_calls.push("done");
        Ok(status::OK)
    })?;
    // Whatever else the module imports (the SDK links every host function
    // its traits could reach) traps if it is ever called.
    linker.define_unknown_imports_as_traps(module)?;
    Ok(linker)
}

/// The guest's callbacks.
struct Exports {
    context_create: TypedFunc<(i32, i32), ()>,
    vm_start: TypedFunc<(i32, i32), i32>,
    configure: TypedFunc<(i32, i32), i32>,
    request_headers: TypedFunc<(i32, i32, i32), i32>,
    log: TypedFunc<i32, ()>,
    done: TypedFunc<i32, i32>,
    delete: TypedFunc<i32, ()>,
}

/// One HTTP request as the proxy received it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// All headers, pseudo-headers (`:method`, `:path`, `:scheme`,
    /// `:authority`) included, names lowercase.
    pub headers: Vec<(String, Vec<u8>)>,
    /// `source.address`, as Envoy gives it (`ip:port`).
    pub peer: Option<String>,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Request {
        Request {
            headers: vec![
                (":method".into(), method.as_bytes().to_vec()),
                (":path".into(), path.as_bytes().to_vec()),
                (":scheme".into(), b"https".to_vec()),
                (":authority".into(), b"api.example.com".to_vec()),
            ],
            peer: Some("203.0.113.7:40000".into()),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_ascii_lowercase(), value.as_bytes().to_vec()));
        self
    }

    pub fn peer(mut self, peer: Option<&str>) -> Request {
        self.peer = peer.map(String::from);
        self
    }
}

/// What became of one request.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// `proxy_on_request_headers`' action.
    pub action: i32,
    pub local_response: Option<LocalResponse>,
    /// The request headers after the filter, as the upstream would get them.
    pub upstream_headers: Vec<(String, Vec<u8>)>,
    /// Log lines written during the stream.
    pub logs: Vec<(u32, String)>,
}

impl Exchange {
    pub fn upstream_header(&self, name: &str) -> Option<&str> {
        self.upstream_headers.iter().find(|(n, _)| n == name).and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    /// The audit lines (info-level JSON objects with a `requestId`).
    pub fn audit(&self) -> Vec<serde_json::Value> {
        self.logs
            .iter()
            .filter(|(level, _)| *level == level::INFO)
            .filter_map(|(_, line)| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|v| v.get("requestId").is_some())
            .collect()
    }

    /// The one audit line of this stream.
    pub fn audit_line(&self) -> serde_json::Value {
        let lines = self.audit();
        assert_eq!(lines.len(), 1, "one audit line per decision: {:?}", self.logs);
        lines.into_iter().next().unwrap()
    }
}

/// A proxy-wasm VM running the filter, with one plugin (root context).
pub struct Filter {
    pub store: Store<HostState>,
    pub instance: Instance,
    pub memory: Memory,
    exports: Exports,
    pub root_id: i32,
    next_context: i32,
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").field("memory_bytes", &self.memory_bytes()).finish_non_exhaustive()
    }
}

impl Filter {
    /// A fresh VM (instantiated, `_initialize` run, root context created),
    /// without memory limits.
    pub fn new(metering: Metering) -> Result<Filter> {
        Filter::with_limits(metering, StoreLimitsBuilder::new().build())
    }

    pub fn with_limits(metering: Metering, limits: StoreLimits) -> Result<Filter> {
        let (engine, module) = compiled(metering);
        let mut store = Store::new(engine, HostState { limits, ..HostState::default() });
        store.limiter(|state| &mut state.limits);
        if metering == Metering::On {
            store.set_fuel(u64::MAX)?;
            store.set_epoch_deadline(u64::MAX / 2);
        }
        let instance = linker(engine, module)?.instantiate(&mut store, module)?;
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| wasmtime::format_err!("the module exports no `memory`"))?;
        let malloc = instance
            .get_typed_func::<i32, i32>(&mut store, "proxy_on_memory_allocate")
            .or_else(|_| instance.get_typed_func::<i32, i32>(&mut store, "malloc"))?;
        store.data_mut().memory = Some(memory);
        store.data_mut().malloc = Some(malloc);
        let exports = Exports {
            context_create: instance.get_typed_func(&mut store, "proxy_on_context_create")?,
            vm_start: instance.get_typed_func(&mut store, "proxy_on_vm_start")?,
            configure: instance.get_typed_func(&mut store, "proxy_on_configure")?,
            request_headers: instance.get_typed_func(&mut store, "proxy_on_request_headers")?,
            log: instance.get_typed_func(&mut store, "proxy_on_log")?,
            done: instance.get_typed_func(&mut store, "proxy_on_done")?,
            delete: instance.get_typed_func(&mut store, "proxy_on_delete")?,
        };
        instance.get_typed_func::<(), ()>(&mut store, "_initialize")?.call(&mut store, ())?;
        let mut filter = Filter { store, instance, memory, exports, root_id: 1, next_context: 2 };
        filter.exports.context_create.call(&mut filter.store, (filter.root_id, 0))?;
        filter.set_time("2026-11-23T10:00:00Z");
        Ok(filter)
    }

    /// Linear memory size in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.memory.data_size(&self.store)
    }

    /// Sets the host clock (RFC 3339, UTC, whole seconds).
    pub fn set_time(&mut self, rfc3339: &str) {
        self.store.data_mut().now_nanos = unix_seconds(rfc3339) * 1_000_000_000;
    }

    /// `proxy_on_vm_start` with this VM configuration.
    pub fn vm_start(&mut self, vm_configuration: &[u8]) -> Result<bool> {
        self.store.data_mut().vm_configuration = vm_configuration.to_vec();
        let len = i32::try_from(vm_configuration.len())?;
        Ok(self.exports.vm_start.call(&mut self.store, (self.root_id, len))? != 0)
    }

    /// `proxy_on_configure` with this plugin configuration.
    pub fn configure(&mut self, plugin_configuration: &[u8]) -> Result<bool> {
        self.store.data_mut().plugin_configuration = plugin_configuration.to_vec();
        let len = i32::try_from(plugin_configuration.len())?;
        Ok(self.exports.configure.call(&mut self.store, (self.root_id, len))? != 0)
    }

    /// Log lines so far, and forgets them.
    pub fn take_logs(&mut self) -> Vec<(u32, String)> {
        std::mem::take(&mut self.store.data_mut().logs)
    }

    /// Starts a stream: creates its context and delivers the request
    /// headers. Returns the stream's context id and the action.
    pub fn request_headers(&mut self, request: &Request) -> Result<(i32, i32)> {
        let context = self.next_context;
        self.next_context += 1;
        let state = self.store.data_mut();
        state.request_headers.clone_from(&request.headers);
        state.local_response = None;
        match &request.peer {
            Some(peer) => state.properties.insert("source.address".into(), peer.as_bytes().to_vec()),
            None => state.properties.remove("source.address"),
        };
        self.exports.context_create.call(&mut self.store, (context, self.root_id))?;
        let count = i32::try_from(request.headers.len())?;
        let action = self.exports.request_headers.call(&mut self.store, (context, count, 1))?;
        Ok((context, action))
    }

    /// Ends a stream: log, done, delete.
    pub fn finish(&mut self, context: i32) -> Result<()> {
        self.exports.log.call(&mut self.store, context)?;
        self.exports.done.call(&mut self.store, context)?;
        self.exports.delete.call(&mut self.store, context)?;
        Ok(())
    }

    /// One request through the whole stream lifecycle.
    pub fn request(&mut self, request: &Request) -> Result<Exchange> {
        self.take_logs();
        let (context, action) = self.request_headers(request)?;
        self.finish(context)?;
        let state = self.store.data_mut();
        Ok(Exchange {
            action,
            local_response: state.local_response.take(),
            upstream_headers: std::mem::take(&mut state.request_headers),
            logs: std::mem::take(&mut state.logs),
        })
    }
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ`.
pub fn unix_seconds(rfc3339: &str) -> u64 {
    let n = |range: std::ops::Range<usize>| -> i64 { rfc3339[range].parse().expect("a UTC RFC 3339 time") };
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let (hh, mm, ss) = (n(11..13), n(14..16), n(17..19));
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).expect("after 1970")
}
