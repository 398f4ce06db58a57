//! What an operator sees, from outside the binary: an access-log line per
//! request with its request id, metrics for every request (refused ones
//! included), health, configuration errors with their exit codes.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use cam_tests::{TestDb, JWT_SECRET};
use serde_json::{json, Value};

use crate::process::Server;

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap()
}

/// The samples of one metric in Prometheus text: labels → value.
fn samples(text: &str, metric: &str) -> Vec<(HashMap<String, String>, f64)> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (name_labels, value) = l.rsplit_once(' ')?;
            let (name, labels) = match name_labels.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (name_labels, ""),
            };
            if name != metric {
                return None;
            }
            let labels = labels
                .split(',')
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
                .collect();
            Some((labels, value.parse().ok()?))
        })
        .collect()
}

fn count(text: &str, metric: &str, want: &[(&str, &str)]) -> f64 {
    samples(text, metric)
        .into_iter()
        .filter(|(l, _)| want.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, v)| v)
        .sum()
}

#[tokio::test]
async fn every_request_has_one_access_log_line_with_its_request_id_and_no_secret() {
    let db = TestDb::new().await;
    let mut s = Server::start_logged(&db.url, &[("CAM_LOG_FORMAT", "json"), ("RUST_LOG", "info")]).await;
    let http = client();
    let r = http
        .post(format!("{}/graphql", s.url))
        .header("x-request-id", "probe-42")
        .json(&json!({"query": "{ now }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "probe-42", "an incoming id is kept");
    let line = s.next_log(|l| l.contains("probe-42")).await;
    let log: Value = serde_json::from_str(&line).expect("one JSON object a line");
    assert_eq!(log["fields"]["message"], json!("request"), "{log}");
    assert_eq!(log["fields"]["status"], json!(200), "{log}");
    assert_eq!(log["fields"]["route"], json!("/graphql"), "{log}");
    assert_eq!(log["fields"]["operation"], json!("query.now"), "{log}");
    assert_eq!(log["fields"]["caller"], json!("anonymous"), "{log}");
    assert_eq!(log["span"]["request_id"], json!("probe-42"), "{log}");
    assert_eq!(log["level"], json!("INFO"), "{log}");
    // An id that is too long or not printable is replaced by a new one.
    let r = http.get(format!("{}/livez", s.url)).header("x-request-id", "x".repeat(65)).send().await.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(id.len() == 36 && id != "x".repeat(65), "{id}");
    s.next_log(|l| l.contains(&id)).await;
    // A token and an access link's token never reach the log.
    let bad_token = "eyJhbGciOiJIUzI1NiJ9.secret-looking.token";
    let r = http.post(format!("{}/graphql", s.url)).bearer_auth(bad_token).json(&json!({"query": "{ now }"})).send();
    assert_eq!(r.await.unwrap().status(), 401);
    let link = "link-token-that-must-stay-private";
    http.get(format!("{}/access/{link}", s.url)).send().await.unwrap();
    let line = s.next_log(|l| l.contains("/access/{token}")).await;
    let mut all = s.logged_so_far();
    all.push(line);
    assert!(all.iter().all(|l| !l.contains(bad_token) && !l.contains(link)), "{all:?}");
}

#[tokio::test]
async fn text_logs_carry_no_colour_codes_when_stderr_is_not_a_terminal() {
    let db = TestDb::new().await;
    let mut s = Server::start_logged(&db.url, &[("RUST_LOG", "info")]).await;
    client().get(format!("{}/livez", s.url)).header("x-request-id", "plain-1").send().await.unwrap();
    let line = s.next_log(|l| l.contains("plain-1")).await;
    assert!(!line.contains('\u{1b}'), "{line:?}");
    assert!(
        line.contains("status=200") && line.contains("route=\"/livez\"") || line.contains("route=/livez"),
        "{line}"
    );
}

#[tokio::test]
async fn refused_requests_are_counted_by_route_status_and_operation() {
    let db = TestDb::new().await;
    let s = Server::start(&db.url, &[]).await;
    let http = client();
    let gql = format!("{}/graphql", s.url);
    // 401, 405, 415, 400 (batch), 413, a guard refusal, and 40 client-chosen
    // operation names that must not become labels.
    http.post(&gql).bearer_auth("nope").json(&json!({"query": "{ now }"})).send().await.unwrap();
    http.get(&gql)
        .query(&[("query", "mutation { createUser(input:{email:\"a@b.co\", name:\"A\"}) { user { id } } }")])
        .send()
        .await
        .unwrap();
    http.post(&gql).header("content-type", "text/plain").body("{}").send().await.unwrap();
    http.post(&gql).json(&json!([{"query": "{ now }"}])).send().await.unwrap();
    // The server answers 413 before the body is all sent: the client may see
    // the connection close instead, so this one goes on a connection of its own.
    let _ =
        client().post(&gql).header("content-type", "application/json").body(vec![b' '; 2 * 1024 * 1024]).send().await;
    http.post(&gql).json(&json!({"query": "{ now"})).send().await.unwrap();
    for i in 0..40 {
        http.post(&gql).json(&json!({"query": format!("query Name{i} {{ now }}")})).send().await.unwrap();
    }
    let text = http.get(format!("{}/metrics", s.url)).send().await.unwrap().text().await.unwrap();
    let requests = "cam_http_requests_total";
    assert_eq!(count(&text, requests, &[("route", "/graphql"), ("status", "4xx")]), 5.0, "{text}");
    assert_eq!(
        count(&text, requests, &[("route", "/graphql"), ("status", "2xx"), ("operation", "other")]),
        1.0,
        "{text}"
    );
    assert_eq!(count(&text, requests, &[("operation", "query.now"), ("status", "2xx")]), 40.0, "{text}");
    assert!(!text.contains("Name1"), "{text}");
    assert_eq!(count(&text, "cam_build_info", &[]), 1.0, "{text}");
    assert!(!samples(&text, "cam_db_pool_connections").is_empty(), "{text}");
    assert!(!samples(&text, "cam_http_request_duration_seconds_bucket").is_empty(), "{text}");
    assert!(count(&text, "process_resident_memory_bytes", &[]) > 0.0, "{text}");
}

async fn run_cam(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_cam-under-test"));
    cmd.args(args).env("CAM_JWT_SECRET", JWT_SECRET).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(20), cmd.output()).await.expect("cam ends in time").unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn configuration_errors_are_found_before_anything_is_touched_and_have_their_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("never.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let (code, text) = run_cam(&["serve", "--listen", "notanaddress"], &[("CAM_DATABASE_URL", &url)]).await;
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("notanaddress"), "{text}");
    assert!(!file.exists(), "the database was touched before the address was checked");
    let (code, text) = run_cam(&["serve"], &[("CAM_DATABASE_URL", "mysql://root:pw@db/x")]).await;
    assert_eq!(code, 2, "{text}");
    assert!(!text.contains("pw@"), "{text}");
    let (code, text) = run_cam(&["serve", "--public-url", "cam.example"], &[("CAM_DATABASE_URL", &url)]).await;
    assert_eq!(code, 2, "{text}");
    // R50: an http:// issuer off loopback, an issuer without domains.
    for issuers in ["http://login.example.com cam-api agency.com", "https://login.example.com cam-api"] {
        let (code, text) = run_cam(&["serve"], &[("CAM_DATABASE_URL", &url), ("CAM_OIDC_ISSUERS", issuers)]).await;
        assert_eq!(code, 2, "{text}");
        assert!(text.contains("CAM_OIDC_ISSUERS"), "{text}");
    }
    // R52: a resolver that is no HOST:PORT.
    let (code, text) = run_cam(&["serve", "--dns-resolver", "nowhere"], &[("CAM_DATABASE_URL", &url)]).await;
    assert_eq!(code, 2, "{text}");
    assert!(!file.exists(), "the database was touched before the settings were checked");
    // Nothing listens on port 9: the database is unreachable. The message
    // names host and port, never the password, and says its cause once.
    let (code, text) = run_cam(
        &["serve", "--listen", "127.0.0.1:0"],
        &[("CAM_DATABASE_URL", "postgres://cam:hunter2@127.0.0.1:9/cam")],
    )
    .await;
    assert_eq!(code, 3, "{text}");
    assert!(text.contains("127.0.0.1:9") && !text.contains("hunter2"), "{text}");
    assert_eq!(text.matches("cannot reach the database").count(), 1, "{text}");
    assert!(text.to_lowercase().contains("refused"), "the cause, not only a timeout: {text}");
    let (code, text) = run_cam(&["--version"], &[]).await;
    assert_eq!(code, 0, "{text}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")) && text.contains("commit"), "{text}");
}

#[tokio::test]
async fn livez_and_readyz_answer() {
    let db = TestDb::new().await;
    let s = Server::start(&db.url, &[]).await;
    let http = client();
    for path in ["/livez", "/readyz", "/healthz"] {
        let r = http.get(format!("{}{path}", s.url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.text().await.unwrap(), "ok", "{path}");
    }
}
