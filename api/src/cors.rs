//! CORS (`CAM_CORS_ORIGINS`): which browser origins may call the API. None
//! by default. The CSRF posture does not depend on it: POST bodies must be
//! JSON (a cross-origin form cannot send one without a preflight) and GET
//! never mutates. Tokens travel in the `Authorization` header, never in
//! cookies, so credentials are not allowed.

use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

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
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, request_id.clone()])
            .expose_headers([request_id])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}
