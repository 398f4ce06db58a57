//! What a stranger sends cannot hurt the server: documents nested to
//! overflow a stack, fragment bombs, alias floods, slow and stuck clients.
//! Black-box, against the real binary; each request has a bounded time (the
//! client's timeout), so a server that burns seconds fails the test instead
//! of hanging it.

use std::time::Duration;

use cam_tests::TestDb;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::process::Server;

/// The bound on every request of these tests.
const BOUND: Duration = Duration::from_secs(5);

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(BOUND).build().unwrap()
}

async fn post(http: &reqwest::Client, s: &Server, body: Value) -> (u16, Value) {
    let r = http.post(format!("{}/graphql", s.url)).json(&body).send().await.expect("an answer in time");
    let status = r.status().as_u16();
    (status, r.json().await.expect("json"))
}

fn code(r: &Value) -> &str {
    r["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

async fn still_answers(http: &reqwest::Client, s: &Server) {
    let (status, r) = post(http, s, json!({"query": "{ now }"})).await;
    assert_eq!(status, 200, "{r}");
    assert!(r["data"]["now"].is_string(), "{r}");
}

fn nested(open: &str, close: &str, n: usize) -> String {
    format!("{}1{}", open.repeat(n), close.repeat(n))
}

#[tokio::test]
async fn documents_nested_to_overflow_a_stack_are_refused_and_the_server_lives() {
    let db = TestDb::new().await;
    let s = Server::start(&db.url, &[]).await;
    let http = client();
    let bombs = [
        json!({"query": format!("{{ now(x: {}) }}", nested("[", "]", 1_600))}),
        json!({"query": format!("query($v: Int = {}) {{ now }}", nested("[", "]", 1_600))}),
        json!({"query": format!("{{ now @include(if: {}) }}", nested("[", "]", 1_600))}),
        json!({"query": format!("{{ now(x: {}) }}", nested("{a:", "}", 5_000))}),
        json!({"query": "query($v: Int) { now }", "variables": {"v": serde_json::from_str::<Value>(&nested("[", "]", 100)).unwrap()}}),
    ];
    for bomb in bombs {
        let (status, r) = post(&http, &s, bomb).await;
        assert_eq!(status, 200, "{r}");
        assert_eq!(code(&r), "QUERY_LIMIT_EXCEEDED", "{r}");
        assert!(r.get("data").is_none(), "refused before execution: no data key: {r}");
    }
    let q = format!("{{ now(x: {}) }}", nested("[", "]", 1_600));
    let r = http.get(format!("{}/graphql", s.url)).query(&[("query", q)]).send().await.expect("an answer in time");
    let r: Value = r.json().await.unwrap();
    assert_eq!(code(&r), "QUERY_LIMIT_EXCEEDED", "{r}");
    still_answers(&http, &s).await;
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_without_burning_seconds() {
    let db = TestDb::new().await;
    let s = Server::start(&db.url, &[]).await;
    let mut q = String::from("query { ...F0 }\n");
    for i in 0..25 {
        q.push_str(&format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i + 1, i + 1));
    }
    q.push_str("fragment F25 on Query { now }\n");
    let http = client();
    // Two at once: before the guard, each took 10 s of CPU.
    let (a, b) = tokio::join!(post(&http, &s, json!({"query": q})), post(&http, &s, json!({"query": q})));
    for (_, r) in [a, b] {
        assert_eq!(code(&r), "QUERY_LIMIT_EXCEEDED", "{r}");
    }
    still_answers(&http, &s).await;
}

#[tokio::test]
async fn alias_floods_are_refused_and_memory_returns() {
    let db = TestDb::new().await;
    let s = Server::start(&db.url, &[]).await;
    let http = client();
    still_answers(&http, &s).await;
    let before = s.rss_kib();
    let flood: String =
        (0..16_000).map(|i| format!("a{i}: accessLinkPreview(token: \"x{i}\") {{ problem }} ")).collect();
    let small: String = (0..60).map(|i| format!("a{i}: accessLinkPreview(token: \"x{i}\") {{ problem }} ")).collect();
    let floods = (0..8).map(|_| post(&http, &s, json!({"query": format!("{{ {flood} }}")})));
    for (_, r) in futures::future::join_all(floods).await {
        assert_eq!(code(&r), "QUERY_LIMIT_EXCEEDED", "{r}");
    }
    let (_, r) = post(&http, &s, json!({"query": format!("{{ {small} }}")})).await;
    assert_eq!(code(&r), "QUERY_LIMIT_EXCEEDED", "{r}");
    still_answers(&http, &s).await;
    let after = s.rss_kib();
    assert!(after < before + 64 * 1024, "resident memory grew from {before} KiB to {after} KiB");
}

/// Reads until the server closes the connection; returns what it sent.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    tokio::time::timeout(BOUND, stream.read_to_end(&mut buf))
        .await
        .expect("the server closed the connection in time")
        .ok();
    buf
}

#[tokio::test]
async fn half_sent_requests_and_idle_connections_are_closed() {
    let db = TestDb::new().await;
    let s = Server::start(&db.url, &[("CAM_HEADER_TIMEOUT", "1"), ("CAM_BODY_TIMEOUT", "1")]).await;
    // Half the headers, then nothing.
    let mut half = TcpStream::connect(&s.addr).await.unwrap();
    half.write_all(b"POST /graphql HTTP/1.1\r\nHost: cam\r\nContent-Type: app").await.unwrap();
    read_until_closed(&mut half).await;
    // All the headers, part of the body.
    let mut slow = TcpStream::connect(&s.addr).await.unwrap();
    slow.write_all(
        b"POST /graphql HTTP/1.1\r\nHost: cam\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"qu",
    )
    .await
    .unwrap();
    let answer = String::from_utf8_lossy(&read_until_closed(&mut slow).await).to_string();
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 4"), "{answer}");
    // A whole request, then an idle keep-alive connection.
    let mut idle = TcpStream::connect(&s.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: cam\r\n\r\n").await.unwrap();
    let answer = String::from_utf8_lossy(&read_until_closed(&mut idle).await).to_string();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let http = client();
    still_answers(&http, &s).await;
}

#[tokio::test]
async fn a_stuck_client_does_not_keep_the_server_from_exiting_after_sigterm() {
    let db = TestDb::new().await;
    let mut s = Server::start(&db.url, &[("CAM_HEADER_TIMEOUT", "600"), ("CAM_DRAIN_TIMEOUT", "0.5")]).await;
    let mut stuck = TcpStream::connect(&s.addr).await.unwrap();
    stuck.write_all(b"POST /graphql HTTP/1.1\r\nHost: cam\r\nContent-Length: 100\r\n\r\n{").await.unwrap();
    still_answers(&client(), &s).await;
    let killed = std::process::Command::new("kill").args(["-TERM", &s.pid().to_string()]).status().unwrap();
    assert!(killed.success());
    let exit = tokio::time::timeout(BOUND, s.child.wait()).await.expect("the server exited in time").unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn a_held_lock_makes_requests_fail_fast_as_retryable_and_changes_nothing() {
    use sea_orm::{ConnectionTrait, DatabaseBackend, TransactionTrait};
    let db = TestDb::new().await;
    let s = Server::start(&db.url, &[("CAM_DB_LOCK_TIMEOUT", "0.3"), ("CAM_DB_ACQUIRE_TIMEOUT", "0.5")]).await;
    let http = client();
    let create = |email: &str| {
        json!({"query": "mutation($e: String!){ createUser(input:{email:$e, name:\"N\"}){ user{ email } userErrors{ code } } }",
               "variables": {"e": email}})
    };
    let send =
        |body: Value| http.post(format!("{}/graphql", s.url)).bearer_auth(cam_tests::OPERATOR_TOKEN).json(&body).send();
    // Another session holds the lock every write needs.
    let holder = sea_orm::Database::connect(&db.url).await.unwrap();
    let tx = holder.begin().await.unwrap();
    let lock = match tx.get_database_backend() {
        DatabaseBackend::Sqlite => "UPDATE write_lock SET counter = counter + 1 WHERE id = 1",
        _ => "LOCK TABLE users IN ACCESS EXCLUSIVE MODE",
    };
    tx.execute_unprepared(lock).await.unwrap();
    let r = send(create("busy@agency.com")).await.expect("an answer in time");
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    let body: Value = r.json().await.unwrap();
    assert_eq!(code(&body), "SERVICE_UNAVAILABLE", "{body}");
    tx.rollback().await.unwrap();
    // Once the lock is gone the same request succeeds, and the refused one
    // left nothing behind.
    let r: Value = send(create("free@agency.com")).await.unwrap().json().await.unwrap();
    assert_eq!(r["data"]["createUser"]["user"]["email"], json!("free@agency.com"), "{r}");
    let r: Value = send(create("busy@agency.com")).await.unwrap().json().await.unwrap();
    assert_eq!(r["data"]["createUser"]["user"]["email"], json!("busy@agency.com"), "created once, now: {r}");
}
