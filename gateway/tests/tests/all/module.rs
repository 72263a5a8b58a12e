//! The module as a proxy-wasm host sees it before running it: the ABI
//! version marker, the callbacks, and imports from the proxy-wasm host only
//! (no WASI: it is built for wasm32-unknown-unknown).

use portcullis_gateway_tests::{compiled, Metering, IMPLEMENTED};

#[test]
fn the_module_declares_proxy_wasm_abi_0_2_1() {
    let (_, module) = compiled(Metering::On);
    let exports: Vec<&str> = module.exports().map(|e| e.name()).collect();
    for name in [
        "proxy_abi_version_0_2_1",
        "_initialize",
        "memory",
        "proxy_on_context_create",
        "proxy_on_vm_start",
        "proxy_on_configure",
        "proxy_on_request_headers",
        "proxy_on_log",
        "proxy_on_done",
        "proxy_on_delete",
    ] {
        assert!(exports.contains(&name), "missing export {name}: {exports:?}");
    }
    // The allocator the host copies data in with: `proxy_on_memory_allocate`,
    // or under its wasm32-unknown-unknown name, `malloc`.
    assert!(exports.contains(&"proxy_on_memory_allocate") || exports.contains(&"malloc"), "{exports:?}");
}

#[test]
fn the_module_imports_only_proxy_wasm_host_functions() {
    let (_, module) = compiled(Metering::On);
    let imports: Vec<(String, String)> =
        module.imports().map(|i| (i.module().to_owned(), i.name().to_owned())).collect();
    for (module_name, name) in &imports {
        assert_eq!(module_name, "env", "{name} comes from `{module_name}`: no WASI or other modules");
        assert!(name.starts_with("proxy_"), "unexpected import env.{name}");
    }
    // What the filter needs is all implemented by this host (the rest are
    // linked as traps and never called by these tests).
    let names: Vec<&str> = imports.iter().map(|(_, n)| n.as_str()).collect();
    for needed in ["proxy_log", "proxy_get_header_map_pairs", "proxy_send_local_response", "proxy_get_property"] {
        assert!(names.contains(&needed), "{needed} is not imported: {names:?}");
        assert!(IMPLEMENTED.contains(&needed));
    }
}
