//! The SCIM handlers: discovery documents and the `User` resource. Each
//! reads the request, calls one use case and renders its answer.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use cam_domain::scim::model::{ScimCaller, ScimFilter, ScimUser, ScimUserInput};
use cam_domain::services::scim::MAX_RESULTS;
use cam_domain::{Code, Error, MembershipId};
use serde_json::{json, Value};

use super::doc::{self, USER_SCHEMA};
use super::{answer, base, caller, discovery, domain_error, filter, json_body, patch, scim_error};
use crate::wiring::App;

const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/// A user id of the path: a positive number, else no such user.
fn user_id(raw: &str) -> Option<MembershipId> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).map(MembershipId::new)
}

fn not_found(operation: &'static str) -> Response {
    scim_error(StatusCode::NOT_FOUND, None, "no such user", operation)
}

/// The caller (`caller`) and the user of the path. Errors: as `caller`,
/// or a 404 for an id that names no user.
async fn caller_and_user(
    app: &App,
    headers: &HeaderMap,
    id: &str,
    operation: &'static str,
) -> Result<(ScimCaller, MembershipId), Response> {
    let c = caller(app, headers, operation).await?;
    let id = user_id(id).ok_or_else(|| not_found(operation))?;
    Ok((c, id))
}

/// Names of `attributes`/`excludedAttributes`: top-level attribute names,
/// lower-cased, without the User schema's URN.
fn attribute_names(raw: Option<&str>) -> Vec<String> {
    let prefix = format!("{}:", USER_SCHEMA.to_ascii_lowercase());
    raw.unwrap_or_default()
        .split(',')
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| !a.is_empty())
        .map(|a| {
            let a = a.strip_prefix(&prefix).map(str::to_string).unwrap_or(a);
            a.split('.').next().unwrap_or_default().to_string()
        })
        .collect()
}

/// RFC 7644 §3.9: only the asked attributes (`id` and `schemas` always), or
/// all but the excluded ones.
fn project(mut v: Value, attributes: &[String], excluded: &[String]) -> Value {
    if let Some(o) = v.as_object_mut() {
        if !attributes.is_empty() {
            o.retain(|k, _| k == "id" || k == "schemas" || attributes.contains(&k.to_ascii_lowercase()));
        } else if !excluded.is_empty() {
            o.retain(|k, _| k == "id" || k == "schemas" || !excluded.contains(&k.to_ascii_lowercase()));
        }
    }
    v
}

/// A query parameter, its name compared case-insensitively.
fn param<'a>(q: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

pub async fn service_provider_config(State(app): State<App>, headers: HeaderMap) -> Response {
    const OP: &str = "scim.discovery";
    if let Err(r) = caller(&app, &headers, OP).await {
        return r;
    }
    answer(StatusCode::OK, &discovery::service_provider_config(&base(&app)), OP)
}

fn list_of(items: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": items.len(),
        "startIndex": 1,
        "itemsPerPage": items.len(),
        "Resources": items,
    })
}

pub async fn resource_types(State(app): State<App>, headers: HeaderMap) -> Response {
    const OP: &str = "scim.discovery";
    if let Err(r) = caller(&app, &headers, OP).await {
        return r;
    }
    answer(StatusCode::OK, &list_of(vec![discovery::user_resource_type(&base(&app))]), OP)
}

pub async fn resource_type(State(app): State<App>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    const OP: &str = "scim.discovery";
    if let Err(r) = caller(&app, &headers, OP).await {
        return r;
    }
    if id != "User" {
        return scim_error(StatusCode::NOT_FOUND, None, "no such resource type", OP);
    }
    answer(StatusCode::OK, &discovery::user_resource_type(&base(&app)), OP)
}

pub async fn schemas(State(app): State<App>, headers: HeaderMap) -> Response {
    const OP: &str = "scim.discovery";
    if let Err(r) = caller(&app, &headers, OP).await {
        return r;
    }
    answer(StatusCode::OK, &list_of(vec![discovery::user_schema(&base(&app))]), OP)
}

pub async fn schema(State(app): State<App>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    const OP: &str = "scim.discovery";
    if let Err(r) = caller(&app, &headers, OP).await {
        return r;
    }
    if id != USER_SCHEMA {
        return scim_error(StatusCode::NOT_FOUND, None, "no such schema", OP);
    }
    answer(StatusCode::OK, &discovery::user_schema(&base(&app)), OP)
}

/// What a list asks: filter, page, attributes.
struct ListRequest {
    filter: ScimFilter,
    start_index: u64,
    count: u32,
    attributes: Vec<String>,
    excluded: Vec<String>,
}

fn list_request(
    filter: Option<&str>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<&str>,
    excluded: Option<&str>,
    operation: &'static str,
) -> Result<ListRequest, Response> {
    let filter = match filter.map(str::trim).filter(|f| !f.is_empty()) {
        None => ScimFilter::default(),
        Some(f) => filter::parse(f)
            .map_err(|why| scim_error(StatusCode::BAD_REQUEST, Some("invalidFilter"), &why, operation))?,
    };
    Ok(ListRequest {
        filter,
        // RFC 7644 §3.4.2.4: below 1 counts as 1; a negative count as 0.
        start_index: u64::try_from(start_index.unwrap_or(1).max(1)).unwrap_or(1),
        count: u32::try_from(count.unwrap_or(i64::from(MAX_RESULTS)).clamp(0, i64::from(MAX_RESULTS))).unwrap_or(0),
        attributes: attribute_names(attributes),
        excluded: attribute_names(excluded),
    })
}

fn number(raw: Option<&str>, name: &str, operation: &'static str) -> Result<Option<i64>, Response> {
    raw.map(|r| {
        r.trim().parse::<i64>().map_err(|_| {
            scim_error(StatusCode::BAD_REQUEST, Some("invalidValue"), &format!("{name} must be an integer"), operation)
        })
    })
    .transpose()
}

/// A handler's answer, refusals included: every step may end it early
/// with `?` and its own SCIM error.
type Answer = Result<Response, Response>;

fn either(a: Answer) -> Response {
    a.unwrap_or_else(|refused| refused)
}

async fn run_list(app: &App, headers: &HeaderMap, req: Result<ListRequest, Response>, op: &'static str) -> Answer {
    let c = caller(app, headers, op).await?;
    let req = req?;
    let (users, total) = app
        .cam
        .scim
        .scim_list_users(c, &req.filter, req.start_index, req.count)
        .await
        .map_err(|e| domain_error(e, op))?;
    let base = base(app);
    let items: Vec<Value> =
        users.iter().map(|u| project(doc::render(u, &base), &req.attributes, &req.excluded)).collect();
    let body = json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": req.start_index,
        "itemsPerPage": items.len(),
        "Resources": items,
    });
    Ok(answer(StatusCode::OK, &body, op))
}

pub async fn list(State(app): State<App>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    const OP: &str = "scim.users.list";
    let req = (|| {
        list_request(
            param(&q, "filter"),
            number(param(&q, "startIndex"), "startIndex", OP)?,
            number(param(&q, "count"), "count", OP)?,
            param(&q, "attributes"),
            param(&q, "excludedAttributes"),
            OP,
        )
    })();
    either(run_list(&app, &headers, req, OP).await)
}

/// `POST /Users/.search` (RFC 7644 §3.4.3): a list with its parameters in
/// the body.
pub async fn search(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    const OP: &str = "scim.users.search";
    let req = (|| {
        let v = json_body(&body, OP)?;
        if !v.get("schemas").and_then(Value::as_array).is_some_and(|s| s.iter().any(|x| x == SEARCH_SCHEMA)) {
            return Err(scim_error(
                StatusCode::BAD_REQUEST,
                Some("invalidSyntax"),
                &format!("a search has schemas [\"{SEARCH_SCHEMA}\"]"),
                OP,
            ));
        }
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let list = |k: &str| match v.get(k) {
            Some(Value::Array(a)) => Some(a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        list_request(
            text("filter").as_deref(),
            v.get("startIndex").and_then(Value::as_i64),
            v.get("count").and_then(Value::as_i64),
            list("attributes").as_deref(),
            list("excludedAttributes").as_deref(),
            OP,
        )
    })();
    either(run_list(&app, &headers, req, OP).await)
}

/// `POST /.search` across resource types is not offered (501).
pub async fn search_everything(State(app): State<App>, headers: HeaderMap) -> Response {
    const OP: &str = "scim.search";
    if let Err(r) = caller(&app, &headers, OP).await {
        return r;
    }
    scim_error(StatusCode::NOT_IMPLEMENTED, None, "search /Users/.search instead", OP)
}

/// Any other path under `/scim/v2`: a SCIM 404.
pub async fn unknown() -> Response {
    scim_error(StatusCode::NOT_FOUND, None, "no such endpoint", "scim.unknown")
}

fn one(app: &App, u: &ScimUser, status: StatusCode, q: &HashMap<String, String>, op: &'static str) -> Response {
    let base = base(app);
    let v = project(
        doc::render(u, &base),
        &attribute_names(param(q, "attributes")),
        &attribute_names(param(q, "excludedAttributes")),
    );
    let mut r = answer(status, &v, op);
    if status == StatusCode::CREATED {
        if let Ok(l) = HeaderValue::from_str(&format!("{base}/Users/{}", u.membership.id.get())) {
            r.headers_mut().insert(header::LOCATION, l);
        }
    }
    r
}

pub async fn get_one(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    const OP: &str = "scim.users.get";
    either(
        async {
            let (c, id) = caller_and_user(&app, &headers, &id, OP).await?;
            let u = app.cam.scim.scim_get_user(c, id).await.map_err(|e| domain_error(e, OP))?;
            Ok(one(&app, &u, StatusCode::OK, &q, OP))
        }
        .await,
    )
}

/// The body of a create or a replace: a SCIM User document.
fn user_document(body: &Bytes, op: &'static str) -> Result<ScimUserInput, Response> {
    json_body(body, op).and_then(|v| doc::input(&v).map_err(|w| bad_document(w, op)))
}

fn bad_document(why: String, op: &'static str) -> Response {
    scim_error(StatusCode::BAD_REQUEST, Some("invalidValue"), &why, op)
}

pub async fn create(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    const OP: &str = "scim.users.create";
    either(
        async {
            let c = caller(&app, &headers, OP).await?;
            let input = user_document(&body, OP)?;
            let u = app.cam.scim.scim_create_user(c, input).await.map_err(|e| domain_error(e, OP))?;
            Ok(one(&app, &u, StatusCode::CREATED, &q, OP))
        }
        .await,
    )
}

pub async fn replace(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    const OP: &str = "scim.users.replace";
    either(
        async {
            let (c, id) = caller_and_user(&app, &headers, &id, OP).await?;
            let input = user_document(&body, OP)?;
            let u = app.cam.scim.scim_replace_user(c, id, input).await.map_err(|e| domain_error(e, OP))?;
            Ok(one(&app, &u, StatusCode::OK, &q, OP))
        }
        .await,
    )
}

pub async fn modify(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    const OP: &str = "scim.users.patch";
    either(
        async {
            let (c, id) = caller_and_user(&app, &headers, &id, OP).await?;
            let message = json_body(&body, OP)?;
            // The operations are applied to the user as read under the account's
            // lock, in the use case's transaction. A refused operation keeps its
            // scimType here, beside the use case's refusal.
            let refused_patch = Mutex::new(None);
            let change = |current: &ScimUser| {
                let mut d = doc::writable(current);
                patch::apply(&mut d, &message).map_err(|e| {
                    let refusal = Error::refused(Code::InvalidInput, &e.detail);
                    *refused_patch.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    refusal
                })?;
                doc::input(&Value::Object(d)).map_err(|why| Error::refused(Code::InvalidInput, why))
            };
            let updated = app.cam.scim.scim_update_user(c, id, &change).await;
            let patch_error = refused_patch.lock().unwrap_or_else(|p| p.into_inner()).take();
            match (updated, patch_error) {
                (Ok(u), _) => Ok(one(&app, &u, StatusCode::OK, &q, OP)),
                (Err(Error::Refused(_)), Some(e)) => {
                    Err(scim_error(StatusCode::BAD_REQUEST, Some(e.scim_type), &e.detail, OP))
                }
                (Err(e), _) => Err(domain_error(e, OP)),
            }
        }
        .await,
    )
}

pub async fn remove(State(app): State<App>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    const OP: &str = "scim.users.delete";
    either(
        async {
            let (c, id) = caller_and_user(&app, &headers, &id, OP).await?;
            app.cam.scim.scim_delete_user(c, id).await.map_err(|e| domain_error(e, OP))?;
            let mut r = answer(StatusCode::NO_CONTENT, &Value::Null, OP);
            *r.body_mut() = axum::body::Body::empty();
            r.headers_mut().remove(header::CONTENT_TYPE);
            Ok(r)
        }
        .await,
    )
}
