//! SCIM 2.0 (RFC 7643/7644) for client accounts (R44): a transport adapter
//! over the domain's SCIM use cases, mounted at `/scim/v2`. It translates
//! the protocol (documents, filters, PatchOp, paging, errors) and nothing
//! else: who is a SCIM user and what may change is decided by the domain.
//!
//! Every request carries a bearer SCIM token of one client account
//! (`createScimToken`); a wrong or revoked one is a 401. A token sees only
//! its account: any other id answers 404 like an unknown one. Bodies are
//! JSON (`application/scim+json` or `application/json`), at most the
//! router's 1 MiB; answers are `application/scim+json`.

// A refused SCIM request returns its error document as the `Err` of these
// handlers' helpers: one `Response` per refused request, never stored.
#![allow(clippy::result_large_err)]

mod discovery;
mod doc;
mod filter;
mod patch;
mod users;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use cam_domain::scim::model::ScimCaller;
use cam_domain::{Code, Error};
use serde_json::{json, Value};

use crate::labels::{Caller, Operation};
use crate::wiring::App;

pub const CONTENT_TYPE: &str = "application/scim+json";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The SCIM routes, to be nested at `/scim/v2`.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/ServiceProviderConfig", get(users::service_provider_config))
        .route("/ResourceTypes", get(users::resource_types))
        .route("/ResourceTypes/{id}", get(users::resource_type))
        .route("/Schemas", get(users::schemas))
        .route("/Schemas/{id}", get(users::schema))
        .route("/Users", get(users::list).post(users::create))
        .route("/Users/.search", post(users::search))
        .route("/Users/{id}", get(users::get_one).put(users::replace).patch(users::modify).delete(users::remove))
        .route("/.search", post(users::search_everything))
        .fallback(users::unknown)
}

/// The metrics and access-log route of a SCIM path: a fixed set, never an id.
pub fn route_label(path: &str) -> &'static str {
    let rest = path.strip_prefix("/scim/v2").unwrap_or(path);
    match rest {
        "/ServiceProviderConfig" => "/scim/v2/ServiceProviderConfig",
        "/ResourceTypes" => "/scim/v2/ResourceTypes",
        "/Schemas" => "/scim/v2/Schemas",
        "/Users" => "/scim/v2/Users",
        "/Users/.search" => "/scim/v2/Users/.search",
        p if p.starts_with("/ResourceTypes/") => "/scim/v2/ResourceTypes/{id}",
        p if p.starts_with("/Schemas/") => "/scim/v2/Schemas/{id}",
        p if p.starts_with("/Users/") => "/scim/v2/Users/{id}",
        _ => "/scim/v2/unmatched",
    }
}

/// The SCIM endpoint's public URL (for `Location` and `meta.location`).
fn base(app: &App) -> String {
    format!("{}/scim/v2", app.cam.public_url())
}

/// A SCIM answer: `application/scim+json`, labelled for the metrics.
fn answer(status: StatusCode, body: &Value, operation: &'static str) -> Response {
    let mut r = (status, [(header::CONTENT_TYPE, CONTENT_TYPE)], body.to_string()).into_response();
    r.extensions_mut().insert(Operation(operation.to_string()));
    r.extensions_mut().insert(Caller("scim"));
    r
}

/// A SCIM error document (RFC 7644 §3.12).
pub(crate) fn scim_error(
    status: StatusCode,
    scim_type: Option<&str>,
    detail: &str,
    operation: &'static str,
) -> Response {
    let mut body = json!({"schemas": [ERROR_SCHEMA], "status": status.as_u16().to_string(), "detail": detail});
    if let Some(t) = scim_type {
        body["scimType"] = json!(t);
    }
    let mut r = answer(status, &body, operation);
    match status {
        StatusCode::UNAUTHORIZED => {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"scim\""));
            r.extensions_mut().insert(Caller("unauthenticated"));
        }
        StatusCode::SERVICE_UNAVAILABLE => {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        _ => {}
    }
    r
}

/// A use case's error as a SCIM error: not found 404; a taken email or
/// userName 409 `uniqueness`; R26 and R31 409; bad input 400
/// `invalidValue`; storage 503 or 500 (logged, never shown).
fn domain_error(e: Error, operation: &'static str) -> Response {
    match e {
        Error::Refused(rs) => {
            let Some(r) = rs.into_iter().next() else {
                return scim_error(StatusCode::BAD_REQUEST, Some("invalidValue"), "refused", operation);
            };
            let (status, scim_type) = match r.code {
                Code::NotFound => (StatusCode::NOT_FOUND, None),
                Code::AlreadyExists | Code::AlreadyMember => (StatusCode::CONFLICT, Some("uniqueness")),
                Code::LastSuperAdmin | Code::CannotRemoveSuperAdmin => (StatusCode::CONFLICT, None),
                _ => (StatusCode::BAD_REQUEST, Some("invalidValue")),
            };
            let detail = match r.field.as_deref() {
                Some([_, f, ..]) if status == StatusCode::BAD_REQUEST => format!("{f}: {}", r.message),
                _ => r.message,
            };
            scim_error(status, scim_type, &detail, operation)
        }
        Error::Forbidden(why) => scim_error(StatusCode::FORBIDDEN, None, &why, operation),
        Error::Storage(s) => {
            use cam_domain::StorageError::{Transient, Unavailable};
            match s {
                Unavailable(_) | Transient(_) => {
                    tracing::warn!(error = %s, "storage unavailable");
                    scim_error(
                        StatusCode::SERVICE_UNAVAILABLE,
                        None,
                        "the service is busy; retry in a moment",
                        operation,
                    )
                }
                _ => {
                    tracing::error!(error = %s, "internal error");
                    scim_error(StatusCode::INTERNAL_SERVER_ERROR, None, "internal error", operation)
                }
            }
        }
    }
}

/// The client account of the request's bearer SCIM token.
/// Errors: a 401 (no, a wrong or a revoked token) or a 503.
async fn caller(app: &App, headers: &HeaderMap, operation: &'static str) -> Result<ScimCaller, Response> {
    let unauth = |why: &str| scim_error(StatusCode::UNAUTHORIZED, None, why, operation);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauth("send Authorization: Bearer <SCIM token>"))?;
    match app.cam.scim.scim_authenticate(token).await {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(unauth("the SCIM token is not valid or was revoked")),
        Err(e) => Err(domain_error(e, operation)),
    }
}

/// A JSON body. Errors: a 400 `invalidSyntax`.
fn json_body(body: &Bytes, operation: &'static str) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|_| {
        scim_error(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "the body is not valid JSON", operation)
    })
}
