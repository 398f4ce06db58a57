//! For browser apps: CORS (`CAM_CORS_ORIGINS`), automatic persisted queries
//! (Apollo's APQ), and the demo a frontend developer starts with.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use cam_api::http::{router, router_with, HttpOptions};
use cam_tests::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::process::Server;

async fn send(r: axum::Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let resp = r.oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn preflight(origin: &str) -> Request<Body> {
    Request::options("/graphql")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type, authorization")
        .body(Body::empty())
        .unwrap()
}

fn post_json(origin: Option<&str>, content_type: &str, body: Value) -> Request<Body> {
    let mut b = Request::post("/graphql").header(header::CONTENT_TYPE, content_type);
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

const APP: &str = "https://app.example";

#[tokio::test]
async fn browsers_on_configured_origins_may_call_and_others_may_not() {
    let t = TestApp::new().await;
    let options = HttpOptions { cors_origins: vec![HeaderValue::from_static(APP)] };
    let cors = || router_with(t.app.clone(), &options);

    let (status, headers, _) = send(cors(), preflight(APP)).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    let allowed = headers[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap().to_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"), "{allowed}");
    assert!(headers[header::ACCESS_CONTROL_ALLOW_METHODS].to_str().unwrap().contains("POST"));

    let (status, headers, body) =
        send(cors(), post_json(Some(APP), "application/json", json!({"query": "{ now }"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(body["data"]["now"].is_string(), "{body}");

    // Another origin gets no permission; the default is no origin at all.
    let (_, headers, _) = send(cors(), preflight("https://evil.example")).await;
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(), "{headers:?}");
    let (_, headers, _) = send(router(t.app.clone()), preflight(APP)).await;
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(), "{headers:?}");

    // CSRF posture unchanged, even from an allowed origin: no form bodies,
    // no mutation over GET.
    let form = Request::post("/graphql")
        .header(header::ORIGIN, APP)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(r#"{"query":"mutation { setTestClock(at: \"2030-01-01T00:00:00Z\") { now } }"}"#))
        .unwrap();
    assert_eq!(send(cors(), form).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let get = Request::get("/graphql?query=mutation%20%7B%20__typename%20%7D")
        .header(header::ORIGIN, APP)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(cors(), get).await.0, StatusCode::METHOD_NOT_ALLOWED);
}

fn sha256(q: &str) -> String {
    format!("{:x}", Sha256::digest(q.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({"persistedQuery": {"version": 1, "sha256Hash": hash}})
}

#[tokio::test]
async fn a_query_sent_by_hash_is_asked_for_once_then_runs_by_hash() {
    // Apollo's automatic persisted queries
    let t = TestApp::new().await;
    let query = "{ now }";
    let hash = sha256(query);
    let by_hash = || post_json(None, "application/json", json!({"extensions": persisted(&hash)}));

    let (status, _, body) = send(router(t.app.clone()), by_hash()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND");

    let full = post_json(None, "application/json", json!({"query": query, "extensions": persisted(&hash)}));
    let (_, _, body) = send(router(t.app.clone()), full).await;
    assert!(body["data"]["now"].is_string(), "{body}");

    let (_, _, body) = send(router(t.app.clone()), by_hash()).await;
    assert!(body["data"]["now"].is_string(), "now known by its hash: {body}");
    assert!(body["errors"].is_null(), "{body}");

    // Over GET too (Apollo's useGETForHashedQueries).
    let ext = serde_json::to_string(&persisted(&hash)).unwrap();
    let uri = format!("/graphql?extensions={}", urlencode(&ext));
    let (status, _, body) = send(router(t.app.clone()), Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["data"]["now"].is_string(), "{body}");
}

#[tokio::test]
async fn the_guard_checks_the_whole_document_of_a_persisted_query() {
    let t = TestApp::new().await;
    let fields: String = (0..60).map(|i| format!("a{i}: now ")).collect();
    let flood = format!("{{ {fields} }}");
    let hash = sha256(&flood);
    let full = post_json(None, "application/json", json!({"query": flood, "extensions": persisted(&hash)}));
    let (_, _, body) = send(router(t.app.clone()), full).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_LIMIT_EXCEEDED", "{body}");
    // Refused before it could be stored: its hash stays unknown.
    let by_hash = post_json(None, "application/json", json!({"extensions": persisted(&hash)}));
    let (_, _, body) = send(router(t.app.clone()), by_hash).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{body}");
}

#[tokio::test]
async fn a_document_sent_under_another_documents_hash_is_refused_and_not_stored() {
    // APQ: the hash must be the document's SHA-256; otherwise a client could
    // store a document under the hash of another.
    let t = TestApp::new().await;
    let hash = sha256("{ now }");
    let full = post_json(None, "application/json", json!({"query": "{ __typename }", "extensions": persisted(&hash)}));
    let (_, _, body) = send(router(t.app.clone()), full).await;
    assert_eq!(body["errors"][0]["message"], "provided sha does not match query", "{body}");
    assert!(body["data"].is_null(), "{body}");
    let by_hash = post_json(None, "application/json", json!({"extensions": persisted(&hash)}));
    let (_, _, body) = send(router(t.app.clone()), by_hash).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{body}");
    let version_2 = json!({"persistedQuery": {"version": 2, "sha256Hash": hash}});
    let (_, _, body) = send(
        router(t.app.clone()),
        post_json(None, "application/json", json!({"query": "{ now }", "extensions": version_2})),
    )
    .await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("version"), "{body}");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The demo's printed tokens, by the local part of each email.
fn tokens(s: &Server) -> std::collections::HashMap<String, String> {
    s.printed
        .iter()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            let email = parts.iter().position(|p| p.contains('@'))?;
            Some((parts[email].split('@').next()?.to_string(), parts.get(email + 1)?.to_string()))
        })
        .collect()
}

async fn gql(s: &Server, token: &str, query: &str) -> Value {
    crate::process::gql(&reqwest::Client::new(), s, token, query, json!({})).await
}

#[tokio::test]
async fn the_demo_shows_the_product_and_its_tokens_survive_a_restart() {
    let db = TestDb::new().await;
    let no_secret = [("CAM_JWT_SECRET", ""), ("CAM_OPERATOR_TOKEN", "")];
    let first = Server::start_with_args(&db.url, &no_secret, &["--demo"]).await;
    let printed = tokens(&first);
    assert!(first.printed.iter().any(|l| l.contains("/access/")), "a pending link: {:?}", first.printed);
    let ben = printed["ben"].clone();
    let clients = "{ viewer { partnerAccounts { name clients(first: 10) { nodes { displayName status } }
        employees(first: 10, filter: { status: [DEACTIVATED] }) { nodes { user { name } } } auditLog(first: 5) { totalCount } } } }";
    let seen = gql(&first, &ben, clients).await;
    let partner = &seen["data"]["viewer"]["partnerAccounts"][0];
    let statuses: Vec<&str> =
        partner["clients"]["nodes"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert!(statuses.len() >= 3 && statuses.contains(&"ENDING") && statuses.contains(&"ACTIVE"), "{seen}");
    assert_eq!(partner["employees"]["nodes"][0]["user"]["name"], "Eve Former-Employee", "{seen}");
    assert!(partner["auditLog"]["totalCount"].as_i64().unwrap() > 5, "{seen}");
    let operator = first
        .printed
        .iter()
        .find_map(|l| l.strip_prefix("Demo operator token: "))
        .expect("an operator token")
        .to_string();
    let outbox = gql(&first, &operator, "{ outbox(first: 10) { to subject } }").await;
    assert!(outbox["data"]["outbox"].as_array().unwrap().len() >= 3, "emails queued: {outbox}");
    drop(first);

    // The same demo database, started again: the same tokens still work.
    let again = Server::start_with_args(&db.url, &no_secret, &["--demo"]).await;
    let seen_again = gql(&again, &ben, clients).await;
    assert_eq!(seen_again, seen, "the printed token still signs Ben in");
    assert_eq!(tokens(&again)["ben"].len(), ben.len());
    let outbox = gql(&again, &operator, "{ outbox(first: 1) { to } }").await;
    assert!(outbox["errors"].is_null(), "the operator token too: {outbox}");
}
