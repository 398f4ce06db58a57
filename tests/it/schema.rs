//! The committed SDL is the schema served; introspection can be turned off.

use cam_tests::*;
use serde_json::json;

#[test]
fn the_committed_schema_graphql_matches_the_served_schema() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql"))
        .expect("schema.graphql at the root");
    let served = cam_api::graphql::sdl();
    if committed != served {
        let first = committed.lines().zip(served.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "schema.graphql differs from the served schema near line {}: run `cargo run -p cam-api --bin cam -- schema > schema.graphql` and review the diff",
            first + 1
        );
    }
}

#[tokio::test]
async fn a_deployment_can_turn_introspection_and_suggestions_off() {
    // Issue 26: a production server that does not publish its schema.
    let typo = "{ viewr { __typename } }";
    let introspect = "{ __schema { queryType { name } } }";
    let on = TestApp::new().await;
    let d = on.ok(&As::Anonymous, introspect, json!({})).await;
    assert_eq!(d["__schema"]["queryType"]["name"], "Query");
    let r = on.exec(&As::Anonymous, typo, json!({})).await;
    assert!(r.to_string().contains("Did you mean"), "on by default: {r}");

    let off = TestApp::with_settings(|s| s.introspection = false).await;
    let r = off.exec(&As::Anonymous, introspect, json!({})).await;
    assert!(r["data"].is_null() || r["data"]["__schema"].is_null(), "no schema: {r}");
    assert!(!r.to_string().contains("\"Query\""), "{r}");
    let r = off.exec(&As::Anonymous, typo, json!({})).await;
    assert!(r["errors"][0]["message"].is_string() && !r.to_string().contains("Did you mean"), "no suggestion: {r}");
    let d = off.ok(&As::Anonymous, "{ now }", json!({})).await;
    assert!(d["now"].is_string(), "everything else answers: {d}");
}
