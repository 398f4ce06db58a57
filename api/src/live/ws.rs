//! GraphQL over WebSocket, the `graphql-transport-ws` protocol (what the
//! `graphql-ws` library and Apollo Client speak), on `GET /graphql` with an
//! upgrade (R43).
//!
//! async-graphql-axum's `GraphQLWebSocket` speaks the protocol and runs
//! each operation; three thin pieces around it keep the contract's
//! refusals and limits:
//!
//! - `police`, in front of it, reads what the client sends: the token comes
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
//! - `Operations`, the executor it calls, sends every document through the
//!   same guard as over HTTP and answers a refused operation with the
//!   protocol's `error` message (async-graphql would send `next`).
//! - `write`, behind it, is the only writer to the socket: everything sent
//!   waits in a bounded queue, so a client that does not read stalls its
//!   own operations (whose subscriptions are then dropped by the hub)
//!   instead of growing the server's memory.
//!
//! When the server shuts down, every connection is closed with 1001.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use tracing::Instrument;

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cam_domain::identity::IdentityProvider;
use cam_domain::Principal;
use chrono::{DateTime, Utc};
use futures::channel::mpsc;
use futures::stream::{BoxStream, SplitStream};
use futures::{FutureExt, SinkExt, Stream, StreamExt};
use serde_json::{json, Value};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::slots::{Admitted, Holder, Refusal, SignedIn, WaitingPlace};

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

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from(reason.to_string()) }))
}

fn text(v: Value) -> Message {
    Message::Text(Utf8Bytes::from(v.to_string()))
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

/// What `police` keeps between messages.
struct Gate {
    app: App,
    incoming: SplitStream<WebSocket>,
    out: mpsc::Sender<Message>,
    shared: Arc<Connection>,
    init_seen: bool,
    init_deadline: Instant,
    /// Its waiting place until it signs in.
    waiting: Option<WaitingPlace>,
}

/// What `police` does with one message.
enum Verdict {
    /// Hand it to async-graphql.
    Pass(Message),
    /// Answered here; read the next one.
    Answered,
    /// Close the connection with this code.
    Close(u16, &'static str),
    /// The client left or the socket failed.
    Gone,
}

/// The client's messages as async-graphql may see them: what the contract
/// refuses is answered or closed here and never reaches it.
fn police(
    app: App,
    incoming: SplitStream<WebSocket>,
    out: mpsc::Sender<Message>,
    shared: Arc<Connection>,
) -> impl Stream<Item = Result<Message, axum::Error>> + Send + Unpin + 'static {
    let init_deadline = Instant::now() + app.live.limits.init_timeout;
    let waiting = Some(app.live.slots.wait());
    let gate = Gate { app, incoming, out, shared, init_seen: false, init_deadline, waiting };
    Box::pin(futures::stream::unfold(gate, |mut gate| async move {
        loop {
            match gate.next_verdict().await {
                Verdict::Pass(m) => return Some((Ok(m), gate)),
                Verdict::Answered => continue,
                Verdict::Close(code, reason) => {
                    let _ = gate.out.send(close(code, reason)).await;
                    return None;
                }
                Verdict::Gone => return None,
            }
        }
    }))
}

impl Gate {
    async fn next_verdict(&mut self) -> Verdict {
        let message = if self.init_seen {
            self.incoming.next().await
        } else {
            let displaced = async {
                match self.waiting.as_mut() {
                    Some(place) => {
                        let _ = (&mut place.displaced).await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                m = tokio::time::timeout_at(self.init_deadline, self.incoming.next()) => match m {
                    Ok(m) => m,
                    Err(_) => return Verdict::Close(4408, "Connection initialisation timeout"),
                },
                () = displaced => {
                    return Verdict::Close(4408, "Connection initialisation timeout: newer connections need its place")
                }
            }
        };
        let raw = match message {
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => return Verdict::Answered,
            Some(Ok(Message::Binary(_))) => return Verdict::Close(4400, "binary messages are not supported"),
            Some(Ok(Message::Close(_))) | None => return Verdict::Gone,
            // Too large a message or a broken frame (a reset too: the close
            // then goes nowhere).
            Some(Err(_)) => return Verdict::Close(1009, "message too large or malformed"),
        };
        let Ok(Value::Object(msg)) = serde_json::from_str::<Value>(raw.as_str()) else {
            return Verdict::Close(4400, "messages must be JSON objects");
        };
        match msg.get("type").and_then(Value::as_str) {
            Some("connection_init") => {
                if self.init_seen {
                    return Verdict::Close(4429, "Too many initialisation requests");
                }
                self.init_seen = true;
                let Some((p, expires_at)) = authenticate(&self.app, msg.get("payload")).await else {
                    return Verdict::Close(4403, "Forbidden");
                };
                let slot = match self.app.live.slots.sign_in(Holder::of(&p)) {
                    Ok(slot) => slot,
                    Err(Refusal::UserFull) => {
                        return Verdict::Close(1013, "Too many connections of this user; retry later")
                    }
                    Err(Refusal::ServerFull) => return Verdict::Close(1013, "Too many connections; retry later"),
                };
                self.waiting = None;
                *lock(&self.shared.slot) = Some(slot);
                *lock(&self.shared.expires_at) = expires_at;
                *lock(&self.shared.principal) = Some(p);
                self.shared.signed_in.notify_one();
                Verdict::Pass(Message::Text(raw))
            }
            Some("ping" | "pong") => Verdict::Pass(Message::Text(raw)),
            Some("subscribe") => self.subscribe(&msg, raw).await,
            Some("complete") => match msg.get("id").and_then(Value::as_str) {
                Some(id) => {
                    // The client ended it: async-graphql's `complete` in
                    // answer is not for the client (graphql-ws sends none).
                    if lock(&self.shared.running).contains(id) {
                        lock(&self.shared.answered).insert(id.to_string());
                    }
                    Verdict::Pass(Message::Text(raw))
                }
                None => Verdict::Close(4400, "complete needs an id"),
            },
            _ => Verdict::Close(4400, "unknown message type"),
        }
    }

    async fn subscribe(&mut self, msg: &serde_json::Map<String, Value>, raw: Utf8Bytes) -> Verdict {
        let Some(id) = msg.get("id").and_then(Value::as_str).filter(|i| !i.is_empty() && i.len() <= 128) else {
            return Verdict::Close(4400, "subscribe needs an id");
        };
        if lock(&self.shared.principal).is_none() {
            return Verdict::Close(4401, "Unauthorized");
        }
        if self.shared.expired() {
            return Verdict::Close(4403, TOKEN_EXPIRED);
        }
        let running = {
            let running = lock(&self.shared.running);
            if running.contains(id) {
                return Verdict::Close(4409, "Subscriber for this id already exists");
            }
            running.len()
        };
        let Some(payload) = msg.get("payload") else {
            return Verdict::Close(4400, "subscribe needs a payload");
        };
        let limit = self.app.live.limits.max_operations_per_connection;
        let refusal = if running >= limit {
            Some((guard::LIMIT_EXCEEDED, format!("at most {limit} operations at once on one connection")))
        } else if serde_json::from_value::<async_graphql::Request>(payload.clone()).is_err() {
            Some((guard::BAD_REQUEST, "the payload must be {\"query\", \"variables\", \"operationName\"}".into()))
        } else {
            None
        };
        if let Some((code, message)) = refusal {
            return match self.out.send(refused(id, code, &message)).await {
                Ok(()) => Verdict::Answered,
                Err(_) => Verdict::Gone,
            };
        }
        lock(&self.shared.running).insert(id.to_string());
        lock(&self.shared.starting).push_back(id.to_string());
        Verdict::Pass(Message::Text(raw))
    }
}

/// The protocol's `error` for one operation.
fn refused(id: &str, code: &str, message: &str) -> Message {
    text(json!({"type": "error", "id": id, "payload": [{"message": message, "extensions": {"code": code}}]}))
}

/// The executor async-graphql-axum runs each operation with: the schema,
/// behind the guard, as the connection's principal.
#[derive(Clone)]
struct Operations {
    app: App,
    shared: Arc<Connection>,
    out: mpsc::Sender<Message>,
    connection_id: String,
}

/// Frees an operation's id when async-graphql drops its stream (it ended,
/// or the client sent `complete`), before the client hears `complete`.
struct Running {
    id: String,
    shared: Arc<Connection>,
}

impl Drop for Running {
    fn drop(&mut self) {
        lock(&self.shared.running).remove(&self.id);
    }
}

impl Operations {
    /// Ends operation `id` with the protocol's `error` carrying `errors`.
    fn answer(&self, id: &str, errors: Value, running: Running) -> BoxStream<'static, async_graphql::Response> {
        let mut out = self.out.clone();
        let message = text(json!({"type": "error", "id": id, "payload": errors}));
        let shared = self.shared.clone();
        let id = id.to_string();
        futures::stream::once(async move {
            lock(&shared.answered).insert(id);
            let _ = out.send(message).await;
            drop(running);
        })
        .filter_map(|()| async { None })
        .boxed()
    }
}

impl Executor for Operations {
    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        // Not used over WebSocket, where every operation is a stream.
        let span = crate::graphql::operation_span(request.operation_name.as_deref());
        self.app.schema.execute(request).instrument(span).await
    }

    fn execute_stream(
        &self,
        mut request: async_graphql::Request,
        _session: Option<Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        let id = lock(&self.shared.starting).pop_front().unwrap_or_default();
        let running = Running { id: id.clone(), shared: self.shared.clone() };
        if request.operation_name.as_deref().is_some_and(str::is_empty) {
            request.operation_name = None;
        }
        let inspected = match guard::inspect(&mut request) {
            Ok(i) => i,
            Err(r) => {
                return self.answer(&id, json!([{"message": r.message, "extensions": {"code": r.code}}]), running)
            }
        };
        let Some(principal) = lock(&self.shared.principal).clone() else {
            return self.answer(
                &id,
                json!([{"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}]),
                running,
            );
        };
        let subscription = inspected.ty == OperationType::Subscription;
        let mut request = request.data(principal).data(RequestId(format!("{}/{id}", self.connection_id)));
        if !subscription {
            // A subscription resolves each event without a request-wide cache.
            request = request.data(loaders(&self.app.cam));
        }
        let this = self.clone();
        let span = crate::graphql::operation_span(request.operation_name.as_deref());
        let responses = self.app.schema.execute_stream(request);
        futures::stream::unfold((responses, Some(running), true), move |(mut responses, running, first)| {
            let this = this.clone();
            let id = id.clone();
            let span = span.clone();
            async move {
                let running = running?;
                let Some(mut response) = responses.next().instrument(span).await else {
                    drop(running);
                    return None;
                };
                if this.shared.expired() {
                    // R35: nothing more for a token that expired meanwhile.
                    let _ = this.out.clone().send(close(4403, TOKEN_EXPIRED)).await;
                    drop(running);
                    return None;
                }
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
                    let errors = serde_json::to_value(&response.errors).unwrap_or(Value::Null);
                    let mut answer = this.answer(&id, errors, running);
                    while answer.next().await.is_some() {}
                    return None;
                }
                Some((response, (responses, Some(running), false)))
            }
        })
        .boxed()
    }
}

/// The principal named by `connection_init`'s payload
/// (`{"Authorization": "Bearer …"}`) and when its token expires; `None`
/// for a missing, invalid or expired token or an unknown user.
async fn authenticate(app: &App, payload: Option<&Value>) -> Option<(Principal, Option<DateTime<Utc>>)> {
    let payload = payload?.as_object()?;
    let value = payload.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).and_then(|(_, v)| v.as_str())?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(str::trim)?;
    if token.is_empty() {
        return None;
    }
    let identity: &dyn IdentityProvider = app.identity.as_ref();
    let signed = identity.authenticate(token).await.ok()?;
    match app.cam.principal_of(signed.identity).await {
        Ok(found) => found.map(|p| (p, signed.expires_at)),
        Err(e) => {
            tracing::warn!(error = %cam_domain::chain(&e), "could not look up a WebSocket token's user");
            None
        }
    }
}
