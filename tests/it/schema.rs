//! The committed SDL is the schema served.

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
