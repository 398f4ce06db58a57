//! Starting `cam serve`: every setting is checked before the database is
//! touched, and `--demo` prints a pending access link on every start.

use std::process::Command;

use cam_tests::*;
use serde_json::json;

use crate::process::Server;

#[test]
fn a_bad_setting_is_reported_before_the_database_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let out = Command::new(env!("CARGO_BIN_EXE_cam-under-test"))
        .arg("serve")
        .env("CAM_DATABASE_URL", format!("sqlite://{}?mode=rwc", db.display()))
        .env("CAM_LISTEN", "127.0.0.1:0")
        .env("CAM_CORS_ORIGINS", "https://app.example, ftp://files.example/")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();

    assert_eq!(out.status.code(), Some(2), "a wrong setting: exit 2");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("CAM_CORS_ORIGINS") && said.contains("ftp://files.example/"), "{said}");
    assert!(!db.exists(), "the database was neither created nor migrated");
}

fn pending_link(s: &Server) -> String {
    s.printed
        .iter()
        .find_map(|l| l.contains("pending access link").then(|| l.rsplit(' ').next().unwrap().to_string()))
        .unwrap_or_else(|| panic!("no pending link printed: {:?}", s.printed))
}

fn token_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

async fn state(s: &Server, url: &str) -> String {
    // Anyone holding the token, signed in or not (R9).
    let query = "query($t: String!){ accessLinkPreview(token:$t){ state } }";
    let r: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .json(&json!({"query": query, "variables": {"t": token_of(url)}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["data"]["accessLinkPreview"]["state"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn the_demo_prints_a_pending_link_on_every_start() {
    let db = TestDb::new().await;
    let no_secret = [("CAM_JWT_SECRET", ""), ("CAM_OPERATOR_TOKEN", "")];
    let first = Server::start_with_args(&db.url, &no_secret, &["--demo"]).await;
    let link = pending_link(&first);
    assert!(link.starts_with(&first.url), "{link} on {}", first.url);
    let ben = first
        .printed
        .iter()
        .find(|l| l.contains("ben@northwind-agency.example"))
        .and_then(|l| l.split_whitespace().last())
        .unwrap()
        .to_string();
    drop(first);

    // Started again: the same link, still pending, at the new address.
    let again = Server::start_with_args(&db.url, &no_secret, &["--demo"]).await;
    let same = pending_link(&again);
    assert_eq!(token_of(&same), token_of(&link));
    assert!(same.starts_with(&again.url), "{same}");
    assert_eq!(state(&again, &same).await, "ACTIVE");

    // Once it can no longer be approved, the next start makes a fresh one.
    let http = reqwest::Client::new();
    let partner = crate::process::gql(&http, &again, &ben, "{ viewer { partnerAccounts { id } } }", json!({})).await;
    let made = crate::process::gql(
        &http,
        &again,
        &ben,
        "mutation($p: ID!){ createAccessLink(input:{ partnerAccountId: $p }){ userErrors{ code } } }",
        json!({"p": partner["data"]["viewer"]["partnerAccounts"][0]["id"]}),
    )
    .await;
    assert!(made["errors"].is_null(), "{made}");
    assert_eq!(state(&again, &same).await, "REVOKED");
    drop(again);
    let third = Server::start_with_args(&db.url, &no_secret, &["--demo"]).await;
    let fresh = pending_link(&third);
    assert_ne!(token_of(&fresh), token_of(&link));
    assert_eq!(state(&third, &fresh).await, "ACTIVE");
}
