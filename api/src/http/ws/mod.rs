//! GraphQL over WebSocket, the `graphql-transport-ws` protocol (what the
//! `graphql-ws` library and Apollo Client speak), on `GET /graphql` with an
//! upgrade (R43).
//!
//! async-graphql-axum's `GraphQLWebSocket` speaks the protocol and runs
//! each operation; three thin pieces around it keep the contract's
//! refusals and limits:
//!
//! - `police` (`gate`), in front of it, reads what the client sends: the token comes
//!   in `connection_init` (`{"Authorization": "Bearer …"}`), an invalid or
//!   missing one closes with 4403; no `connection_init` within the init
//!   timeout closes with 4408; a second one with 4429; `subscribe` before
//!   the ack with 4401; a reused operation id with 4409; anything malformed
//!   with 4400; a connection runs a bounded number of operations, and
//!   messages are bounded in size. Until it signs in, a connection holds a
//!   waiting place that a newer one may take (4408); signing in takes a
//!   slot within its user's share (else 1013, `slots`).
//! - The token's expiry (R35, real time) ends the connection with 4403: a
//!   timer closes it then, and every operation and every event is checked
//!   against it before it runs or is sent.
//! - `Operations` (`operations`), the executor it calls, sends every document through the
//!   same guard as over HTTP and answers a refused operation with the
//!   protocol's `error` message (async-graphql would send `next`).
//! - `write`, behind it, is the only writer to the socket: everything sent
//!   waits in a bounded queue, so a client that does not read stalls its
//!   own operations (whose subscriptions are then dropped by the hub)
//!   instead of growing the server's memory.
//!
//! When the server shuts down, every connection is closed with 1001.

mod gate;
mod operations;

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cam_domain::Principal;
use chrono::{DateTime, Utc};
use futures::channel::mpsc;
use futures::{FutureExt, SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::Notify;

use crate::graphql::RequestId;
use crate::live::slots::{Admitted, SignedIn};
use crate::wiring::App;
use gate::police;
use operations::Operations;

pub const PROTOCOL: &str = "graphql-transport-ws";

/// Messages waiting to be written to one client.
const OUTGOING_QUEUE: usize = 32;

/// Answers an upgrade request: refused with 503 when the server holds as
/// many WebSocket connections as it may, with 400 when the client does not
/// speak `graphql-transport-ws`.
pub fn upgrade(app: App, ws: WebSocketUpgrade, request_id: RequestId) -> Response {
    let limits = app.live.limits;
    let ws =
        ws.protocols([PROTOCOL]).max_message_size(limits.max_message_bytes).max_frame_size(limits.max_message_bytes);
    if ws.selected_protocol().is_none() {
        return (StatusCode::BAD_REQUEST, format!("use the {PROTOCOL} subprotocol")).into_response();
    }
    let Some(protocol) = transport_ws() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    let Some(admitted) = app.live.slots.admit() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many WebSocket connections; retry later").into_response();
    };
    ws.on_upgrade(move |socket| serve(app, socket, protocol, admitted, request_id.0))
}

/// async-graphql-axum's name for `graphql-transport-ws`, which it only
/// makes from a request's `Sec-WebSocket-Protocol` header. The upgrade
/// above already chose this protocol, whatever else the client offered.
fn transport_ws() -> Option<GraphQLProtocol> {
    let (mut parts, ()) =
        axum::http::Request::builder().header("sec-websocket-protocol", PROTOCOL).body(()).ok()?.into_parts();
    GraphQLProtocol::from_request_parts(&mut parts, &()).now_or_never()?.ok()
}

pub(super) fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from(reason.to_string()) }))
}

/// The protocol's `error` for one operation, which ends it.
fn error_message(id: &str, errors: Value) -> Message {
    let message = serde_json::json!({"type": "error", "id": id, "payload": errors});
    Message::Text(Utf8Bytes::from(message.to_string()))
}

/// What the three pieces of one connection share.
#[derive(Default)]
struct Connection {
    /// Who `connection_init` signed in; `None` before the ack.
    principal: Mutex<Option<Principal>>,
    /// Ids of the operations running, so that a reused one is refused.
    running: Mutex<HashSet<String>>,
    /// Ids of `subscribe` messages let through, in order, that the executor
    /// has not started yet.
    starting: Mutex<VecDeque<String>>,
    /// Operations already ended with `error`, or by the client's own
    /// `complete`: the `complete` async-graphql sends after them is not for
    /// the client.
    answered: Mutex<HashSet<String>>,
    /// When the token that signed in is refused from (R35: real time);
    /// `None` before the ack, or for a token that does not expire.
    expires_at: Mutex<Option<DateTime<Utc>>>,
    /// Told once the connection signed in.
    signed_in: Notify,
    /// Its signed-in slot, held while the connection lives.
    slot: Mutex<Option<SignedIn>>,
}

/// Why a connection whose token expired is closed (with 4403).
const TOKEN_EXPIRED: &str = "Forbidden: the token has expired";

impl Connection {
    /// Whether the token that signed in is no longer valid.
    fn expired(&self) -> bool {
        lock(&self.expires_at).is_some_and(|at| Utc::now() >= at)
    }
}

/// Ends when the token that signed the connection in expires; never for a
/// token that does not.
async fn token_expiry(shared: Arc<Connection>) {
    shared.signed_in.notified().await;
    let Some(at) = *lock(&shared.expires_at) else { return std::future::pending().await };
    tokio::time::sleep((at - Utc::now()).to_std().unwrap_or_default()).await;
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

async fn serve(app: App, socket: WebSocket, protocol: GraphQLProtocol, _admitted: Admitted, connection_id: String) {
    let (sink, incoming) = socket.split();
    let (out, outgoing) = mpsc::channel::<Message>(OUTGOING_QUEUE);
    let shared = Arc::new(Connection::default());
    let writer = tokio::spawn(write(sink, outgoing, shared.clone()));
    let mut closing = app.live.closing();
    let executor = Operations { app: app.clone(), shared: shared.clone(), out: out.clone(), connection_id };
    let expiry = token_expiry(shared.clone());
    let input = police(app, incoming, out.clone(), shared);
    let socket = GraphQLWebSocket::new_with_pair(out.clone(), input, executor, protocol);
    tokio::select! {
        _ = socket.serve() => {}
        _ = async move { let _ = closing.wait_for(|c| *c).await; } => {
            let _ = out.clone().send(close(1001, "the server is shutting down")).await;
        }
        () = expiry => {
            let _ = out.clone().send(close(4403, TOKEN_EXPIRED)).await;
        }
    }
    drop(out);
    let _ = writer.await;
}

/// The only writer to the socket. Stops after a close.
async fn write(
    mut sink: futures::stream::SplitSink<WebSocket, Message>,
    mut outgoing: mpsc::Receiver<Message>,
    shared: Arc<Connection>,
) {
    while let Some(m) = outgoing.next().await {
        if let Message::Text(t) = &m {
            if completes_an_answered_operation(&shared, t.as_str()) {
                continue;
            }
        }
        let closing = matches!(m, Message::Close(_));
        if sink.send(m).await.is_err() || closing {
            break;
        }
    }
    let _ = sink.close().await;
}

/// Whether `message` is async-graphql's `complete` for an operation that
/// already ended with `error` or by the client (after which the protocol
/// sends nothing).
fn completes_an_answered_operation(shared: &Connection, message: &str) -> bool {
    let mut answered = lock(&shared.answered);
    if answered.is_empty() {
        return false;
    }
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(message) else { return false };
    match (m.get("type").and_then(Value::as_str), m.get("id").and_then(Value::as_str)) {
        (Some("complete"), Some(id)) => answered.remove(id),
        _ => false,
    }
}
