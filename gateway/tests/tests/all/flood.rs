//! Memory stays flat: 100,000 requests (the governance mix: allows, denies,
//! refusals, break-glass alerts, a reconfiguration now and then) grow the
//! VM's memory not at all after a warm-up.

use portcullis_gateway_tests::{action, Filter, Request};

fn mix() -> Vec<Request> {
    let user = |m: &str, p: &str, u: &str| Request::new(m, p).header("x-auth-user", u).header("x-request-id", "flood");
    vec![
        user("POST", "/ecs/instances/staging-web-1/start", "alice"),
        user("GET", "/ecs/instances/prod-web-1", "bob"),
        user("DELETE", "/ecs/instances/prod-web-1", "bob").header("x-auth-mfa", "true").peer(Some("198.51.100.9:1")),
        user("DELETE", "/rds/instances/prod-db-1", "erin").header("x-auth-mfa", "true"),
        user("GET", "/v1/buckets/staging-a/objects/k/e/y?x=1", "alice"),
        user("POST", "/bss/PayOrder", "dave"),
        user("GET", "/unknown", "alice"),
        user("GET", "/ecs/instances/%2e%2e", "alice"),
        Request::new("GET", "/ecs/instances/prod-web-1"),
        user("GET", "/actiontrail/trails/main/events", "carol")
            .header("x-forwarded-for", "203.0.113.9, 10.1.1.1")
            .peer(Some("10.0.0.2:9")),
    ]
}

#[test]
fn a_hundred_thousand_requests_do_not_grow_memory() {
    let mut filter = crate::governance_filter();
    let requests = mix();
    let config = crate::governance_inline().to_string();
    let run = |filter: &mut Filter, from: usize, to: usize| {
        let (mut passed, mut denied) = (0usize, 0usize);
        for i in from..to {
            let exchange = filter.request(&requests[i % requests.len()]).unwrap();
            match exchange.action {
                action::CONTINUE => passed += 1,
                _ => denied += 1,
            }
            assert_eq!(exchange.logs.len(), 1, "one audit line per request");
            if i % 10_000 == 9_999 {
                // Hot reload now and then: the same configuration again.
                assert!(filter.configure(config.as_bytes()).unwrap());
                filter.take_logs();
            }
        }
        (passed, denied)
    };
    // The warm-up includes one reconfiguration (at request 9,999).
    let warm_up = 10_000;
    let (passed, denied) = run(&mut filter, 0, warm_up);
    assert!(passed > 0 && denied > 0, "the mix allows and denies ({passed} / {denied})");
    let after_warm_up = filter.memory_bytes();
    let started = std::time::Instant::now();
    run(&mut filter, warm_up, 100_000);
    let elapsed = started.elapsed();
    assert_eq!(filter.memory_bytes(), after_warm_up, "memory grew over 100,000 requests");
    println!(
        "flood: 100,000 requests, VM memory {} KiB throughout, {:.1} us per request (whole stream, metered engine)",
        after_warm_up / 1024,
        elapsed.as_secs_f64() * 1e6 / (100_000 - warm_up) as f64
    );
}
