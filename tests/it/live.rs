//! Live audit events over WebSocket (R43), with a real WebSocket client
//! (tokio-tungstenite) speaking `graphql-transport-ws` to real `cam serve`
//! processes: fixtures are made in-process on the same database, the act
//! goes through a server, and the events come from a server (on PostgreSQL
//! another one than the act's).

use std::time::Duration;

use cam_tests::*;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::process::Server;

/// R43: an event arrives within one second of its commit.
const WITHIN: Duration = Duration::from_secs(1);
/// Longest wait for anything else a server says.
const PATIENCE: Duration = Duration::from_secs(5);

struct Ws(WebSocketStream<MaybeTlsStream<TcpStream>>);

/// What the server said.
#[derive(Debug)]
enum Said {
    Msg(Value),
    Closed(u16),
}

impl Ws {
    async fn open(server: &Server) -> Self {
        Self::try_open(server).await.expect("upgrade")
    }

    /// Opens a connection; the upgrade's refusal (503 when the server is full).
    async fn try_open(server: &Server) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        let mut req = format!("ws://{}/graphql", server.addr).into_client_request().unwrap();
        req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        let (ws, resp) = tokio_tungstenite::connect_async(req).await?;
        assert_eq!(resp.headers()["sec-websocket-protocol"], "graphql-transport-ws");
        Ok(Self(ws))
    }

    /// Opens, sends `connection_init` with this token and expects the ack.
    async fn signed_in(server: &Server, token: &str) -> Self {
        let mut ws = Self::open(server).await;
        ws.send(json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}})).await;
        match ws.said(PATIENCE).await {
            Said::Msg(m) if m["type"] == "connection_ack" => ws,
            other => panic!("expected connection_ack, got {other:?}"),
        }
    }

    async fn send(&mut self, v: Value) {
        self.0.send(Message::text(v.to_string())).await.expect("send");
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({"type": "subscribe", "id": id, "payload": {"query": query, "variables": variables}})).await;
    }

    /// The next message or close, waiting at most `within`.
    async fn said(&mut self, within: Duration) -> Said {
        let next = tokio::time::timeout(within, async {
            loop {
                match self.0.next().await {
                    Some(Ok(Message::Text(t))) => return Said::Msg(serde_json::from_str(t.as_str()).unwrap()),
                    Some(Ok(Message::Close(frame))) => return Said::Closed(frame.map_or(1005, |f| f.code.into())),
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => return Said::Closed(1006),
                }
            }
        });
        next.await.unwrap_or_else(|_| panic!("the server said nothing within {within:?}"))
    }

    /// The next event of subscription `id`, within `within`.
    async fn event(&mut self, id: &str, within: Duration) -> Value {
        match self.said(within).await {
            Said::Msg(m) if m["type"] == "next" && m["id"] == id => {
                assert!(m["payload"]["errors"].is_null(), "{m}");
                m["payload"]["data"].as_object().unwrap().values().next().unwrap().clone()
            }
            other => panic!("expected an event of {id}, got {other:?}"),
        }
    }

    /// Nothing arrives for a moment (used after an event that must not
    /// reach this subscriber, once a later event proved delivery works).
    async fn closed_code(&mut self) -> u16 {
        match self.said(PATIENCE).await {
            Said::Closed(code) => code,
            other => panic!("expected the socket to close, got {other:?}"),
        }
    }
}

const PARTNER_EVENTS: &str =
    "subscription($p: ID!) { partnerEvents(partnerAccountId: $p) { id action accountId actor { email } } }";
const CLIENT_EVENTS: &str =
    "subscription($c: ID!) { clientEvents(clientAccountId: $c) { id action accountId subject { email } } }";

async fn post(server: &Server, token: &str, query: &str, variables: Value) -> Value {
    crate::process::gql(&reqwest::Client::new(), server, token, query, variables).await
}

/// Waits until the server holds `n` live subscriptions (its metrics say so).
async fn wait_for_subscriptions(server: &Server, n: usize) {
    let want = format!("cam_live_subscriptions {n}");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let metrics = reqwest::get(format!("{}/metrics", server.url)).await.unwrap().text().await.unwrap();
        if metrics.lines().any(|l| l == want) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "never {want}:\n{metrics}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const CREATE_LINK: &str =
    "mutation($i: CreateAccessLinkInput!){ createAccessLink(input:$i){ token userErrors{ code } } }";
const APPROVE: &str =
    "mutation($i: ApproveAccessLinkInput!){ approveAccessLink(input:$i){ membership{ id } userErrors{ code } } }";

#[tokio::test]
async fn partners_and_client_admins_see_an_approval_as_it_commits_on_every_server() {
    // R43 (and R32: the partner's CAM users and the client's super admins)
    let t = TestApp::on_database(TestDb::new().await).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let client = w.client("Client").await;
    let admin = w.client_admin(&client, "owner").await;
    let acting = Server::start(&t.db.url, &[]).await;
    // PostgreSQL: events reach every server on the database; SQLite: one process.
    let second;
    let watching = if t.db.is_postgres() {
        second = Server::start(&t.db.url, &[]).await;
        &second
    } else {
        &acting
    };
    let mut partner_ws = Ws::signed_in(watching, &t.token(&boss.email)).await;
    partner_ws.subscribe("p", PARTNER_EVENTS, json!({"p": partner})).await;
    let mut client_ws = Ws::signed_in(watching, &t.token(&admin.email)).await;
    client_ws.subscribe("c", CLIENT_EVENTS, json!({"c": client})).await;
    wait_for_subscriptions(watching, 2).await;
    let link = post(&acting, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    let token = link["data"]["createAccessLink"]["token"].as_str().unwrap().to_string();
    let created = partner_ws.event("p", PATIENCE).await;
    assert_eq!(created["action"], "access_link.created");
    assert_eq!(created["actor"]["email"], json!(boss.email));

    let approved =
        post(&acting, &t.token(&admin.email), APPROVE, json!({"i": {"token": token, "clientAccountId": client}})).await;
    assert!(approved["data"]["approveAccessLink"]["membership"]["id"].is_string(), "{approved}");
    let seen_by_partner = partner_ws.event("p", WITHIN).await;
    let seen_by_client = client_ws.event("c", WITHIN).await;
    assert_eq!(seen_by_partner["action"], "access_link.approved");
    assert_eq!(seen_by_client["action"], "access_link.approved");
    assert_eq!(seen_by_client["accountId"], json!(client));
    assert_eq!(seen_by_client["subject"]["email"], json!(boss.email));
    assert_eq!(seen_by_partner["id"], seen_by_client["id"], "the same event");

    // In commit order: three links in a row arrive in that order.
    let mut ids = Vec::new();
    for _ in 0..3 {
        post(&acting, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
        let e = partner_ws.event("p", WITHIN).await;
        assert_eq!(e["action"], "access_link.created");
        ids.push(e["id"].as_str().unwrap().to_string());
    }
    let log = t
        .ok(
            &boss.who,
            "query($p: ID!){ partnerAccount(id:$p){ auditLog(first: 3){ edges{ node{ id } } } } }",
            json!({"p": partner}),
        )
        .await;
    let mut newest_first: Vec<String> = log["partnerAccount"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect();
    newest_first.reverse();
    assert_eq!(ids, newest_first, "delivered in the order the log shows");
}

#[tokio::test]
async fn a_websocket_without_a_valid_token_is_closed_with_4403() {
    // R43
    let db = TestDb::new().await;
    let s = Server::start(&db.url, &[]).await;
    for payload in [
        json!({}),
        json!({"Authorization": "Bearer not-a-token"}),
        json!({"Authorization": format!("Bearer {}", user_token_signed_elsewhere())}),
    ] {
        let mut ws = Ws::open(&s).await;
        ws.send(json!({"type": "connection_init", "payload": payload})).await;
        assert_eq!(ws.closed_code().await, 4403, "{payload}");
    }
    // Subscribing before the handshake is refused too.
    let mut ws = Ws::open(&s).await;
    ws.subscribe("1", "subscription { partnerEvents(partnerAccountId: \"x\") { id } }", json!({})).await;
    assert_eq!(ws.closed_code().await, 4401);
}

fn user_token_signed_elsewhere() -> String {
    use jsonwebtoken::{encode, EncodingKey, Header};
    let exp = 4_102_444_800u64; // 2100-01-01
    encode(
        &Header::default(),
        &json!({"sub": "someone@example.com", "email": "someone@example.com", "exp": exp}),
        &EncodingKey::from_secret(b"another-secret"),
    )
    .unwrap()
}

#[tokio::test]
async fn subscribing_to_an_account_you_cannot_see_ends_with_not_found() {
    // R43, R33: another tenant's account looks like an unknown one
    let t = TestApp::on_database(TestDb::new().await).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let other = w.partner_with("SOLUTIONS_PARTNER", &[w.domain("other")]).await;
    let client = w.client("Client").await;
    w.client_admin(&client, "owner").await;
    let s = Server::start(&t.db.url, &[]).await;
    let mut ws = Ws::signed_in(&s, &t.token(&boss.email)).await;
    let cases = [
        ("1", PARTNER_EVENTS, json!({"p": other})),
        ("2", CLIENT_EVENTS, json!({"c": client})),
        ("3", PARTNER_EVENTS, json!({"p": "not-an-id"})),
    ];
    for (id, query, vars) in cases {
        ws.subscribe(id, query, vars.clone()).await;
        match ws.said(PATIENCE).await {
            Said::Msg(m) => {
                assert_eq!(m["type"], "error", "{m}");
                assert_eq!(m["id"], id);
                assert_eq!(m["payload"][0]["extensions"]["code"], "NOT_FOUND", "{vars}: {m}");
            }
            other => panic!("{other:?}"),
        }
    }
    // The connection is still good for what the caller may see.
    ws.subscribe("4", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;
    post(&s, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    assert_eq!(ws.event("4", PATIENCE).await["action"], "access_link.created");
}

#[tokio::test]
async fn a_subscriber_who_loses_access_stops_receiving_events() {
    // R43: a subscriber sees only what auditLog would show them at that moment (R32, R33, R23)
    let t = TestApp::on_database(TestDb::new().await).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let cam_perms = ["PARTNER_EMPLOYEE_MANAGEMENT_VIEW", "PARTNER_EMPLOYEE_MANAGEMENT_EDIT"];
    let ben = w.worker(&partner, "ben", "STANDARD", &cam_perms, "EMPLOYEE", None).await;
    let s = Server::start(&t.db.url, &[]).await;
    let mut ws = Ws::signed_in(&s, &t.token(&ben.email)).await;
    ws.subscribe("p", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;
    let gone = post(
        &s,
        &t.token(&boss.email),
        "mutation($w: ID!){ deactivateWorker(input:{ workerId: $w }){ userErrors{ code } } }",
        json!({"w": ben.id}),
    )
    .await;
    assert!(gone["errors"].is_null() && gone["data"]["deactivateWorker"]["userErrors"] == json!([]), "{gone}");
    post(&s, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    // Ben, deactivated, is shown no event: the subscription ends with a
    // refusal (`error`, as its first answer is one).
    match ws.said(PATIENCE).await {
        Said::Msg(m) => {
            assert_eq!((m["type"].as_str(), m["id"].as_str()), (Some("error"), Some("p")), "{m}");
            assert_eq!(m["payload"][0]["extensions"]["code"], "FORBIDDEN", "{m}");
            assert!(!m.to_string().contains("access_link"), "no event data: {m}");
        }
        other => panic!("{other:?}"),
    }
    // The operation is over: the same id can subscribe again (and is refused again).
    ws.subscribe("p", PARTNER_EVENTS, json!({"p": partner})).await;
    match ws.said(PATIENCE).await {
        Said::Msg(m) => assert_eq!(m["payload"][0]["extensions"]["code"], "FORBIDDEN", "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn websocket_limits_hold() {
    // R43 under the hardening limits: no connection_init in time, too many
    // operations on one connection, documents the guard refuses, messages
    // that are too large.
    let t = TestApp::on_database(TestDb::new().await).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let s = Server::start(&t.db.url, &[("CAM_WS_INIT_TIMEOUT", "0.3"), ("CAM_MAX_WS_OPERATIONS", "2")]).await;

    let mut idle = Ws::open(&s).await;
    assert_eq!(idle.closed_code().await, 4408, "no connection_init in time");

    let mut ws = Ws::signed_in(&s, &t.token(&boss.email)).await;
    ws.subscribe("1", PARTNER_EVENTS, json!({"p": partner})).await;
    ws.subscribe("2", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 2).await;
    ws.subscribe("3", PARTNER_EVENTS, json!({"p": partner})).await;
    match ws.said(PATIENCE).await {
        Said::Msg(m) => {
            assert_eq!((m["type"].as_str(), m["id"].as_str()), (Some("error"), Some("3")), "{m}");
            assert_eq!(m["payload"][0]["extensions"]["code"], "QUERY_LIMIT_EXCEEDED");
        }
        other => panic!("{other:?}"),
    }
    // Completing one frees its place.
    ws.send(json!({"type": "complete", "id": "1"})).await;
    wait_for_subscriptions(&s, 1).await;
    ws.subscribe("3", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 2).await;
    post(&s, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    let mut got = Vec::new();
    for _ in 0..2 {
        match ws.said(PATIENCE).await {
            Said::Msg(m) if m["type"] == "next" => got.push(m["id"].as_str().unwrap().to_string()),
            other => panic!("{other:?}"),
        }
    }
    got.sort();
    assert_eq!(got, ["2", "3"]);
    // A reused id closes the connection (graphql-transport-ws).
    ws.subscribe("2", PARTNER_EVENTS, json!({"p": partner})).await;
    assert_eq!(ws.closed_code().await, 4409);

    // The guard applies to subscription documents: an alias flood.
    let mut ws = Ws::signed_in(&s, &t.token(&boss.email)).await;
    let fields: String = (0..60).map(|i| format!("a{i}: id ")).collect();
    let flood = format!("subscription($p: ID!) {{ partnerEvents(partnerAccountId: $p) {{ {fields} }} }}");
    ws.subscribe("f", &flood, json!({"p": partner})).await;
    match ws.said(PATIENCE).await {
        Said::Msg(m) => {
            assert_eq!(m["type"], "error", "{m}");
            assert_eq!(m["payload"][0]["extensions"]["code"], "QUERY_LIMIT_EXCEEDED", "{m}");
        }
        other => panic!("{other:?}"),
    }
    // A message over the size limit ends the connection.
    let huge = format!("subscription {{ partnerEvents(partnerAccountId: \"{}\") {{ id }} }}", "x".repeat(200_000));
    ws.subscribe("h", &huge, json!({})).await;
    let code = ws.closed_code().await;
    assert!(code == 1009 || code == 1006, "closed for its size: {code}");
    // The server still serves.
    let mut ws = Ws::signed_in(&s, &t.token(&boss.email)).await;
    ws.send(json!({"type": "ping"})).await;
    match ws.said(PATIENCE).await {
        Said::Msg(m) => assert_eq!(m["type"], "pong"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn sigterm_closes_open_websockets_with_going_away_and_the_server_exits() {
    // R43 with the hardening's drain: an upgraded connection is no longer an
    // HTTP request, so shutting down must close it itself (1001, going
    // away) instead of leaving subscribers hanging or the process waiting.
    let t = TestApp::on_database(TestDb::new().await).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let mut s = Server::start(&t.db.url, &[("CAM_DRAIN_TIMEOUT", "5")]).await;
    let mut ws = Ws::signed_in(&s, &t.token(&boss.email)).await;
    ws.subscribe("1", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;
    let killed = std::process::Command::new("kill").args(["-TERM", &s.pid().to_string()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(ws.closed_code().await, 1001, "the subscriber hears that the server is going away");
    let exit = tokio::time::timeout(PATIENCE, s.child.wait()).await.expect("the server exited in time").unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn a_websocket_is_closed_with_4403_when_its_token_expires() {
    // R43, R35: a token's expiry is checked against real time, for as long
    // as the connection it signed in lives, not only at connection_init.
    let t = TestApp::on_database(TestDb::new().await).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let s = Server::start(&t.db.url, &[]).await;
    // Its exp passed 3 s ago: accepted within the 5 s of tolerated skew,
    // refused 2 s from now.
    let mut ws = Ws::signed_in(&s, &process_token(&boss.email, -3)).await;
    ws.subscribe("p", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;

    match ws.said(Duration::from_secs(15)).await {
        Said::Closed(code) => assert_eq!(code, 4403, "closed because the token expired"),
        other => panic!("expected the socket to close, got {other:?}"),
    }
    wait_for_subscriptions(&s, 0).await;
    post(&s, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    // A connection signed in with a fresh token still hears events.
    let mut fresh = Ws::signed_in(&s, &t.token(&boss.email)).await;
    fresh.subscribe("p", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;
    post(&s, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    assert_eq!(fresh.event("p", PATIENCE).await["action"], "access_link.created");
}

#[tokio::test]
async fn a_flood_of_anonymous_upgrades_never_keeps_a_signed_in_user_out() {
    // R43 under the hardening limits: connections that have not sent
    // connection_init have a small budget of their own; when it is full the
    // oldest waiting one makes room (4408), so a stranger holds no slot.
    let t = TestApp::on_database(TestDb::new().await).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let s = Server::start(&t.db.url, &[("CAM_MAX_WS_CONNECTIONS", "8"), ("CAM_MAX_WS_PENDING", "4")]).await;
    let mut flood = Vec::new();
    for _ in 0..40 {
        if let Ok(ws) = Ws::try_open(&s).await {
            flood.push(ws);
        }
    }

    let mut ws = Ws::signed_in(&s, &t.token(&boss.email)).await;
    ws.subscribe("p", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;
    post(&s, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    assert_eq!(ws.event("p", PATIENCE).await["action"], "access_link.created");
    assert_eq!(flood[0].closed_code().await, 4408, "the oldest waiting one made room");
}

#[tokio::test]
async fn one_user_holds_at_most_their_share_of_websocket_slots() {
    // R43 under the hardening limits: a per-user cap, so that one signed-in
    // user (or a script with their token) cannot take every slot.
    let t = TestApp::on_database(TestDb::new().await).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let cam_perms = ["PARTNER_EMPLOYEE_MANAGEMENT_VIEW", "PARTNER_EMPLOYEE_MANAGEMENT_EDIT"];
    let ben = w.worker(&partner, "ben", "STANDARD", &cam_perms, "EMPLOYEE", None).await;
    let s = Server::start(&t.db.url, &[("CAM_MAX_WS_CONNECTIONS", "3"), ("CAM_MAX_WS_PER_USER", "2")]).await;
    let _first = Ws::signed_in(&s, &t.token(&boss.email)).await;
    let _second = Ws::signed_in(&s, &t.token(&boss.email)).await;

    let mut third = Ws::open(&s).await;
    third
        .send(json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {}", t.token(&boss.email))}}))
        .await;
    assert_eq!(third.closed_code().await, 1013, "try again later: this user holds their share");

    let mut other = Ws::signed_in(&s, &t.token(&ben.email)).await;
    other.subscribe("p", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;
    post(&s, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    assert_eq!(other.event("p", PATIENCE).await["action"], "access_link.created");
}

#[tokio::test]
async fn a_subscriber_is_told_when_its_server_lost_the_database_feed_of_events() {
    // R43 (every event in commit order, or the subscription ends saying why):
    // the chaos soak (tests/chaos/soak.py) restarted PostgreSQL and the
    // subscribers stayed open with events missing, since a server's LISTEN
    // connection does not hear what commits while it reconnects. Its
    // subscriptions now end with SUBSCRIPTION_INTERRUPTED (subscribe again).
    let t = TestApp::on_database(TestDb::new().await).await;
    if !t.db.is_postgres() {
        return; // one process on SQLite: no connection to lose
    }
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let s = Server::start(&t.db.url, &[]).await;
    let mut ws = Ws::signed_in(&s, &t.token(&boss.email)).await;
    ws.subscribe("p", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;
    // The database drops the server's LISTEN connection (as a restart does).
    t.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
    )
    .await;
    match ws.said(PATIENCE).await {
        Said::Msg(m) => {
            let code = if m["type"] == "error" {
                &m["payload"][0]["extensions"]["code"]
            } else {
                &m["payload"]["errors"][0]["extensions"]["code"]
            };
            assert_eq!((m["id"].as_str(), code.as_str()), (Some("p"), Some("SUBSCRIPTION_INTERRUPTED")), "{m}");
        }
        other => panic!("{other:?}"),
    }
    // Subscribing again works, and events flow again.
    ws.subscribe("q", PARTNER_EVENTS, json!({"p": partner})).await;
    wait_for_subscriptions(&s, 1).await;
    post(&s, &t.token(&boss.email), CREATE_LINK, json!({"i": {"partnerAccountId": partner}})).await;
    loop {
        match ws.said(PATIENCE).await {
            Said::Msg(m) if m["id"] == "p" => assert_eq!(m["type"], "complete", "{m}"),
            Said::Msg(m) => {
                assert_eq!((m["type"].as_str(), m["id"].as_str()), (Some("next"), Some("q")), "{m}");
                assert_eq!(m["payload"]["data"]["partnerEvents"]["action"], "access_link.created", "{m}");
                break;
            }
            other => panic!("{other:?}"),
        }
    }
}
