//! Automatic persisted queries (Apollo's APQ, version 1): a request sent
//! by hash alone runs the document stored under that hash, which the
//! guard then checks whole; an unknown hash asks the client for the
//! document. A document sent with its hash is stored once the guard has
//! accepted it and the hash is its SHA-256.

use async_graphql::extensions::apollo_persisted_queries::CacheStorage;
use axum::http::HeaderMap;
use axum::response::Response;

use super::answer::{one_error, refused_before_execution};
use crate::graphql::guard;
use crate::wiring::App;

const INVALID: &str = "Invalid \"PersistedQuery\" extension configuration.";

/// Takes the `sha256Hash` of an APQ request out of
/// `extensions.persistedQuery`. Errors: the extension is not version 1 or
/// has no hash (messages as async-graphql's own extension gave them).
fn take_persisted(request: &mut async_graphql::Request) -> Result<Option<String>, &'static str> {
    let Some(value) = request.extensions.remove("persistedQuery") else { return Ok(None) };
    let async_graphql::Value::Object(pq) = value else {
        return Err(INVALID);
    };
    match pq.get("version") {
        Some(async_graphql::Value::Number(v)) if v.as_i64() == Some(1) => {}
        Some(async_graphql::Value::Number(_)) => {
            return Err("Only the \"PersistedQuery\" extension of version \"1\" is supported.")
        }
        _ => return Err(INVALID),
    }
    match pq.get("sha256Hash") {
        Some(async_graphql::Value::String(h)) => Ok(Some(h.clone())),
        _ => Err(INVALID),
    }
}

/// Before the guard: a request sent by hash alone gets its stored
/// document. The hash of a document sent with it, to check and store with
/// [`remember`] once the guard accepted it. Errors: the answer (a malformed
/// extension, an unknown hash).
pub(super) async fn resolve(
    app: &App,
    headers: &HeaderMap,
    request: &mut async_graphql::Request,
) -> Result<Option<String>, Response> {
    let hash = match take_persisted(request) {
        Ok(Some(hash)) => hash,
        Ok(None) => return Ok(None),
        Err(message) => {
            return Err(refused_before_execution(app, headers, message, guard::pre_execution_code(message)))
        }
    };
    if !request.query.is_empty() {
        return Ok(Some(hash));
    }
    match app.persisted.get(hash).await {
        Some(doc) => {
            request.set_parsed_query(doc);
            Ok(None)
        }
        None => Err(one_error(headers, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", false)),
    }
}

/// After the guard: stores the document sent with `hash`. Errors: the
/// hash is not the document's SHA-256 (a request error).
pub(super) async fn remember(
    app: &App,
    headers: &HeaderMap,
    request: &mut async_graphql::Request,
    hash: String,
) -> Result<(), Response> {
    use sha2::Digest;
    if format!("{:x}", sha2::Sha256::digest(request.query.as_bytes())) != hash {
        let message = "provided sha does not match query";
        return Err(refused_before_execution(app, headers, message, guard::pre_execution_code(message)));
    }
    if let Ok(doc) = request.parsed_query() {
        app.persisted.set(hash, doc.clone()).await;
    }
    Ok(())
}
