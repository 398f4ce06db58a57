//! The policies in front of GraphQL over HTTP, before async-graphql-axum
//! reads a request: the body only as `application/json` (CSRF), at most
//! 1 MiB, one operation and not a batch; and the answers, as JSON with a
//! stable code, to what they or async-graphql-axum refuse.

use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The largest request body, on every route.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A refusal as a GraphQL-style error document with its code; a 401 also
/// says `WWW-Authenticate: Bearer`.
pub(super) fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"errors": [{"message": message, "extensions": {"code": code}}]});
    let mut r = (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    r
}

fn bad_request(message: &str) -> Response {
    error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

fn too_large() -> Response {
    error_response(StatusCode::PAYLOAD_TOO_LARGE, "BAD_REQUEST", "the body is larger than 1 MiB")
}

const NO_BATCH: &str = "batched requests are not supported; send one operation";

/// Whether a request says its body is `application/json`.
fn is_json(request: &axum::extract::Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .is_some_and(|c| c.trim().eq_ignore_ascii_case("application/json"))
}

/// The policy in front of GraphQL over HTTP POST, before async-graphql-axum
/// reads the request: the body only as `application/json` (no form or
/// text/plain request can act: CSRF), at most 1 MiB, and one operation,
/// not a batch.
pub(super) async fn graphql_post_policy(request: axum::extract::Request, next: Next) -> Response {
    if request.method() != axum::http::Method::POST {
        return next.run(request).await;
    }
    if !is_json(&request) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            "POST bodies must be application/json",
        );
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(e) if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) => {
            return too_large();
        }
        // Cut short, or not sent within the body timeout.
        Err(_) => return bad_request("the body could not be read"),
    };
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return bad_request(NO_BATCH);
    }
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// A request async-graphql-axum could not read, answered as JSON with a
/// stable code.
pub(crate) struct Unreadable(async_graphql::ParseRequestError);

impl From<async_graphql::ParseRequestError> for Unreadable {
    fn from(e: async_graphql::ParseRequestError) -> Self {
        Self(e)
    }
}

impl IntoResponse for Unreadable {
    fn into_response(self) -> Response {
        use async_graphql::ParseRequestError as E;
        match self.0 {
            E::PayloadTooLarge => too_large(),
            E::InvalidRequest(e) if e.downcast_ref::<serde_json::Error>().is_some_and(|e| e.is_data()) => {
                bad_request("the body must be {\"query\", \"variables\", \"operationName\"}")
            }
            E::UnsupportedBatch => bad_request(NO_BATCH),
            // A query string async-graphql could not read (GET).
            E::Io(e) if e.kind() == std::io::ErrorKind::Other => {
                bad_request(&format!("the query string is not a request: {e}"))
            }
            _ => bad_request("the body is not valid JSON"),
        }
    }
}
