//! GraphQL over HTTP: `GET` and `POST /graphql`, each request run in named
//! steps: admitted (persisted query, guard, method), signed in, executed,
//! answered.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql_axum::GraphQLRequest;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use tracing::Instrument;

use super::answer::{graphql_response, refused_before_execution, Body};
use super::policy::{error_response, Unreadable};
use super::signed::{authenticate, Signed};
use crate::graphql::guard::{self, Inspected};
use crate::graphql::loaders::loaders;
use crate::graphql::{error, order, RequestId};
use crate::labels::{Caller, Operation};
use crate::wiring::App;

pub(super) async fn graphql_post(
    State(app): State<App>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    request: GraphQLRequest<Unreadable>,
) -> Response {
    execute(&app, &headers, id, request.into_inner(), false).await
}

/// A WebSocket upgrade, the playground, or a request in the query string.
pub(super) async fn graphql_get(
    State(app): State<App>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    Query(params): Query<HashMap<String, String>>,
    request: Result<GraphQLRequest<Unreadable>, Unreadable>,
) -> Response {
    if let Ok(ws) = upgrade {
        let mut r = super::ws::upgrade(app, ws, id);
        r.extensions_mut().insert(Operation("subscription".into()));
        return r;
    }
    // The playground, unless the query string holds a request; a persisted
    // query (APQ) may come by hash alone, without `query`.
    if !params.contains_key("query") && !params.contains_key("extensions") {
        return super::playground::page();
    }
    let mut request = match request {
        Ok(r) => r.into_inner(),
        Err(refused) => return refused.into_response(),
    };
    // async-graphql reads `operation_name` from a query string; GraphQL over
    // HTTP names it `operationName`.
    if let Some(op) = params.get("operationName").filter(|o| !o.is_empty()) {
        request.operation_name = Some(op.clone());
    }
    execute(&app, &headers, id, request, true).await
}

/// Runs one GraphQL request: the guard first (no database, milliseconds),
/// then the token, then the schema. `get` refuses mutations (405).
async fn execute(
    app: &App,
    headers: &HeaderMap,
    request_id: RequestId,
    mut request: async_graphql::Request,
    get: bool,
) -> Response {
    if request.operation_name.as_deref().is_some_and(str::is_empty) {
        request.operation_name = None;
    }
    let (inspected, document) = match admit(app, headers, &mut request, get).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    let signed = match authenticate(app, headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let caller = signed.caller();
    let response = run(app, request, &document, &request_id.0, signed).await;
    respond(app, headers, &inspected, response, caller, &request_id.0)
}

/// What is checked before any database work: the persisted query (APQ),
/// the guard, and no mutation over GET; the request is left parsed, and
/// the checked document is returned too. Errors: the refusal's answer.
async fn admit(
    app: &App,
    headers: &HeaderMap,
    request: &mut async_graphql::Request,
    get: bool,
) -> Result<(Inspected, Arc<ExecutableDocument>), Response> {
    let sent_with_hash = super::apq::resolve(app, headers, request).await?;
    let (inspected, document) = app
        .documents
        .inspect(request)
        .map_err(|rejection| refused_before_execution(app, headers, &rejection.message, rejection.code))?;
    if let Some(hash) = sent_with_hash {
        super::apq::remember(app, headers, request, hash).await?;
    }
    if get && matches!(inspected.ty, OperationType::Mutation | OperationType::Subscription) {
        let mut r =
            error_response(StatusCode::METHOD_NOT_ALLOWED, "BAD_REQUEST", "mutations are only accepted over POST");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return Err(r);
    }
    Ok((inspected, document))
}

/// Executes an admitted request as `signed`, with the request's loaders,
/// and puts the response's fields back in the order `document` asks them.
async fn run(
    app: &App,
    request: async_graphql::Request,
    document: &ExecutableDocument,
    request_id: &str,
    signed: Signed,
) -> async_graphql::Response {
    let operation = request.operation_name.clone();
    let mut request = request.data(RequestId(request_id.to_string())).data(loaders(&app.cam));
    match signed {
        Signed::As(p) => request = request.data(p),
        Signed::NoAccess => request = request.data(crate::graphql::NoAccess),
        Signed::Anonymous => {}
    }
    let span = crate::graphql::operation_span(operation.as_deref());
    let mut response = app.schema.execute(request).instrument(span).await;
    order::order_like_selection(document, operation.as_deref(), &mut response.data);
    response
}

/// The operation's label in the access log and the metrics: its root
/// field (`query.viewer`), `other` for a request error.
fn operation_label(inspected: &Inspected, request_error: bool) -> String {
    let word = match inspected.ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    };
    match (&inspected.root_field, request_error) {
        (_, true) => "other".to_string(),
        (Some(f), false) => format!("{word}.{f}"),
        (None, false) => word.to_string(),
    }
}

/// The HTTP answer to an executed request, counted in the metrics and
/// labelled for the access log.
fn respond(
    app: &App,
    headers: &HeaderMap,
    inspected: &Inspected,
    mut response: async_graphql::Response,
    caller: Caller,
    request_id: &str,
) -> Response {
    // Errors the schema raised before execution carry no code and no path.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    guard::code_pre_execution_errors(&mut response.errors);
    let label = operation_label(inspected, request_error);
    if !response.errors.is_empty() {
        app.metrics.record_graphql_errors(&label);
    }
    let body = Body {
        data: (!request_error).then_some(&response.data),
        errors: &response.errors,
        extensions: &response.extensions,
    };
    let body = match serde_json::to_vec(&body) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(request_id = %request_id, error = %e, "could not serialise a response");
            return error_response(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error");
        }
    };
    let unavailable = response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::String(error::SERVICE_UNAVAILABLE.to_string()))
    });
    let mut r = graphql_response(headers, body, request_error, unavailable);
    r.extensions_mut().insert(Operation(label));
    r.extensions_mut().insert(caller);
    r
}
