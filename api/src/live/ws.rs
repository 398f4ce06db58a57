//! GraphQL over WebSocket, the `graphql-transport-ws` protocol (what the
//! `graphql-ws` library and Apollo Client speak), on `GET /graphql` with an
//! upgrade (R43).
//!
//! The protocol is small and its refusals are part of the contract (close
//! codes), so it is spoken here directly over axum's WebSocket, each
//! operation run by the schema's `execute_stream`: the token comes in
//! `connection_init` (`{"Authorization": "Bearer …"}`), an invalid or
//! missing one closes with 4403; no `connection_init` within the init
//! timeout closes with 4408; a second one with 4429; `subscribe` before the
//! ack with 4401; a reused operation id with 4409; anything malformed with
//! 4400. Every document goes through the same guard as over HTTP, a
//! connection runs a bounded number of operations, messages are bounded in
//! size, and everything sent waits in a bounded queue, so a client that
//! does not read stalls its own operations (whose subscriptions are then
//! dropped by the hub) instead of growing the server's memory.

use std::collections::HashMap;

use async_graphql::parser::types::OperationType;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cam_domain::identity::{Identity, IdentityProvider};
use cam_domain::user::ports::UserRepository;
use cam_domain::Principal;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio::task::AbortHandle;

use crate::graphql::loaders::loaders;
use crate::graphql::{guard, RequestId};
use crate::wiring::App;

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
    let Ok(permit) = app.live.connections.clone().try_acquire_owned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many WebSocket connections; retry later").into_response();
    };
    ws.on_upgrade(move |socket| serve(app, socket, permit, request_id.0))
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from(reason.to_string()) }))
}

fn text(v: Value) -> Message {
    Message::Text(Utf8Bytes::from(v.to_string()))
}

/// Why a connection ends, and how the client is told.
enum End {
    /// The client left or the socket failed.
    Gone,
    /// Closed by the server with this code.
    Close(u16, &'static str),
}

async fn serve(app: App, socket: WebSocket, _permit: OwnedSemaphorePermit, connection_id: String) {
    let (mut sink, mut incoming) = socket.split();
    let (out, mut outgoing) = mpsc::channel::<Message>(OUTGOING_QUEUE);
    let writer = tokio::spawn(async move {
        while let Some(m) = outgoing.recv().await {
            let closing = matches!(m, Message::Close(_));
            if sink.send(m).await.is_err() || closing {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let (done_tx, mut done) = mpsc::unbounded_channel::<(String, u64)>();
    let mut conn =
        Connection { app: app.clone(), out: out.clone(), principal: None, operations: HashMap::new(), started: 0 };
    let init_deadline = tokio::time::sleep(app.live.limits.init_timeout);
    tokio::pin!(init_deadline);
    let mut init_seen = false;
    let end = loop {
        tokio::select! {
            // Ended operations first: their ids are free before the next message.
            biased;
            Some((id, seq)) = done.recv() => {
                if conn.operations.get(&id).is_some_and(|(s, _)| *s == seq) {
                    conn.operations.remove(&id);
                }
            }
            _ = &mut init_deadline, if !init_seen => break End::Close(4408, "Connection initialisation timeout"),
            message = incoming.next() => {
                let message = match message {
                    Some(Ok(m)) => m,
                    // Too large a message or a broken frame (a reset too: the
                    // close then goes nowhere).
                    Some(Err(_)) => break End::Close(1009, "message too large or malformed"),
                    None => break End::Gone,
                };
                let text = match message {
                    Message::Text(t) => t,
                    Message::Close(_) => break End::Gone,
                    Message::Ping(_) | Message::Pong(_) => continue,
                    Message::Binary(_) => break End::Close(4400, "binary messages are not supported"),
                };
                let Ok(Value::Object(msg)) = serde_json::from_str::<Value>(text.as_str()) else {
                    break End::Close(4400, "messages must be JSON objects");
                };
                match msg.get("type").and_then(Value::as_str) {
                    Some("connection_init") => {
                        if init_seen {
                            break End::Close(4429, "Too many initialisation requests");
                        }
                        init_seen = true;
                        match authenticate(&app, msg.get("payload")).await {
                            Some(p) => {
                                conn.principal = Some(p);
                                if out.send(text_msg("connection_ack")).await.is_err() {
                                    break End::Gone;
                                }
                            }
                            None => break End::Close(4403, "Forbidden"),
                        }
                    }
                    Some("ping") => {
                        if out.send(text_msg("pong")).await.is_err() {
                            break End::Gone;
                        }
                    }
                    Some("pong") => {}
                    Some("subscribe") => {
                        let Some(id) = msg.get("id").and_then(Value::as_str).filter(|i| !i.is_empty() && i.len() <= 128) else {
                            break End::Close(4400, "subscribe needs an id");
                        };
                        let Some(principal) = conn.principal.clone() else { break End::Close(4401, "Unauthorized") };
                        if conn.operations.contains_key(id) {
                            break End::Close(4409, "Subscriber for this id already exists");
                        }
                        let Some(payload) = msg.get("payload").cloned() else {
                            break End::Close(4400, "subscribe needs a payload");
                        };
                        if conn.start(id, payload, principal, &connection_id, done_tx.clone()).await.is_err() {
                            break End::Gone;
                        }
                    }
                    Some("complete") => {
                        if let Some((_, op)) = msg.get("id").and_then(Value::as_str).and_then(|id| conn.operations.remove(id)) {
                            op.abort();
                        }
                    }
                    _ => break End::Close(4400, "unknown message type"),
                }
            }
        }
    };
    for (_, (_, op)) in conn.operations.drain() {
        op.abort();
    }
    if let End::Close(code, reason) = end {
        let _ = out.send(close(code, reason)).await;
    }
    drop(out);
    drop(conn);
    let _ = writer.await;
}

fn text_msg(ty: &str) -> Message {
    text(json!({ "type": ty }))
}

struct Connection {
    app: App,
    out: mpsc::Sender<Message>,
    principal: Option<Principal>,
    /// Running operations by id, each with its start number.
    operations: HashMap<String, (u64, AbortHandle)>,
    started: u64,
}

impl Connection {
    /// Starts an operation, or answers `error` for it (refused by the
    /// guard, one too many, malformed). Errors: the client is gone.
    async fn start(
        &mut self,
        id: &str,
        payload: Value,
        principal: Principal,
        connection_id: &str,
        done: mpsc::UnboundedSender<(String, u64)>,
    ) -> Result<(), ()> {
        let refuse = |code: &str, message: &str| {
            text(json!({"type": "error", "id": id, "payload": [{"message": message, "extensions": {"code": code}}]}))
        };
        if self.operations.len() >= self.app.live.limits.max_operations_per_connection {
            let m = format!(
                "at most {} operations at once on one connection",
                self.app.live.limits.max_operations_per_connection
            );
            return self.out.send(refuse(guard::LIMIT_EXCEEDED, &m)).await.map_err(|_| ());
        }
        let mut request: async_graphql::Request = match serde_json::from_value(payload) {
            Ok(r) => r,
            Err(_) => {
                let m = "the payload must be {\"query\", \"variables\", \"operationName\"}";
                return self.out.send(refuse(guard::BAD_REQUEST, m)).await.map_err(|_| ());
            }
        };
        if request.operation_name.as_deref().is_some_and(str::is_empty) {
            request.operation_name = None;
        }
        let inspected = match guard::inspect(&mut request) {
            Ok(i) => i,
            Err(rejection) => return self.out.send(refuse(rejection.code, &rejection.message)).await.map_err(|_| ()),
        };
        let subscription = inspected.ty == OperationType::Subscription;
        let mut request = request.data(principal).data(RequestId(format!("{connection_id}/{id}")));
        if !subscription {
            // A subscription resolves each event without a request-wide cache.
            request = request.data(loaders(&self.app.cam));
        }
        let schema = self.app.schema.clone();
        let out = self.out.clone();
        let op_id = id.to_string();
        self.started += 1;
        let seq = self.started;
        let task = tokio::spawn(async move {
            let mut responses = schema.execute_stream(request);
            let mut first = true;
            let mut last = json!({"type": "complete", "id": op_id});
            while let Some(mut response) = responses.next().await {
                let request_error = response.data == async_graphql::Value::Null && !response.errors.is_empty();
                for e in response.errors.iter_mut().filter(|e| e.path.is_empty()) {
                    let ext = e.extensions.get_or_insert_with(Default::default);
                    if ext.get("code").is_none() {
                        ext.set("code", guard::pre_execution_code(&e.message));
                    }
                }
                // Refused before any event (validation, NOT_FOUND, FORBIDDEN):
                // the protocol's `error`, which ends the operation.
                if first && request_error && subscription {
                    last = json!({"type": "error", "id": op_id, "payload": response.errors});
                    break;
                }
                first = false;
                if out.send(text(json!({"type": "next", "id": op_id, "payload": response}))).await.is_err() {
                    return;
                }
            }
            // Ended before the client hears it, so that the id is free again
            // when the client reuses it.
            let _ = done.send((op_id, seq));
            let _ = out.send(text(last)).await;
        });
        self.operations.insert(id.to_string(), (seq, task.abort_handle()));
        Ok(())
    }
}

/// The principal named by `connection_init`'s payload
/// (`{"Authorization": "Bearer …"}`); `None` for a missing, invalid or
/// expired token or an unknown user.
async fn authenticate(app: &App, payload: Option<&Value>) -> Option<Principal> {
    let payload = payload?.as_object()?;
    let value = payload.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).and_then(|(_, v)| v.as_str())?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    if token.is_empty() {
        return None;
    }
    let identity: &dyn IdentityProvider = app.identity.as_ref();
    match identity.authenticate(token).ok()? {
        Identity::Operator => Some(Principal::Operator),
        Identity::User(email) => match app.store.find_user_by_email(&email).await {
            Ok(found) => found.map(Principal::User),
            Err(e) => {
                tracing::warn!(error = %e, "could not look up a WebSocket token's user");
                None
            }
        },
    }
}
