//! The observation of every request: its id, one access-log line and its
//! metrics, labelled by route (never the path itself), operation and caller.

use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::graphql::RequestId;
use crate::labels::{Caller, Operation};
use crate::wiring::App;

const REQUEST_ID: &str = "x-request-id";

/// The route label of a path: one of the router's routes, never the path
/// itself (an access link's token is in its path).
fn route_label(path: &str) -> &'static str {
    match path {
        "/graphql" => "/graphql",
        "/livez" => "/livez",
        "/readyz" => "/readyz",
        "/healthz" => "/healthz",
        "/metrics" => "/metrics",
        p if p.starts_with("/playground/") => "/playground/{file}",
        p if p.starts_with("/access/") => match p.rsplit('/').next() {
            Some("accounts") if p.matches('/').count() == 3 => "/access/{token}/accounts",
            Some("approve") if p.matches('/').count() == 3 => "/access/{token}/approve",
            Some("decline") if p.matches('/').count() == 3 => "/access/{token}/decline",
            _ => "/access/{token}",
        },
        p if p.starts_with("/scim/") => crate::scim::route_label(p),
        p if p.starts_with("/assets/access/") => "/assets/access/{file}",
        "/auth/sign-in" => "/auth/sign-in",
        "/auth/callback" => "/auth/callback",
        "/auth/sign-out" => "/auth/sign-out",
        _ => "unmatched",
    }
}

/// An incoming `x-request-id` worth keeping: 1 to 64 printable ASCII
/// characters without spaces.
fn incoming_request_id(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(REQUEST_ID)?.to_str().ok()?;
    (!v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic())).then(|| v.to_string())
}

/// Every request: its id (the caller's if valid, else a new one) on every
/// log line of its span and on the response, one access-log line, and its
/// metrics, refused requests included.
pub(super) async fn observe(State(app): State<App>, mut request: axum::extract::Request, next: Next) -> Response {
    let started = Instant::now();
    let id = incoming_request_id(request.headers()).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    request.extensions_mut().insert(RequestId(id.clone()));
    let method = request.method().clone();
    let route = route_label(request.uri().path());
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span.clone()).await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    let operation = response.extensions().get::<Operation>().map_or("none", |o| o.0.as_str()).to_string();
    let caller = response.extensions().get::<Caller>().map_or("anonymous", |c| c.0);
    app.metrics.record_request(route, status, &operation, took);
    span.in_scope(|| {
        tracing::info!(
            method = %method,
            route,
            operation = %operation,
            status,
            duration_ms = (took.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
            caller,
            "request"
        )
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    response
}
