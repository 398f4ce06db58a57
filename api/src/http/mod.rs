//! HTTP: the router, GraphQL over HTTP (`graphql`) and over WebSocket
//! (`ws`) with their defences (`policy`), the offline playground, health
//! and metrics (`health`), and the observation of every request (`observe`).
//!
//! Defences: a 1 MiB body limit; POST bodies only as `application/json` (no
//! form or text/plain request can act: CSRF); no batched (array) requests;
//! mutations never over GET (405); a request with an invalid or expired
//! token is refused whole (401, `UNAUTHENTICATED`); a panic becomes a 500
//! without detail.

mod answer;
mod apq;
mod graphql;
mod health;
mod observe;
mod playground;
mod policy;
mod signed;
pub mod ws;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

pub use policy::BODY_LIMIT;

use crate::wiring::App;

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

/// Every route, with the body limit, the panic catcher and the request
/// observer around them. `observe::route_label` names the same routes.
pub fn router(app: App) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(graphql::graphql_get)
                .post(graphql::graphql_post)
                .layer(middleware::from_fn(policy::graphql_post_policy)),
        )
        .route("/livez", get(health::livez))
        .route("/readyz", get(health::readyz))
        .route("/healthz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/playground/{file}", get(playground::asset))
        .route("/access/{token}", get(crate::pages::access_page))
        .route("/access/{token}/accounts", get(crate::pages::access_accounts))
        .route("/access/{token}/approve", post(crate::pages::approve_post))
        .route("/access/{token}/decline", post(crate::pages::decline_post))
        .route("/assets/access/{file}", get(crate::pages::access_asset))
        .route("/auth/sign-in", get(crate::pages::auth::sign_in))
        .route("/auth/callback", get(crate::pages::auth::callback))
        .route("/auth/sign-out", post(crate::pages::auth::sign_out))
        .nest("/scim/v2", crate::scim::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            policy::error_response(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error")
        }))
        .layer(middleware::from_fn_with_state(app.clone(), observe::observe))
        .with_state(app)
}
