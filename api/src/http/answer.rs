//! The HTTP answer to a GraphQL request: its status, content type and
//! body, as GraphQL over HTTP asks.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::labels::Operation;
use crate::wiring::App;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains(GRAPHQL_RESPONSE))
}

/// A GraphQL response: `data` is left out when the request failed before
/// execution (GraphQL over HTTP), and fields keep the order they were asked
/// in.
#[derive(serde::Serialize)]
pub(super) struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

/// The HTTP answer to a GraphQL request: with
/// `application/graphql-response+json` a request that failed before
/// execution is a 400; a storage failure worth retrying is a 503 with
/// `Retry-After`.
pub(super) fn graphql_response(headers: &HeaderMap, body: Vec<u8>, request_error: bool, unavailable: bool) -> Response {
    let (content_type, status) = if wants_graphql_response(headers) {
        (GRAPHQL_RESPONSE, if request_error { StatusCode::BAD_REQUEST } else { StatusCode::OK })
    } else {
        ("application/json", StatusCode::OK)
    };
    let status = if unavailable { StatusCode::SERVICE_UNAVAILABLE } else { status };
    let mut r = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    if unavailable {
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

/// One error with its code, answered as a GraphQL response (a request
/// error when `request_error`) that answered no operation (`other`).
pub(super) fn one_error(headers: &HeaderMap, message: &str, code: &str, request_error: bool) -> Response {
    let body = json!({"errors": [{"message": message, "extensions": {"code": code}}]});
    let mut r = graphql_response(headers, body.to_string().into_bytes(), request_error, false);
    r.extensions_mut().insert(Operation("other".into()));
    r
}

/// A request refused before execution (by the guard, or a malformed APQ
/// extension): a request error with its stable code.
pub(super) fn refused_before_execution(app: &App, headers: &HeaderMap, message: &str, code: &str) -> Response {
    app.metrics.record_graphql_errors("other");
    one_error(headers, message, code, true)
}
