//! CORS (`CAM_CORS_ORIGINS`): which browser origins may call the API. None
//! by default. The CSRF posture does not depend on it: POST bodies must be
//! JSON (a cross-origin form cannot send one without a preflight) and GET
//! never mutates. Tokens travel in the `Authorization` header, never in
//! cookies, so credentials are not allowed.
//!
//! An allowed origin may send whatever request headers its preflight asks
//! for (Apollo Client's `apollographql-client-name`,
//! `apollographql-client-version`, `apollo-require-preflight`, tracing
//! headers…): with no cookies, a header can give a page no power its origin
//! lacks. WebSockets are not covered by the browser's same-origin policy:
//! when the list is set, an upgrade from a page on another origin is
//! refused with 403 ([`refuse_foreign_websockets`]).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// Parses `CAM_CORS_ORIGINS`: comma-separated origins (`https://app.example`,
/// scheme and host and optional port, no path), or `*`. Errors: a one-line
/// reason naming the bad entry.
pub fn parse_origins(raw: &str) -> Result<Vec<HeaderValue>, String> {
    let mut out = Vec::new();
    for o in raw.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let ok = o == "*"
            || ((o.starts_with("http://") || o.starts_with("https://"))
                && !o.trim_start_matches("http://").trim_start_matches("https://").contains('/')
                && o.len() <= 256);
        if !ok {
            return Err(format!("CAM_CORS_ORIGINS: {o:?} is not an origin like https://app.example[:port] or *"));
        }
        out.push(HeaderValue::from_str(o).map_err(|_| format!("CAM_CORS_ORIGINS: {o:?} is not a valid header value"))?);
    }
    Ok(out)
}

/// The layer for these origins; `None` when there are none.
pub fn layer(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") { AllowOrigin::any() } else { AllowOrigin::list(origins.to_vec()) };
    let request_id = HeaderName::from_static("x-request-id");
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(AllowHeaders::mirror_request())
            .expose_headers([request_id])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}

/// The host and port of an origin (`https://cam.example:8443` →
/// `cam.example:8443`); `None` for `null` and anything that is no origin.
fn authority(origin: &str) -> Option<&str> {
    let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains('/')).then_some(rest)
}

/// Whether a browser's `Origin` is this server's own: the host it was
/// asked for (`Host`), or the origin of its public URL.
pub fn same_origin(origin: &str, headers: &HeaderMap, public_url: &str) -> bool {
    let Some(asked) = authority(origin) else { return false };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let public = public_url.trim_end_matches('/');
    host.is_some_and(|h| h.eq_ignore_ascii_case(asked))
        || authority(public).is_some_and(|p| p.eq_ignore_ascii_case(asked) && origin.eq_ignore_ascii_case(public))
}

/// Whether an upgrade to a WebSocket may go on: clients that send no
/// `Origin` are not browsers; a browser page may connect from this server
/// itself (the playground) or from an origin of the list.
pub fn websocket_origin_allowed(headers: &HeaderMap, allowed: &[HeaderValue], public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    allowed.iter().any(|a| a == "*" || a == origin)
        || origin.to_str().is_ok_and(|o| same_origin(o, headers, public_url))
}

/// What [`refuse_foreign_websockets`] checks against.
#[derive(Clone)]
pub struct WebSocketOrigins {
    pub allowed: Arc<Vec<HeaderValue>>,
    pub public_url: Arc<str>,
}

/// With `CAM_CORS_ORIGINS` set, refuses (403) a WebSocket upgrade from a
/// browser page on an origin outside it, before it reaches GraphQL.
pub async fn refuse_foreign_websockets(State(o): State<WebSocketOrigins>, request: Request, next: Next) -> Response {
    let upgrade = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|u| u.to_str().ok())
        .is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
    if upgrade && !websocket_origin_allowed(request.headers(), &o.allowed, &o.public_url) {
        return (StatusCode::FORBIDDEN, "this origin may not open a WebSocket here (CAM_CORS_ORIGINS)").into_response();
    }
    next.run(request).await
}
