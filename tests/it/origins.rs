//! Browsers on other origins (`CAM_CORS_ORIGINS`): an allowed origin may
//! send whatever request headers its preflight asks for (Apollo Client's
//! included), and a WebSocket upgrade from a page on an origin outside the
//! list is refused with 403, while the server's own pages (the playground)
//! and non-browser clients connect as before.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use cam_api::http::{router_with, HttpOptions};
use cam_tests::*;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tower::ServiceExt;

use crate::process::Server;

const APP: &str = "https://app.example";
const WATCHER: &str = "watcher@origins.example";

#[tokio::test]
async fn an_allowed_origin_may_send_any_header_its_preflight_asks_for_apollos_included() {
    let t = TestApp::new().await;
    let options = HttpOptions { cors_origins: vec![HeaderValue::from_static(APP)] };
    let asked = "content-type, authorization, apollographql-client-name, apollographql-client-version, \
                 apollo-require-preflight, x-trace-id";
    let preflight = |origin: &str| {
        Request::options("/graphql")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, asked)
            .body(Body::empty())
            .unwrap()
    };

    let resp = router_with(t.app.clone(), &options).oneshot(preflight(APP)).await.unwrap();

    assert!(resp.status().is_success(), "{}", resp.status());
    assert_eq!(resp.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    let allowed = resp.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap().to_lowercase();
    for h in asked.split(',').map(str::trim) {
        assert!(allowed.split(',').any(|a| a.trim() == h), "{h} in {allowed}");
    }
    let foreign = router_with(t.app.clone(), &options).oneshot(preflight("https://evil.example")).await.unwrap();
    assert!(foreign.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(), "{:?}", foreign.headers());
}

/// Opens a graphql-transport-ws connection from a page on `origin` (none:
/// not a browser) and signs in; what the server answered.
async fn connect_from(server: &Server, origin: Option<&str>) -> Result<Value, StatusCode> {
    let mut req = format!("ws://{}/graphql", server.addr).into_client_request().unwrap();
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().unwrap());
    }
    let mut ws = match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => ws,
        Err(WsError::Http(resp)) => return Err(resp.status()),
        Err(e) => panic!("upgrade: {e}"),
    };
    let bearer = format!("Bearer {}", crate::process::token(WATCHER));
    let init = json!({"type": "connection_init", "payload": {"Authorization": bearer}});
    ws.send(Message::text(init.to_string())).await.unwrap();
    let said = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next()).await.expect("an answer");
    match said {
        Some(Ok(Message::Text(t))) => Ok(serde_json::from_str(t.as_str()).unwrap()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn websockets_from_a_page_outside_the_allowed_origins_are_refused_with_403() {
    let db = TestDb::new().await;
    let listed = Server::start(&db.url, &[("CAM_CORS_ORIGINS", APP)]).await;
    crate::process::op(
        &reqwest::Client::new(),
        &listed,
        "mutation($i: CreateUserInput!){ createUser(input:$i){ userErrors{ code } } }",
        json!({"i": {"email": WATCHER, "name": "Watcher"}}),
    )
    .await;
    let own = format!("http://{}", listed.addr);

    assert_eq!(connect_from(&listed, Some("https://evil.example")).await.err(), Some(StatusCode::FORBIDDEN));
    for origin in [Some(APP), Some(own.as_str()), None] {
        let said = connect_from(&listed, origin).await.unwrap_or_else(|s| panic!("{origin:?}: {s}"));
        assert_eq!(said["type"], "connection_ack", "{origin:?}: {said}");
    }

    // Without the list, nothing changes for WebSockets (R43's token decides).
    let open = Server::start(&db.url, &[]).await;
    assert_eq!(connect_from(&open, Some("https://evil.example")).await.unwrap()["type"], "connection_ack");
}
