//! The gateway exports of ABI 1.1 (`pc_gateway_load`, `pc_gateway_free`,
//! `pc_check_http`; wasm/src/abi/http.rs), which only the `gateway` build has
//! (portcullis-gateway.wasm; scripts/test-gateway.sh runs this topic on it
//! with `PORTCULLIS_WASM`). On the default module the tests check that it
//! says so: no capability `check-http` and none of the exports (both builds
//! are ABI 1.2; 1.1's additions are the gateway build's).

use portcullis_host_tests::{code, compiled, Guest, Metering, EXPORTS_GATEWAY_1_1};
use serde_json::{json, Value};
use wasmtime::TypedFunc;

struct Gateway {
    g: Guest,
    load: TypedFunc<(i32, i32), i32>,
    free: TypedFunc<i32, i32>,
    check: TypedFunc<(i32, i32, i32, i32, i32), i32>,
}

/// The gateway exports of the module under test, or `None` (default build).
fn gateway() -> Option<Gateway> {
    let mut g = crate::guest();
    let load = g.instance.get_typed_func(&mut g.store, "pc_gateway_load").ok()?;
    let free = g.instance.get_typed_func(&mut g.store, "pc_gateway_free").ok()?;
    let check = g.instance.get_typed_func(&mut g.store, "pc_check_http").ok()?;
    Some(Gateway { g, load, free, check })
}

impl Gateway {
    fn load(&mut self, config: &str) -> (i32, Value) {
        let block = self.g.write(config.as_bytes()).unwrap();
        let code = self.load.call(&mut self.g.store, (block.ptr, block.len)).unwrap();
        self.g.free(block.ptr).unwrap();
        (code, serde_json::from_str(&self.g.result().unwrap()).unwrap())
    }

    fn check(&mut self, handle: i32, request: &Value, now: Option<&str>) -> (i32, Value) {
        let input = self.g.write(request.to_string().as_bytes()).unwrap();
        let now = now.map(|n| self.g.write(n.as_bytes()).unwrap());
        let (now_ptr, now_len) = now.map_or((0, 0), |b| (b.ptr, b.len));
        let code = self.check.call(&mut self.g.store, (handle, input.ptr, input.len, now_ptr, now_len)).unwrap();
        self.g.free(input.ptr).unwrap();
        if let Some(b) = now {
            self.g.free(b.ptr).unwrap();
        }
        (code, serde_json::from_str(&self.g.result().unwrap()).unwrap())
    }
}

/// gateway/testdata/governance-routes.json without its regex route (this
/// build has no regex-lite) and with `store` set as given.
fn governance_config(store: Value) -> Value {
    let text = std::fs::read_to_string(crate::repo().join("gateway/testdata/governance-routes.json")).unwrap();
    let mut config: Value = serde_json::from_str(&text).unwrap();
    config["routes"].as_array_mut().unwrap().retain(|r| r.get("regex").is_none());
    let object = config.as_object_mut().unwrap();
    object.remove("storeRef");
    match store {
        Value::String(handle) => object.insert("storeRef".into(), Value::String(handle)),
        store => object.insert("store".into(), store),
    };
    config
}

fn store() -> Value {
    serde_json::from_str(&crate::governance_store()).unwrap()
}

fn http(method: &str, path: &str, user: &str, peer: &str, mfa: bool) -> Value {
    let mut headers = vec![json!(["x-auth-user", user]), json!(["x-request-id", "abi-1"])];
    if mfa {
        headers.push(json!(["x-auth-mfa", "true"]));
    }
    json!({"method": method, "path": path, "scheme": "https", "peer": peer, "headers": headers})
}

const NOW: Option<&str> = Some("2026-11-23T10:00:00Z");

#[test]
fn the_capability_the_minor_version_and_the_exports_agree() {
    let mut g = crate::guest();
    let version = g.version().unwrap().value();
    let capable = version["capabilities"].as_array().unwrap().iter().any(|c| c == "check-http");
    let (_, module) = compiled(Metering::Off);
    for (name, signature) in EXPORTS_GATEWAY_1_1 {
        let export = module.get_export(name);
        assert_eq!(export.is_some(), capable, "`{name}` exported: {}, capability: {capable}", export.is_some());
        if let Some(wasmtime::ExternType::Func(ty)) = export {
            let list = |types: &mut dyn Iterator<Item = wasmtime::ValType>| {
                types.map(|t| format!("{t}")).collect::<Vec<_>>().join(", ")
            };
            assert_eq!(format!("({}) -> {}", list(&mut ty.params()), list(&mut ty.results())), *signature);
        }
    }
    // Minor versions count additions in order; 1.1's are the gateway build's
    // alone, so both builds answer 2 and the capability tells them apart.
    assert_eq!(g.abi_minor().unwrap(), 2, "both builds are ABI 1.2");
    if !capable {
        println!("http: the module under test is the default build (no gateway exports); the other tests of this topic run on portcullis-gateway.wasm");
    }
}

#[test]
fn check_http_decides_the_governance_scenario() {
    let Some(mut gw) = gateway() else { return };
    let (handle, answer) = gw.load(&governance_config(store()).to_string());
    assert!(handle > 0, "{answer}");
    assert_eq!(answer["type"], "success");
    assert_eq!(answer["routes"], 11);

    let office = "203.0.113.7:1";
    let home = "198.51.100.9:1";
    for (request, decision, reason, sid, alerts) in [
        (
            http("POST", "/ecs/instances/staging-web-1/start", "alice", office, false),
            "Allow",
            "Allowed",
            "EditNonProd",
            json!([]),
        ),
        (
            http("DELETE", "/ecs/instances/prod-web-1", "bob", office, true),
            "Allow",
            "Allowed",
            "AdminOnlyWithMfa",
            json!([]),
        ),
        (
            http("DELETE", "/ecs/instances/prod-web-1", "bob", home, true),
            "Deny",
            "ExplicitDeny",
            "ProdDeletesOnlyFromOffice",
            json!([]),
        ),
        (
            http("DELETE", "/actiontrail/trails/main", "carol", office, false),
            "Deny",
            "ExplicitDeny",
            "ProtectAuditLogs",
            json!([]),
        ),
        (
            http("DELETE", "/rds/instances/prod-db-1", "erin", office, true),
            "Allow",
            "Allowed",
            "AdminOnlyWithMfa",
            json!(["break-glass"]),
        ),
    ] {
        let (status, record) = gw.check(handle, &request, NOW);
        assert_eq!(status, code::OK, "{record}");
        assert_eq!(record["decision"], decision, "{request}: {record}");
        assert_eq!(record["reason"], reason, "{request}: {record}");
        assert!(record["matched"].as_array().unwrap().iter().any(|m| m["sid"] == sid), "{record}");
        assert_eq!(record["alerts"], alerts);
        assert_eq!(record["requestId"], "abi-1");
    }
    // Refusals are Deny answers, not errors.
    let (status, record) = gw.check(handle, &http("GET", "/ecs/instances/%2e%2e", "alice", office, false), NOW);
    assert_eq!((status, record["reason"].as_str()), (code::OK, Some("BadRequest")));
    let (status, record) = gw.check(handle, &http("GET", "/nowhere", "alice", office, false), NOW);
    assert_eq!((status, record["reason"].as_str()), (code::OK, Some("UnmatchedRoute")));
    // The host's clock decides time-bound elevation.
    let delete = http("DELETE", "/ecs/instances/prod-web-1", "bob", office, true);
    assert_eq!(gw.check(handle, &delete, Some("2026-11-23T13:00:01Z")).1["reason"], "ImplicitDeny");
    assert_eq!(gw.check(handle, &delete, None).1["reason"], "ImplicitDeny", "no clock: no time-bound role");
    assert_eq!(gw.free.call(&mut gw.g.store, handle).unwrap(), code::OK);
    assert_eq!(gw.free.call(&mut gw.g.store, handle).unwrap(), code::BAD_HANDLE);
    assert_eq!(gw.check(handle, &delete, NOW).0, code::BAD_HANDLE);
}

#[test]
fn a_gateway_can_name_a_loaded_store_by_handle() {
    let Some(mut gw) = gateway() else { return };
    let store_handle = gw.g.load_ok(&crate::governance_store()).unwrap();
    let (handle, answer) = gw.load(&governance_config(json!(store_handle.to_string())).to_string());
    assert!(handle > 0, "{answer}");
    let request = http("POST", "/ecs/instances/staging-web-1/start", "alice", "203.0.113.7:1", false);
    assert_eq!(gw.check(handle, &request, NOW).1["decision"], "Allow");
    // The store is looked up at each call: once freed, the gateway says so.
    assert_eq!(gw.g.store_free(store_handle).unwrap(), code::OK);
    let (status, answer) = gw.check(handle, &request, NOW);
    assert_eq!(status, code::BAD_HANDLE, "{answer}");
    // A handle that is not a live store is refused at load.
    let (status, answer) = gw.load(&governance_config(json!("999")).to_string());
    assert_eq!(status, code::BAD_HANDLE, "{answer}");
    let (status, answer) = gw.load(&governance_config(json!("main")).to_string());
    assert_eq!(status, code::INVALID, "{answer}");
    assert_eq!(answer["errors"][0]["code"], "gateway-store-ref");
}

#[test]
fn bad_configurations_and_inputs_are_status_codes_with_diagnostics() {
    let Some(mut gw) = gateway() else { return };
    // Regex routes need regex-lite, which this no_std build leaves out.
    let mut config = governance_config(store());
    config["routes"].as_array_mut().unwrap().push(json!({"regex": "/x/(?P<a>.+)", "action": "s:A", "resource": "r"}));
    let (status, answer) = gw.load(&config.to_string());
    assert_eq!(status, code::INVALID);
    assert_eq!(answer["errors"][0]["code"], "gateway-regex-unavailable");
    assert_eq!(answer["errors"][0]["path"], "/routes/11/regex");
    let mut config = governance_config(store());
    config["routes"][0]["path"] = json!("/a/{b+}/c");
    let (status, answer) = gw.load(&config.to_string());
    assert_eq!(status, code::INVALID);
    assert_eq!(answer["errors"][0]["path"], "/routes/0/path");
    assert!(answer["errors"][0]["line"].as_u64().unwrap() > 0);
    let (status, answer) = gw.load("{");
    assert_eq!(status, code::BAD_JSON, "{answer}");

    let (handle, _) = gw.load(&governance_config(store()).to_string());
    let (status, answer) = gw.check(handle, &json!({"path": "/a"}), NOW);
    assert_eq!(status, code::INVALID, "{answer}");
    assert_eq!(answer["errors"][0]["code"], "invalid-http-request");
    let (status, _) = gw.check(handle, &json!({"method": "GET", "path": "/a", "headers": 3}), NOW);
    assert_eq!(status, code::INVALID);
    let (status, _) = gw.check(handle, &http("GET", "/a", "alice", "1.2.3.4", false), Some("yesterday"));
    assert_eq!(status, code::BAD_NOW);
    let status = gw.check.call(&mut gw.g.store, (handle, 8, 100, 0, 0)).unwrap();
    assert_eq!(status, code::BAD_POINTER);
    let status = gw.load.call(&mut gw.g.store, (-4, 100)).unwrap();
    assert_eq!(status, code::BAD_POINTER);
}

#[test]
fn ten_thousand_checks_do_not_grow_memory() {
    let Some(mut gw) = gateway() else { return };
    let (handle, _) = gw.load(&governance_config(store()).to_string());
    let requests = [
        http("POST", "/ecs/instances/staging-web-1/start", "alice", "203.0.113.7:1", false),
        http("DELETE", "/ecs/instances/prod-web-1", "bob", "198.51.100.9:1", true),
        http("GET", "/v1/buckets/b/objects/a/../b", "alice", "203.0.113.7:1", false),
        http("GET", "/nowhere", "mallory", "203.0.113.7:1", false),
    ];
    let run = |gw: &mut Gateway, n: usize| {
        for i in 0..n {
            assert_eq!(gw.check(handle, &requests[i % requests.len()], NOW).0, code::OK);
        }
    };
    run(&mut gw, 500);
    let after_warm_up = gw.g.memory_bytes();
    run(&mut gw, 10_000);
    assert_eq!(gw.g.memory_bytes(), after_warm_up, "memory grew over 10,000 checks");
}
