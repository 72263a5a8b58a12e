//! Path templates and request paths: captures, greedy segments,
//! percent-encoding (decoded once; encoded `/` and dot segments),
//! trailing slashes, query strings, unmatched routes.

use portcullis_gateway::{Refusal, RequestPath};
use serde_json::json;

use crate::{resource, small, Http};

fn oss(allow_encoded_slash: bool) -> (portcullis_gateway::Gateway, portcullis_core::Store) {
    small(json!({"routes": [
        {"method": ["GET", "HEAD"], "path": "/v1/buckets/{bucket}/objects/{key+}", "action": "oss:GetObject",
         "resource": "acs:oss:*:${account}:${bucket}/${key}", "allowEncodedSlash": allow_encoded_slash},
        {"method": "GET", "path": "/v1/buckets/{bucket}", "action": "oss:GetBucketInfo",
         "resource": "acs:oss:*:${account}:${bucket}"},
        {"method": "GET", "path": "/v1/buckets", "action": "oss:ListBuckets", "resource": "acs:oss:*:${account}:*"},
        {"method": "GET", "path": "/", "action": "oss:GetService", "resource": "*"}
    ]}))
}

fn get(path: &str) -> Http {
    Http::new("GET", path).user("alice")
}

#[test]
fn templates_capture_segments_and_fill_the_resource() {
    let (g, s) = oss(false);
    let outcome = get("/v1/buckets/photos/objects/2026/cat.jpg").check(&g, &s);
    assert!(outcome.allowed());
    let request = outcome.request.as_ref().unwrap();
    assert_eq!(request.action(), "oss:GetObject");
    assert_eq!(request.resource(), "acs:oss:*:1234567890123456:photos/2026/cat.jpg");
    assert_eq!(request.principal(), "user/alice");
    assert_eq!(resource(&get("/v1/buckets/photos").check(&g, &s)), "acs:oss:*:1234567890123456:photos");
    assert_eq!(resource(&get("/v1/buckets").check(&g, &s)), "acs:oss:*:1234567890123456:*");
    assert_eq!(resource(&get("/").check(&g, &s)), "*");
}

#[test]
fn greedy_segments_take_the_rest_and_need_one() {
    let (g, s) = oss(false);
    assert_eq!(resource(&get("/v1/buckets/b/objects/k").check(&g, &s)), "acs:oss:*:1234567890123456:b/k");
    assert_eq!(resource(&get("/v1/buckets/b/objects/a/b/c/d").check(&g, &s)), "acs:oss:*:1234567890123456:b/a/b/c/d");
    // Nothing after `objects`: the greedy capture needs at least one segment.
    assert_eq!(resource(&get("/v1/buckets/b/objects").check(&g, &s)), "refused: UnmatchedRoute");
    assert_eq!(resource(&get("/v1/buckets/b/objects/").check(&g, &s)), "refused: UnmatchedRoute");
    // Empty inner segments stay as they are in an object key.
    assert_eq!(resource(&get("/v1/buckets/b/objects/a//b").check(&g, &s)), "acs:oss:*:1234567890123456:b/a//b");
}

#[test]
fn methods_are_matched_exactly() {
    let (g, s) = oss(false);
    assert!(Http::new("HEAD", "/v1/buckets/b/objects/k").user("alice").check(&g, &s).allowed());
    assert_eq!(Http::new("DELETE", "/v1/buckets/b/objects/k").user("alice").check(&g, &s).reason(), "UnmatchedRoute");
    assert_eq!(Http::new("get", "/v1/buckets/b").user("alice").check(&g, &s).reason(), "UnmatchedRoute");
}

#[test]
fn percent_encoding_is_decoded_once() {
    let (g, s) = oss(false);
    assert_eq!(
        resource(&get("/v1/buckets/b/objects/caf%C3%A9%20menu.txt").check(&g, &s)),
        "acs:oss:*:1234567890123456:b/café menu.txt"
    );
    // `%25` is a `%`: `%252F` decodes to the text `%2F`, not to a slash.
    assert_eq!(resource(&get("/v1/buckets/b/objects/a%252Fb").check(&g, &s)), "acs:oss:*:1234567890123456:b/a%2Fb");
    // Literal segments are compared decoded.
    assert_eq!(resource(&get("/v1/%62uckets/b").check(&g, &s)), "acs:oss:*:1234567890123456:b");
}

#[test]
fn an_encoded_slash_is_refused_unless_the_route_allows_it() {
    let (g, s) = oss(false);
    let outcome = get("/v1/buckets/a%2Fb/objects/k").check(&g, &s);
    assert_eq!(outcome.refusal, Some(Refusal::EncodedSlash));
    assert!(!outcome.allowed());
    assert_eq!(get("/v1/buckets/b/objects/x%2f..%2fy").check(&g, &s).refusal, Some(Refusal::EncodedSlash));
    // A route that allows it gets the decoded value.
    let (g, s) = oss(true);
    assert_eq!(resource(&get("/v1/buckets/b/objects/dir%2Fk").check(&g, &s)), "acs:oss:*:1234567890123456:b/dir/k");
    // Only for its own captures: the bucket route does not allow it.
    assert_eq!(get("/v1/buckets/a%2Fb").check(&g, &s).refusal, Some(Refusal::EncodedSlash));
}

#[test]
fn dot_segments_bad_escapes_and_control_characters_are_refused() {
    let (g, s) = oss(false);
    for (path, refusal) in [
        ("/v1/buckets/b/objects/public/../secret", Refusal::DotSegment),
        ("/v1/buckets/b/objects/./k", Refusal::DotSegment),
        ("/v1/buckets/b/objects/public/%2e%2e/secret", Refusal::DotSegment),
        ("/v1/buckets/b/objects/%2E", Refusal::DotSegment),
        ("/v1/buckets/b/objects/k%", Refusal::BadEscape),
        ("/v1/buckets/b/objects/k%4", Refusal::BadEscape),
        ("/v1/buckets/b/objects/k%zz", Refusal::BadEscape),
        ("/v1/buckets/b/objects/%C3%28", Refusal::BadEscape),
        ("/v1/buckets/b/objects/a%00b", Refusal::ControlCharacter),
        ("/v1/buckets/b/objects/a%0Ab", Refusal::ControlCharacter),
        ("v1/buckets/b", Refusal::PathNotAbsolute),
        ("*", Refusal::PathNotAbsolute),
        ("http://example.com/v1/buckets/b", Refusal::PathNotAbsolute),
    ] {
        let outcome = get(path).check(&g, &s);
        assert_eq!(outcome.refusal, Some(refusal), "{path}");
        assert_eq!(outcome.reason(), "BadRequest", "{path}");
        assert!(!outcome.allowed());
    }
    // `..` inside a longer name is just text.
    assert_eq!(resource(&get("/v1/buckets/b/objects/a..b").check(&g, &s)), "acs:oss:*:1234567890123456:b/a..b");
    let long = format!("/v1/buckets/b/objects/{}", "x/".repeat(300));
    assert_eq!(get(&long).check(&g, &s).refusal, Some(Refusal::PathTooLong));
}

#[test]
fn trailing_slashes_do_not_matter_except_in_greedy_captures() {
    let (g, s) = oss(false);
    assert_eq!(resource(&get("/v1/buckets/photos/").check(&g, &s)), "acs:oss:*:1234567890123456:photos");
    assert_eq!(resource(&get("/v1/buckets/").check(&g, &s)), "acs:oss:*:1234567890123456:*");
    // `dir/` is its own object key.
    assert_eq!(resource(&get("/v1/buckets/b/objects/dir/").check(&g, &s)), "acs:oss:*:1234567890123456:b/dir/");
    // A template written with a trailing slash is the same template.
    let (g, s) = small(json!({"routes": [{"path": "/a/{x}/", "action": "s:A", "resource": "r/${x}"}]}));
    assert_eq!(resource(&get("/a/1").check(&g, &s)), "r/1");
    assert_eq!(resource(&get("/a/1/").check(&g, &s)), "r/1");
}

#[test]
fn query_strings_and_fragments_are_ignored() {
    let (g, s) = oss(false);
    assert_eq!(
        resource(&get("/v1/buckets/b/objects/k?versionId=3&x=/../y").check(&g, &s)),
        "acs:oss:*:1234567890123456:b/k"
    );
    assert_eq!(resource(&get("/v1/buckets/b?acl").check(&g, &s)), "acs:oss:*:1234567890123456:b");
    assert_eq!(resource(&get("/v1/buckets/b#top").check(&g, &s)), "acs:oss:*:1234567890123456:b");
    assert_eq!(resource(&get("/v1/buckets/?").check(&g, &s)), "acs:oss:*:1234567890123456:*");
}

#[test]
fn unmatched_routes_are_denied_by_default_and_allowed_when_configured() {
    let (g, s) = oss(false);
    let outcome = get("/v2/other").check(&g, &s);
    assert!(!outcome.allowed());
    assert_eq!(outcome.refusal, Some(Refusal::Unmatched));
    assert_eq!(outcome.reason(), "UnmatchedRoute");
    assert!(outcome.request.is_none());

    let (g, s) = small(json!({"unmatched": "allow",
        "routes": [{"method": "DELETE", "path": "/admin/{x+}", "action": "admin:Delete", "resource": "*"}]}));
    let outcome = get("/v2/other").check(&g, &s);
    assert!(outcome.allowed());
    assert_eq!(outcome.reason(), "UnmatchedRoute");
    // A matched route is still decided (bob is not in the store).
    let outcome = Http::new("DELETE", "/admin/x").user("bob").check(&g, &s);
    assert!(!outcome.allowed());
    assert_eq!(outcome.reason(), "ImplicitDeny");
}

#[test]
fn routes_are_tried_in_order() {
    let (g, s) = small(json!({"routes": [
        {"method": "GET", "path": "/items/special", "action": "shop:GetSpecial", "resource": "special"},
        {"method": "GET", "path": "/items/{id}", "action": "shop:GetItem", "resource": "item/${id}"}
    ]}));
    assert_eq!(get("/items/special").check(&g, &s).request.unwrap().action(), "shop:GetSpecial");
    assert_eq!(get("/items/7").check(&g, &s).request.unwrap().action(), "shop:GetItem");
}

#[test]
fn regex_routes_see_the_decoded_path_and_fill_the_action() {
    let (g, s) = small(json!({"routes": [
        {"method": "POST", "regex": "/rpc/(?P<service>[a-z]+)/(?P<op>[A-Za-z]+)",
         "action": "${service}:${op}", "resource": "acs:${service}:*:${account}:*"},
        {"regex": "/files/(?P<name>.+)\\.txt", "action": "fs:Read", "resource": "file/${name}"}
    ]}));
    let outcome = Http::new("POST", "/rpc/ecs/DescribeInstances?RegionId=x").user("alice").check(&g, &s);
    let request = outcome.request.unwrap();
    assert_eq!(request.action(), "ecs:DescribeInstances");
    assert_eq!(request.resource(), "acs:ecs:*:1234567890123456:*");
    // Anchored: the whole path must match.
    assert_eq!(Http::new("POST", "/x/rpc/ecs/A").user("alice").check(&g, &s).reason(), "UnmatchedRoute");
    assert_eq!(resource(&get("/files/a%20b.txt").check(&g, &s)), "file/a b");
    assert_eq!(get("/files/a%2Fb.txt").check(&g, &s).refusal, Some(Refusal::EncodedSlash));
    assert_eq!(resource(&get("/files/a/b.txt").check(&g, &s)), "file/a/b");
}

#[test]
fn captured_values_cannot_change_the_action_or_the_arn_head() {
    let (g, s) = small(json!({"routes": [
        {"method": "POST", "path": "/rpc/{service}/{op}", "action": "${service}:${op}", "resource": "*"},
        {"method": "GET", "path": "/regions/{region}/instances/{id}", "action": "ecs:DescribeInstances",
         "resource": "acs:ecs:${region}:${account}:instance/${id}"}
    ]}));
    let post = |path: &str| Http::new("POST", path).user("alice").check(&g, &s);
    assert!(post("/rpc/ecs/StartInstance").allowed());
    for bad in ["/rpc/ecs/Start*", "/rpc/ecs/Start%3AStop", "/rpc/ecs/a%20b", "/rpc/e%3Acs/x"] {
        assert_eq!(post(bad).refusal, Some(Refusal::BadCapture), "{bad}");
    }
    // A `:` in the region would shift the account part.
    assert_eq!(get("/regions/cn-hangzhou%3A999/instances/i-1").check(&g, &s).refusal, Some(Refusal::BadCapture));
    // In the resource part a `:` is ordinary text.
    assert_eq!(
        resource(&get("/regions/cn-hangzhou/instances/i:1").check(&g, &s)),
        "acs:ecs:cn-hangzhou:1234567890123456:instance/i:1"
    );
}

#[test]
fn request_paths_split_and_decode() {
    let path = RequestPath::parse("/a/b%20c/").unwrap();
    assert_eq!(path.segments.len(), 2);
    assert_eq!(path.segments[1].text, "b c");
    assert!(path.trailing_slash);
    assert_eq!(path.decoded(), "/a/b c/");
    assert_eq!(RequestPath::parse("/").unwrap().decoded(), "/");
    assert!(RequestPath::parse("/x%2Fy").unwrap().has_encoded_slash());
}
