//! `Operations`: the executor async-graphql-axum runs each operation
//! with. Every document goes through the same guard as over HTTP, and a
//! refused operation is answered with the protocol's `error` message
//! (async-graphql would send `next`).

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor};
use axum::extract::ws::Message;
use futures::channel::mpsc;
use futures::stream::BoxStream;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tracing::Instrument;

use super::{close, error_message, lock, Connection, TOKEN_EXPIRED};
use crate::graphql::loaders::loaders;
use crate::graphql::{guard, RequestId};
use crate::wiring::App;

/// What async-graphql-axum sends the client of one operation.
type Responses = BoxStream<'static, async_graphql::Response>;

/// The executor async-graphql-axum runs each operation with: the schema,
/// behind the guard, as the connection's principal.
#[derive(Clone)]
pub(super) struct Operations {
    pub(super) app: App,
    pub(super) shared: Arc<Connection>,
    pub(super) out: mpsc::Sender<Message>,
    pub(super) connection_id: String,
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
    fn answer(&self, id: &str, errors: Value, running: Running) -> Responses {
        let mut out = self.out.clone();
        let message = error_message(id, errors);
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

    /// Operation `id` as the schema will run it: through the guard, as the
    /// connection's principal, with the request's loaders unless it is a
    /// subscription (and whether it is one). Errors: the protocol's `error`
    /// that ends it.
    fn admit(
        &self,
        id: &str,
        mut request: async_graphql::Request,
        running: Running,
    ) -> Result<(async_graphql::Request, bool, Running), Responses> {
        if request.operation_name.as_deref().is_some_and(str::is_empty) {
            request.operation_name = None;
        }
        let inspected = match guard::inspect(&mut request) {
            Ok(i) => i,
            Err(r) => {
                return Err(self.answer(id, json!([{"message": r.message, "extensions": {"code": r.code}}]), running))
            }
        };
        let Some(principal) = lock(&self.shared.principal).clone() else {
            return Err(self.answer(
                id,
                json!([{"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}]),
                running,
            ));
        };
        let subscription = inspected.ty == OperationType::Subscription;
        let mut request = request.data(principal).data(RequestId(format!("{}/{id}", self.connection_id)));
        if !subscription {
            // A subscription resolves each event without a request-wide cache.
            request = request.data(loaders(&self.app.cam));
        }
        Ok((request, subscription, running))
    }
}

impl Executor for Operations {
    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        // Not used over WebSocket, where every operation is a stream.
        let span = crate::graphql::operation_span(request.operation_name.as_deref());
        self.app.schema.execute(request).instrument(span).await
    }

    fn execute_stream(&self, request: async_graphql::Request, _session: Option<Arc<Data>>) -> Responses {
        let id = lock(&self.shared.starting).pop_front().unwrap_or_default();
        let running = Running { id: id.clone(), shared: self.shared.clone() };
        let (request, subscription, running) = match self.admit(&id, request, running) {
            Ok(admitted) => admitted,
            Err(refused) => return refused,
        };
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
                guard::code_pre_execution_errors(&mut response.errors);
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
