//! `police`: the client's messages as async-graphql may see them. What the
//! contract refuses (no or a bad token, a late, second or missing
//! `connection_init`, a reused id, too many operations, malformed
//! messages) is answered or closed here and never reaches it.

use std::sync::Arc;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use cam_domain::identity::IdentityProvider;
use cam_domain::Principal;
use chrono::{DateTime, Utc};
use futures::channel::mpsc;
use futures::stream::SplitStream;
use futures::{SinkExt, Stream, StreamExt};
use serde_json::{json, Value};
use tokio::time::Instant;

use super::{close, error_message, lock, Connection, TOKEN_EXPIRED};
use crate::graphql::guard;
use crate::live::slots::{Holder, Refusal, WaitingPlace};
use crate::wiring::App;

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
pub(super) fn police(
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
        let raw = match self.receive().await {
            Ok(raw) => raw,
            Err(verdict) => return verdict,
        };
        let Ok(Value::Object(msg)) = serde_json::from_str::<Value>(raw.as_str()) else {
            return Verdict::Close(4400, "messages must be JSON objects");
        };
        match msg.get("type").and_then(Value::as_str) {
            Some("connection_init") => self.init(&msg, raw).await,
            Some("ping" | "pong") => Verdict::Pass(Message::Text(raw)),
            Some("subscribe") => self.subscribe(&msg, raw).await,
            Some("complete") => self.complete(&msg, raw),
            _ => Verdict::Close(4400, "unknown message type"),
        }
    }

    /// The next text message. Errors: what to do instead (the init
    /// timeout, or a newer connection took its waiting place; a ping; a
    /// binary, too large or broken message; the client left).
    async fn receive(&mut self) -> Result<Utf8Bytes, Verdict> {
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
                    Err(_) => return Err(Verdict::Close(4408, "Connection initialisation timeout")),
                },
                () = displaced => {
                    return Err(Verdict::Close(
                        4408,
                        "Connection initialisation timeout: newer connections need its place",
                    ))
                }
            }
        };
        match message {
            Some(Ok(Message::Text(t))) => Ok(t),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => Err(Verdict::Answered),
            Some(Ok(Message::Binary(_))) => Err(Verdict::Close(4400, "binary messages are not supported")),
            Some(Ok(Message::Close(_))) | None => Err(Verdict::Gone),
            // Too large a message or a broken frame (a reset too: the close
            // then goes nowhere).
            Some(Err(_)) => Err(Verdict::Close(1009, "message too large or malformed")),
        }
    }

    /// `connection_init`: signs the connection in with the token of its
    /// payload, in a slot within its user's share.
    async fn init(&mut self, msg: &serde_json::Map<String, Value>, raw: Utf8Bytes) -> Verdict {
        if self.init_seen {
            return Verdict::Close(4429, "Too many initialisation requests");
        }
        self.init_seen = true;
        let Some((p, expires_at)) = authenticate(&self.app, msg.get("payload")).await else {
            return Verdict::Close(4403, "Forbidden");
        };
        let slot = match self.app.live.slots.sign_in(Holder::of(&p)) {
            Ok(slot) => slot,
            Err(Refusal::UserFull) => return Verdict::Close(1013, "Too many connections of this user; retry later"),
            Err(Refusal::ServerFull) => return Verdict::Close(1013, "Too many connections; retry later"),
        };
        self.waiting = None;
        *lock(&self.shared.slot) = Some(slot);
        *lock(&self.shared.expires_at) = expires_at;
        *lock(&self.shared.principal) = Some(p);
        self.shared.signed_in.notify_one();
        Verdict::Pass(Message::Text(raw))
    }

    /// `complete`: the client ended an operation; async-graphql's
    /// `complete` in answer is not for the client (graphql-ws sends none).
    fn complete(&mut self, msg: &serde_json::Map<String, Value>, raw: Utf8Bytes) -> Verdict {
        let Some(id) = msg.get("id").and_then(Value::as_str) else {
            return Verdict::Close(4400, "complete needs an id");
        };
        if lock(&self.shared.running).contains(id) {
            lock(&self.shared.answered).insert(id.to_string());
        }
        Verdict::Pass(Message::Text(raw))
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
    error_message(id, json!([{"message": message, "extensions": {"code": code}}]))
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
    match app.cam.users.principal_of(signed.identity).await {
        Ok(found) => found.map(|p| (p, signed.expires_at)),
        Err(e) => {
            tracing::warn!(error = %cam_domain::chain(&e), "could not look up a WebSocket token's user");
            None
        }
    }
}
