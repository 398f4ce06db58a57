//! The HTTP server around the router, hardened against slow and idle
//! clients: a cap on open connections, a deadline for a request's headers
//! (which is also the idle keep-alive timeout: hyper starts it whenever it
//! waits for the next request), a deadline for its body, and a bounded
//! drain after SIGTERM.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// The server's limits (README, "Limits").
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// Most connections open at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Time to send a request's headers, and to start the next request on an
    /// idle keep-alive connection.
    pub header_timeout: Duration,
    /// Time to send a request's body.
    pub body_timeout: Duration,
    /// After SIGTERM, how long in-flight requests may still run.
    pub drain_deadline: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes, then stops
/// accepting, lets in-flight requests finish within the drain deadline and
/// closes what is left.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    // HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a proxy in
    // front ends, and cleartext HTTP/2 would bring streams the timeouts
    // below do not cover.
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(
            ServiceBuilder::new().layer(RequestBodyTimeoutLayer::new(limits.body_timeout)).service(router.clone()),
        );
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.drain_deadline, graceful.shutdown()).await.is_err() {
        tracing::warn!(deadline = ?limits.drain_deadline, "drain deadline passed: closing the remaining connections");
    }
    Ok(())
}
