//! HTTP: the router, GraphQL over HTTP with its defences, the offline
//! playground, health and metrics.
//!
//! Defences: a 1 MiB body limit; POST bodies only as `application/json` (no
//! form or text/plain request can act: CSRF); no batched (array) requests;
//! mutations never over GET (405); a request with an invalid or expired
//! token is refused whole (401, `UNAUTHENTICATED`); a panic becomes a 500
//! without detail.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_graphql::extensions::apollo_persisted_queries::CacheStorage;
use async_graphql::parser::types::OperationType;
use async_graphql_axum::GraphQLRequest;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use axum::Router;
use cam_domain::identity::{Identity, TokenError};
use cam_domain::Principal;
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use tracing::Instrument;

use crate::graphql::loaders::loaders;
use crate::graphql::RequestId;
use crate::graphql::{error, guard, order};
use crate::wiring::App;

pub const BODY_LIMIT: usize = 1024 * 1024;
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// What the router needs besides the app.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    /// Origins a browser may call from (`CAM_CORS_ORIGINS`); `*` for any.
    /// Empty: no cross-origin calls.
    pub cors_origins: Vec<HeaderValue>,
}

/// The router with the options' layers around it (CORS, and the Origin
/// check of WebSocket upgrades when origins are set).
pub fn router_with(app: App, options: &HttpOptions) -> Router {
    let origins = crate::cors::WebSocketOrigins {
        allowed: options.cors_origins.clone().into(),
        public_url: app.cam.public_url().into(),
    };
    let router = router(app);
    match crate::cors::layer(&options.cors_origins) {
        Some(cors) => {
            router.layer(middleware::from_fn_with_state(origins, crate::cors::refuse_foreign_websockets)).layer(cors)
        }
        None => router,
    }
}

pub fn router(app: App) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post).layer(middleware::from_fn(graphql_post_policy)))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .route("/healthz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/playground/{file}", get(playground_asset))
        .route("/access/{token}", get(crate::pages::access_page))
        .route("/access/{token}/accounts", get(crate::pages::access_accounts))
        .route("/access/{token}/approve", axum::routing::post(crate::pages::approve_post))
        .route("/access/{token}/decline", axum::routing::post(crate::pages::decline_post))
        .route("/assets/access/{file}", get(crate::pages::access_asset))
        .route("/auth/sign-in", get(crate::auth::sign_in))
        .route("/auth/callback", get(crate::auth::callback))
        .route("/auth/sign-out", axum::routing::post(crate::auth::sign_out))
        .nest("/scim/v2", crate::scim::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            error_response(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error")
        }))
        .layer(middleware::from_fn_with_state(app.clone(), observe))
        .with_state(app)
}

/// The GraphQL operation a response answered, for the access log and the
/// metrics: a root field of the schema (`query.viewer`), `other` for a
/// request refused before execution.
#[derive(Clone)]
pub(crate) struct Operation(pub(crate) String);

/// Who called: `anonymous`, `user`, `operator`, `no_user` (R50: a person
/// an issuer vouches for who is no user) or `unauthenticated` (a refused
/// token). Never the token or the email.
#[derive(Clone, Copy)]
pub(crate) struct Caller(pub(crate) &'static str);

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

const REQUEST_ID: &str = "x-request-id";

/// Every request: its id (the caller's if valid, else a new one) on every
/// log line of its span and on the response, one access-log line, and its
/// metrics, refused requests included.
async fn observe(State(app): State<App>, mut request: axum::extract::Request, next: Next) -> Response {
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

fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"errors": [{"message": message, "extensions": {"code": code}}]});
    let mut r = (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    r
}

/// Who is calling.
enum Signed {
    Anonymous,
    As(Principal),
    /// R50: a person an OpenID Connect issuer vouches for who is no user.
    NoAccess,
}

/// Who is calling: nobody, the operator, a user, or a person an issuer
/// vouches for who is no user (R50). Errors: a 401 response.
async fn authenticate(app: &App, headers: &HeaderMap) -> Result<Signed, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(Signed::Anonymous) };
    let unauth = |why: &str| {
        let mut r = error_response(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", why);
        r.extensions_mut().insert(Caller("unauthenticated"));
        r
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauth("the Authorization header must be: Bearer <token>"))?;
    match app.identity.authenticate(token).await {
        Ok(signed) => {
            let federated = matches!(signed.identity, Identity::Federated(_));
            match app.cam.principal_of(signed.identity).await {
                Ok(Some(p)) => Ok(Signed::As(p)),
                Ok(None) if federated => Ok(Signed::NoAccess),
                Ok(None) => Err(unauth("the token names no known user")),
                Err(e) => {
                    tracing::error!(error = %cam_domain::chain(&e), "could not look up the token's user");
                    let mut r = error_response(
                        StatusCode::SERVICE_UNAVAILABLE,
                        error::SERVICE_UNAVAILABLE,
                        "retry in a moment",
                    );
                    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                    Err(r)
                }
            }
        }
        Err(TokenError::Expired) => Err(unauth("the token has expired")),
        Err(_) => Err(unauth("the token is not valid")),
    }
}

fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains(GRAPHQL_RESPONSE))
}

/// A GraphQL response: `data` is left out when the request failed before
/// execution (GraphQL over HTTP), and fields keep the order they were asked
/// in.
#[derive(serde::Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

/// The HTTP answer to a GraphQL request: with
/// `application/graphql-response+json` a request that failed before
/// execution is a 400; a storage failure worth retrying is a 503 with
/// `Retry-After`.
fn graphql_response(headers: &HeaderMap, body: Vec<u8>, request_error: bool, unavailable: bool) -> Response {
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
    // Automatic persisted queries (Apollo's APQ, version 1): a request sent
    // by hash alone runs the document stored under that hash, which the
    // guard then checks whole; an unknown hash asks the client for the
    // document. A document sent with its hash is stored once the guard has
    // accepted it and the hash is its SHA-256.
    let persisted = match take_persisted(&mut request) {
        Ok(p) => p,
        Err(message) => return refused_before_execution(app, headers, message, guard::pre_execution_code(message)),
    };
    let by_hash = request.query.is_empty();
    if let Some(hash) = persisted.as_ref().filter(|_| by_hash) {
        match app.persisted.get(hash.clone()).await {
            Some(doc) => request.set_parsed_query(doc),
            None => {
                let body = json!({"errors": [{"message": "PersistedQueryNotFound",
                    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]});
                let mut r = graphql_response(headers, body.to_string().into_bytes(), false, false);
                r.extensions_mut().insert(Operation("other".into()));
                return r;
            }
        }
    }
    let inspected = match guard::inspect(&mut request) {
        Ok(i) => i,
        Err(rejection) => return refused_before_execution(app, headers, &rejection.message, rejection.code),
    };
    if let Some(hash) = persisted.filter(|_| !by_hash) {
        use sha2::Digest;
        if format!("{:x}", sha2::Sha256::digest(request.query.as_bytes())) != hash {
            let message = "provided sha does not match query";
            return refused_before_execution(app, headers, message, guard::pre_execution_code(message));
        }
        if let Ok(doc) = request.parsed_query() {
            app.persisted.set(hash, doc.clone()).await;
        }
    }
    if get && matches!(inspected.ty, OperationType::Mutation | OperationType::Subscription) {
        let mut r =
            error_response(StatusCode::METHOD_NOT_ALLOWED, "BAD_REQUEST", "mutations are only accepted over POST");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return r;
    }
    let signed = match authenticate(app, headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let caller = Caller(match &signed {
        Signed::Anonymous => "anonymous",
        Signed::As(Principal::Operator) => "operator",
        Signed::As(Principal::User(_)) => "user",
        Signed::NoAccess => "no_user",
    });
    // The guard left the request parsed; keep the document to put the
    // response's fields back in the order asked for.
    let document = request.parsed_query().ok().cloned();
    let operation = request.operation_name.clone();
    let request_id = request_id.0;
    let mut request = request.data(RequestId(request_id.clone())).data(loaders(&app.cam));
    match signed {
        Signed::As(p) => request = request.data(p),
        Signed::NoAccess => request = request.data(crate::graphql::NoAccess),
        Signed::Anonymous => {}
    }
    let span = crate::graphql::operation_span(operation.as_deref());
    let mut response = app.schema.execute(request).instrument(span).await;
    if let Some(doc) = &document {
        order::order_like_selection(doc, operation.as_deref(), &mut response.data);
    }
    // Errors the schema raised before execution carry no code and no path.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    for e in response.errors.iter_mut().filter(|e| e.path.is_empty()) {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", guard::pre_execution_code(&e.message));
        }
    }
    let label = match (&inspected.root_field, request_error) {
        (_, true) => "other".to_string(),
        (Some(f), false) => format!("{}.{f}", operation_word(inspected.ty)),
        (None, false) => operation_word(inspected.ty).to_string(),
    };
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

/// Takes the `sha256Hash` of an APQ request out of
/// `extensions.persistedQuery`. Errors: the extension is not version 1 or
/// has no hash (messages as async-graphql's own extension gave them).
fn take_persisted(request: &mut async_graphql::Request) -> Result<Option<String>, &'static str> {
    let Some(value) = request.extensions.remove("persistedQuery") else { return Ok(None) };
    let async_graphql::Value::Object(pq) = value else {
        return Err("Invalid \"PersistedQuery\" extension configuration.");
    };
    match pq.get("version") {
        Some(async_graphql::Value::Number(v)) if v.as_i64() == Some(1) => {}
        Some(async_graphql::Value::Number(_)) => {
            return Err("Only the \"PersistedQuery\" extension of version \"1\" is supported.")
        }
        _ => return Err("Invalid \"PersistedQuery\" extension configuration."),
    }
    match pq.get("sha256Hash") {
        Some(async_graphql::Value::String(h)) => Ok(Some(h.clone())),
        _ => Err("Invalid \"PersistedQuery\" extension configuration."),
    }
}

/// A request refused before execution (by the guard, or a malformed APQ
/// extension): a request error with its stable code.
fn refused_before_execution(app: &App, headers: &HeaderMap, message: &str, code: &str) -> Response {
    app.metrics.record_graphql_errors("other");
    let body = json!({"errors": [{"message": message, "extensions": {"code": code}}]});
    let mut r = graphql_response(headers, body.to_string().into_bytes(), true, false);
    r.extensions_mut().insert(Operation("other".into()));
    r
}

fn operation_word(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

/// The policy in front of GraphQL over HTTP POST, before async-graphql-axum
/// reads the request: the body only as `application/json` (no form or
/// text/plain request can act: CSRF), at most 1 MiB, and one operation,
/// not a batch.
async fn graphql_post_policy(request: axum::extract::Request, next: Next) -> Response {
    if request.method() != axum::http::Method::POST {
        return next.run(request).await;
    }
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .is_some_and(|c| c.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
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
            return error_response(StatusCode::PAYLOAD_TOO_LARGE, "BAD_REQUEST", "the body is larger than 1 MiB");
        }
        // Cut short, or not sent within the body timeout.
        Err(_) => return error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the body could not be read"),
    };
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return error_response(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "batched requests are not supported; send one operation",
        );
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
            E::PayloadTooLarge => {
                error_response(StatusCode::PAYLOAD_TOO_LARGE, "BAD_REQUEST", "the body is larger than 1 MiB")
            }
            E::InvalidRequest(e) if e.downcast_ref::<serde_json::Error>().is_some_and(|e| e.is_data()) => {
                error_response(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "the body must be {\"query\", \"variables\", \"operationName\"}",
                )
            }
            E::UnsupportedBatch => error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "batched requests are not supported; send one operation",
            ),
            E::Io(e) if e.kind() == std::io::ErrorKind::Other => {
                // A query string async-graphql could not read (GET).
                error_response(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    &format!("the query string is not a request: {e}"),
                )
            }
            _ => error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the body is not valid JSON"),
        }
    }
}

async fn graphql_post(
    State(app): State<App>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    request: GraphQLRequest<Unreadable>,
) -> Response {
    execute(&app, &headers, id, request.into_inner(), false).await
}

async fn graphql_get(
    State(app): State<App>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    Query(params): Query<HashMap<String, String>>,
    request: Result<GraphQLRequest<Unreadable>, Unreadable>,
) -> Response {
    if let Ok(ws) = upgrade {
        let mut r = crate::live::ws::upgrade(app, ws, id);
        r.extensions_mut().insert(Operation("subscription".into()));
        return r;
    }
    // The playground, unless the query string holds a request; a persisted
    // query (APQ) may come by hash alone, without `query`.
    if !params.contains_key("query") && !params.contains_key("extensions") {
        // No other site may frame it (clickjacking), as the approval page.
        return (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
                (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
                (header::X_FRAME_OPTIONS, "DENY"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            Html(PLAYGROUND_HTML),
        )
            .into_response();
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

/// How long `/readyz` waits for the database before answering 503.
const READY_DEADLINE: Duration = Duration::from_secs(1);

/// The process answers.
async fn livez() -> Response {
    (StatusCode::OK, "ok").into_response()
}

/// The database answers within a second and its migrations are the ones
/// this binary expects; else 503 with a one-line reason.
async fn readyz(State(app): State<App>) -> Response {
    let reason = match tokio::time::timeout(READY_DEADLINE, app.store.readiness()).await {
        Ok(Ok(())) => return (StatusCode::OK, "ok").into_response(),
        Ok(Err(why)) => why,
        Err(_) => "the database did not answer within a second".to_string(),
    };
    (StatusCode::SERVICE_UNAVAILABLE, reason).into_response()
}

async fn metrics(State(app): State<App>) -> Response {
    let (size, idle) = app.store.pool_stats();
    let mut text = app.metrics.render(size, idle);
    text.push_str(&format!(
        "# HELP cam_live_subscriptions Live subscriptions open on this server (R43).\n\
         # TYPE cam_live_subscriptions gauge\ncam_live_subscriptions {}\n",
        app.live.subscriptions()
    ));
    // R42: a stalled outbox shows as a growing age, whatever the
    // dispatcher is doing (read here, not reported by the dispatcher).
    use cam_domain::notify::ports::DeliveryQueue;
    let oldest = match tokio::time::timeout(READY_DEADLINE, app.store.oldest_queued()).await {
        Ok(Ok(Some(at))) => (app.cam.now() - at).num_milliseconds().max(0) as f64 / 1000.0,
        Ok(Ok(None)) => 0.0,
        Ok(Err(e)) => {
            tracing::warn!(error = %cam_domain::chain(&e), "could not read the outbox for /metrics");
            f64::NAN
        }
        Err(_) => f64::NAN,
    };
    text.push_str(&format!(
        "# HELP cam_emails_oldest_queued_age_seconds Age of the oldest email waiting in the outbox, 0 when none (R42).\n\
         # TYPE cam_emails_oldest_queued_age_seconds gauge\ncam_emails_oldest_queued_age_seconds {oldest}\n"
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

const PLAYGROUND_HTML: &str = include_str!("../assets/playground/index.html");

async fn playground_asset(Path(file): Path<String>) -> Response {
    let (bytes, content_type): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (include_bytes!("../assets/playground/graphiql.min.js"), "text/javascript"),
        "graphiql.min.css" => (include_bytes!("../assets/playground/graphiql.min.css"), "text/css"),
        "react.production.min.js" => {
            (include_bytes!("../assets/playground/react.production.min.js"), "text/javascript")
        }
        "react-dom.production.min.js" => {
            (include_bytes!("../assets/playground/react-dom.production.min.js"), "text/javascript")
        }
        "init.js" => (include_bytes!("../assets/playground/init.js"), "text/javascript"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=86400")], bytes).into_response()
}
