//! Health and metrics: `/livez`, `/readyz` (and `/healthz`), `/metrics`.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::wiring::App;

/// How long `/readyz` waits for the database before answering 503.
const READY_DEADLINE: Duration = Duration::from_secs(1);

/// The process answers.
pub(super) async fn livez() -> Response {
    (StatusCode::OK, "ok").into_response()
}

/// The database answers within a second and its migrations are the ones
/// this binary expects; else 503 with a one-line reason.
pub(super) async fn readyz(State(app): State<App>) -> Response {
    let reason = match tokio::time::timeout(READY_DEADLINE, app.store.readiness()).await {
        Ok(Ok(())) => return (StatusCode::OK, "ok").into_response(),
        Ok(Err(why)) => why,
        Err(_) => "the database did not answer within a second".to_string(),
    };
    (StatusCode::SERVICE_UNAVAILABLE, reason).into_response()
}

pub(super) async fn metrics(State(app): State<App>) -> Response {
    let (size, idle) = app.store.pool_stats();
    let mut text = app.metrics.render(size, idle);
    text.push_str(&format!(
        "# HELP cam_live_subscriptions Live subscriptions open on this server (R43).\n\
         # TYPE cam_live_subscriptions gauge\ncam_live_subscriptions {}\n",
        app.live.subscriptions()
    ));
    let oldest = oldest_queued_age(&app).await;
    text.push_str(&format!(
        "# HELP cam_emails_oldest_queued_age_seconds Age of the oldest email waiting in the outbox, 0 when none (R42).\n\
         # TYPE cam_emails_oldest_queued_age_seconds gauge\ncam_emails_oldest_queued_age_seconds {oldest}\n"
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// R42: a stalled outbox shows as a growing age, whatever the dispatcher
/// is doing (read here, not reported by the dispatcher). NaN when the
/// outbox cannot be read in time.
async fn oldest_queued_age(app: &App) -> f64 {
    use cam_domain::notify::ports::DeliveryQueue;
    match tokio::time::timeout(READY_DEADLINE, app.store.oldest_queued()).await {
        Ok(Ok(Some(at))) => (app.cam.now() - at).num_milliseconds().max(0) as f64 / 1000.0,
        Ok(Ok(None)) => 0.0,
        Ok(Err(e)) => {
            tracing::warn!(error = %cam_domain::chain(&e), "could not read the outbox for /metrics");
            f64::NAN
        }
        Err(_) => f64::NAN,
    }
}
