//! HTTP: GraphQL over HTTP and its defences, the offline playground,
//! health and metrics (RUNNING.md).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cam_tests::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

async fn send(t: &TestApp, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let resp = cam_api::http::router(t.app.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

fn post(body: impl Into<Body>, content_type: &str, token: Option<&str>) -> Request<Body> {
    let mut b =
        Request::post("/graphql").header(header::CONTENT_TYPE, content_type).header(header::ACCEPT, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(body.into()).unwrap()
}

fn json_body(b: &[u8]) -> Value {
    serde_json::from_slice(b).unwrap()
}

const CREATE_USER: &str = r#"mutation { createUser(input: {email: "csrf@victim.com", name: "C"}) { user { id } } }"#;

#[tokio::test]
async fn form_and_text_bodies_cannot_act() {
    // CSRF: only application/json bodies run.
    let t = TestApp::new().await;
    for ct in ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"] {
        let body = json!({"query": CREATE_USER}).to_string();
        let (status, _, _) = send(&t, post(body, ct, Some(OPERATOR_TOKEN))).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
    }
    assert_eq!(t.count("users").await, 0);
}

#[tokio::test]
async fn mutations_never_run_over_get() {
    let t = TestApp::new().await;
    let uri = format!("/graphql?query={}", urlencode(CREATE_USER));
    let req = Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {OPERATOR_TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(&t, req).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers[header::ALLOW], "POST");
    assert_eq!(t.count("users").await, 0);
    // Queries do run over GET.
    let req = Request::get(format!("/graphql?query={}", urlencode("{ now }"))).body(Body::empty()).unwrap();
    let (status, _, body) = send(&t, req).await;
    assert_eq!(status, StatusCode::OK);
    assert!(json_body(&body)["data"]["now"].is_string());
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn a_get_request_runs_the_operation_it_names_with_its_variables() {
    // GraphQL over HTTP: `operationName` and `variables` in the query string
    // (async-graphql-axum's reader alone knows only `operation_name`).
    let t = TestApp::new().await;
    let doc = "query A { now } query B($id: ID!) { node(id: $id) { id } }";
    let uri = format!(
        "/graphql?query={}&operationName=B&variables={}",
        urlencode(doc),
        urlencode(r#"{"id": "VXNlcjo5OTk"}"#)
    );
    let req = Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {OPERATOR_TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&t, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json_body(&body), json!({"data": {"node": null}}), "ran B, not A, with its variable");
    let uri = format!("/graphql?query={}&variables=%7Bnot-json", urlencode("{ now }"));
    let (status, _, body) = send(&t, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        json_body(&body)["errors"][0]["extensions"]["code"],
        "BAD_REQUEST",
        "{}",
        String::from_utf8_lossy(&body)
    );
}

#[tokio::test]
async fn batched_requests_are_refused() {
    let t = TestApp::new().await;
    let body = json!([{"query": "{ now }"}, {"query": "{ now }"}]).to_string();
    let (status, _, body) = send(&t, post(body, "application/json", None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json_body(&body)["errors"][0]["message"].as_str().unwrap().contains("batch"));
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused() {
    let t = TestApp::new().await;
    let padding = "x".repeat(1024 * 1024 + 10);
    let body = json!({"query": "{ now }", "variables": {"pad": padding}}).to_string();
    let (status, _, _) = send(&t, post(body, "application/json", None)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_body_that_breaks_off_is_a_bad_request_not_too_large() {
    // Only a body over the limit is 413; one cut short (a reset, the body
    // timeout) is 400, with a code.
    let t = TestApp::new().await;
    let chunks: Vec<Result<&'static str, std::io::Error>> =
        vec![Ok("{\"query\": \"{ no"), Err(std::io::Error::other("connection reset"))];
    let body = Body::from_stream(futures::stream::iter(chunks));
    let (status, _, b) = send(&t, post(body, "application/json", None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json_body(&b)["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{}", String::from_utf8_lossy(&b));
}

#[tokio::test]
async fn an_invalid_expired_or_unsigned_token_refuses_the_whole_request() {
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let expired = {
        use jsonwebtoken::{encode, EncodingKey, Header};
        let claims = json!({"sub": boss.email, "exp": chrono::Utc::now().timestamp() - 3600});
        encode(&Header::default(), &claims, &EncodingKey::from_secret(JWT_SECRET.as_bytes())).unwrap()
    };
    let foreign = {
        use jsonwebtoken::{encode, EncodingKey, Header};
        let claims = json!({"sub": boss.email, "exp": chrono::Utc::now().timestamp() + 3600});
        encode(&Header::default(), &claims, &EncodingKey::from_secret(b"another secret")).unwrap()
    };
    let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", foreign.split('.').nth(1).unwrap());
    for token in ["not-a-jwt", expired.as_str(), foreign.as_str(), unsigned.as_str()] {
        let (status, headers, body) =
            send(&t, post(json!({"query": "{ now }"}).to_string(), "application/json", Some(token))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token}");
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(error_codes(&json_body(&body)), vec!["UNAUTHENTICATED"], "{token}");
    }
    let good = t.token(&boss.email);
    let (status, _, body) =
        send(&t, post(json!({"query": "{ viewer { user { email } } }"}).to_string(), "application/json", Some(&good)))
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json_body(&body)["data"]["viewer"]["user"]["email"], json!(boss.email));
}

#[tokio::test]
async fn a_token_for_an_unknown_user_is_unauthenticated() {
    let t = TestApp::new().await;
    let token = t.token("nobody@nowhere.com");
    let (status, _, _) =
        send(&t, post(json!({"query": "{ now }"}).to_string(), "application/json", Some(&token))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn graphql_response_json_is_answered_when_asked_for() {
    let t = TestApp::new().await;
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/graphql-response+json")
        .body(Body::from(json!({"query": "{ nope }"}).to_string()))
        .unwrap();
    let (status, headers, _) = send(&t, req).await;
    assert_eq!(headers[header::CONTENT_TYPE], "application/graphql-response+json");
    assert_eq!(status, StatusCode::BAD_REQUEST, "a document that fails validation");
    let (status, headers, _) = send(&t, post(json!({"query": "{ nope }"}).to_string(), "application/json", None)).await;
    assert_eq!((status, headers[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "application/json"));
}

#[tokio::test]
async fn too_deep_documents_are_refused() {
    let t = TestApp::new().await;
    let mut inner = "name".to_string();
    for _ in 0..20 {
        inner = format!("ofType {{ {inner} }}");
    }
    let q = format!("{{ __schema {{ types {{ {inner} }} }} }}");
    let (_, _, body) = send(&t, post(json!({"query": q}).to_string(), "application/json", None)).await;
    let msg = json_body(&body)["errors"][0]["message"].as_str().unwrap_or_default().to_lowercase();
    assert!(msg.contains("nested too deep") || msg.contains("depth") || msg.contains("complex"), "{msg}");
}

#[tokio::test]
async fn the_playground_is_served_from_the_binary() {
    let t = TestApp::new().await;
    let (status, headers, body) = send(&t, Request::get("/graphql").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let html = String::from_utf8(body).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"), "no asset from the internet");
    for asset in
        ["graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "init.js"]
    {
        assert!(html.contains(asset) || asset == "init.js" && html.contains("init.js"), "{asset}");
        let (status, _, body) =
            send(&t, Request::get(format!("/playground/{asset}")).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{asset}");
        assert!(body.len() > 100, "{asset}");
    }
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let t = TestApp::new().await;
    let (status, _, body) = send(&t, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, b"ok".as_slice()));
    // Operations are labelled by the root field they run, a name of the
    // schema: 50 client-chosen operation names make one label, not 50.
    for i in 0..50 {
        let named = json!({"query": format!("query Clock{i} {{ now }}"), "operationName": format!("Clock{i}")});
        send(&t, post(named.to_string(), "application/json", None)).await;
    }
    let (status, _, body) = send(&t, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    let now_line = text.lines().find(|l| l.starts_with("cam_http_requests_total") && l.contains("query.now"));
    assert!(now_line.is_some_and(|l| l.ends_with(" 50")), "{text}");
    assert!(!text.contains("Clock"), "{text}");
    assert!(text.contains("cam_db_pool_connections"), "{text}");
}

#[tokio::test]
async fn readyz_says_why_when_a_migration_is_missing() {
    use sea_orm::ConnectionTrait;
    let t = TestApp::new().await;
    let (status, _, _) = send(&t, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    t.app
        .store
        .connection()
        .execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = 'm20261125_000001_one_live_access_link_per_worker'",
        )
        .await
        .unwrap();
    let (status, _, body) = send(&t, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(String::from_utf8(body).unwrap(), "1 migrations are not applied yet");
    let (status, _, _) = send(&t, Request::get("/livez").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "the process still lives");
}

#[tokio::test]
async fn database_errors_never_reach_the_client() {
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    // Break the storage under the running app: drop a table it reads.
    use sea_orm::ConnectionTrait;
    t.app.store.connection().execute_unprepared("DROP TABLE email_outbox").await.unwrap();
    let r = t.exec(&As::Operator, "{ outbox { to } }", json!({})).await;
    assert_eq!(error_codes(&r), vec!["INTERNAL"]);
    let msg = r["errors"][0]["message"].as_str().unwrap();
    assert_eq!(msg, "internal error");
    assert!(r["errors"][0]["extensions"]["requestId"].is_string());
    let _ = c;
}

#[tokio::test]
async fn an_access_link_opens_a_preview_page_that_shows_nothing_else() {
    // R9
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let link = w.access_link(&partner, &boss.who, None).await;
    let path = link["url"].as_str().unwrap().trim_start_matches("https://cam.test").to_string();
    let (status, headers, body) = send(&t, Request::get(path).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains(&boss.email) && html.contains("can be approved"), "{html}");
    let (status, _, _) = send(&t, Request::get("/access/unknown").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn nested_lists_cost_their_page_sizes_and_huge_documents_are_refused() {
    let t = TestApp::new().await;
    let q = "{ viewer { partnerAccounts { clients(first: 100) { edges { node { partnerUsers(first: 100) { edges { node { ownedAssets(first: 100) { edges { node { name } } } } } } } } } } } }";
    let (_, _, body) = send(&t, post(json!({"query": q}).to_string(), "application/json", None)).await;
    let r = json_body(&body);
    let msg = r["errors"][0]["message"].as_str().unwrap_or_default().to_lowercase();
    assert!(msg.contains("complex"), "{msg}");
    assert_eq!(error_codes(&r), vec!["QUERY_LIMIT_EXCEEDED"], "{r}");
}

#[tokio::test]
async fn response_fields_come_in_the_order_they_were_asked_for() {
    // GraphQL: the response map follows the selection set, whichever field
    // resolves first.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let token = t.token(&boss.email);
    let q = json!({"query": "{ viewer { partnerAccounts { name id } user { email } } now }"}).to_string();
    let (_, _, body) = send(&t, post(q, "application/json", Some(&token))).await;
    let text = String::from_utf8(body).unwrap();
    let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap_or_else(|| panic!("{k} in {text}"));
    assert!(at("viewer") < at("now"), "{text}");
    assert!(at("partnerAccounts") < at("user") && at("name") < at("id"), "{text}");
}

fn graphql_response_post(body: Value) -> Request<Body> {
    Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/graphql-response+json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn requests_refused_before_execution_say_why_with_a_code_and_carry_no_data() {
    // GraphQL over HTTP: a request error has no `data` entry; every refusal
    // has a stable code.
    let t = TestApp::new().await;
    let cases = [
        (json!({"query": "{ now"}), "GRAPHQL_PARSE_FAILED"),
        (json!({"query": "{ nope }"}), "GRAPHQL_VALIDATION_FAILED"),
        (json!({"query": "query A { now } query B { now }"}), "BAD_REQUEST"),
        (json!({"query": "query A { now }", "operationName": "B"}), "BAD_REQUEST"),
        (json!({"query": "{ ...A } fragment A on Query { ...A }"}), "GRAPHQL_VALIDATION_FAILED"),
        (json!({"query": format!("{{ {} }}", "now ".repeat(31))}), "QUERY_LIMIT_EXCEEDED"),
        (json!({"query": "{ accessLinkPreview(token: \"a\\u0000b\") { problem } }"}), "INVALID_INPUT"),
    ];
    for (body, code) in cases {
        let (status, headers, bytes) = send(&t, graphql_response_post(body.clone())).await;
        let r = json_body(&bytes);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {r}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/graphql-response+json");
        assert_eq!(error_codes(&r), vec![code], "{body}: {r}");
        assert!(r.get("data").is_none(), "{body}: {r}");
    }
    // An execution error keeps its data key (null or partial).
    let (status, _, bytes) = send(&t, graphql_response_post(json!({"query": "{ viewer { user { email } } }"}))).await;
    let r = json_body(&bytes);
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(r.get("data").is_some(), "{r}");
}

#[tokio::test]
async fn a_nul_character_in_a_variable_is_refused_as_input() {
    // R34: refused as input, never INTERNAL from the database.
    let t = TestApp::new().await;
    let body = json!({"query": "query($t: String!) { accessLinkPreview(token: $t) { problem } }", "variables": {"t": "a\u{0}b"}});
    let (status, _, bytes) = send(&t, post(body.to_string(), "application/json", None)).await;
    let r = json_body(&bytes);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_codes(&r), vec!["INVALID_INPUT"], "{r}");
}

#[tokio::test]
async fn the_clients_tab_fits_the_complexity_limit() {
    // The main screen (50 clients, 10 partner users each) must run under
    // the limit of 5,000.
    let t = TestApp::new().await;
    let tab = "query($id: ID!){ partnerAccount(id:$id){ clients(first:50){ edges{ node{
        displayName status accessTypes activePartnerUserCount client{ name }
        partnerUsers(first: 10){ totalCount edges{ node{ role seat user{ email name } permissionSet{ name } } } } } } } } }";
    let r = t.exec(&As::Anonymous, tab, json!({"id": "UGFydG5lckFjY291bnQ6MQ"})).await;
    assert_ne!(error_codes(&r), vec!["QUERY_LIMIT_EXCEEDED"], "{r}");
    assert!(!r.to_string().contains("too complex"), "{r}");
}

#[tokio::test]
async fn times_are_rfc3339_in_utc_with_milliseconds() {
    // What a client's date parser expects: `2026-03-01T09:00:00.000Z`.
    let t = TestApp::new().await;
    let r = t.exec(&As::Anonymous, "{ now }", json!({})).await;
    assert_eq!(r["data"]["now"], json!("2026-03-01T09:00:00.000Z"), "{r}");
    let sdl = cam_api::graphql::sdl();
    assert!(sdl.contains("scalar DateTime @specifiedBy(url: \"https://www.rfc-editor.org/rfc/rfc3339\")"), "{sdl}");
}
