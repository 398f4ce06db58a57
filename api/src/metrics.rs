//! Prometheus metrics (the `prometheus` crate, one registry per app): every
//! HTTP request, refused ones included, by route, status class and
//! operation; latency histograms; GraphQL errors; the database pool; build
//! info and the process. Every label takes values from a fixed set (routes
//! of the router, root fields of the schema), so no caller can grow it.

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};

/// The version and commit of this build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const COMMIT: &str = env!("CAM_COMMIT");

const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 15.0];

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    graphql_errors: IntCounterVec,
    pool_size: IntGauge,
    pool_idle: IntGauge,
    /// R42: emails queued, sent, given up and retried by this process.
    emails: [IntCounter; 4],
}

/// The label of a request's status: `2xx`, `4xx`, …
fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    /// Errors: a metric could not be registered (a bug: names collide).
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("cam_http_requests_total", "HTTP requests, refused ones included."),
            &["route", "status", "operation"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new("cam_http_request_duration_seconds", "HTTP request latency.").buckets(BUCKETS.to_vec()),
            &["route", "operation"],
        )?;
        let graphql_errors = IntCounterVec::new(
            Opts::new("cam_graphql_errors_total", "GraphQL requests that answered errors."),
            &["operation"],
        )?;
        let pool_size = IntGauge::new("cam_db_pool_connections", "Open database connections.")?;
        let pool_idle = IntGauge::new("cam_db_pool_idle_connections", "Idle database connections.")?;
        let build = IntGaugeVec::new(Opts::new("cam_build_info", "The running build."), &["version", "commit"])?;
        build.with_label_values(&[VERSION, COMMIT]).set(1);
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(graphql_errors.clone()))?;
        registry.register(Box::new(pool_size.clone()))?;
        registry.register(Box::new(pool_idle.clone()))?;
        registry.register(Box::new(build))?;
        let emails = [
            IntCounter::new("cam_emails_queued_total", "Emails queued by committed changes (R42).")?,
            IntCounter::new("cam_emails_sent_total", "Emails the SMTP server took (R42).")?,
            IntCounter::new("cam_emails_failed_total", "Emails given up after 24 hours of failures (R42).")?,
            IntCounter::new("cam_emails_retried_total", "Failed delivery attempts that will be retried (R42).")?,
        ];
        for c in &emails {
            registry.register(Box::new(c.clone()))?;
        }
        #[cfg(target_os = "linux")]
        registry.register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))?;
        Ok(Self { registry, requests, duration, graphql_errors, pool_size, pool_idle, emails })
    }

    /// One HTTP request: `route` is a route of the router (or `unmatched`),
    /// `operation` a root field the schema has, `other` or `none`.
    pub fn record_request(&self, route: &str, status: u16, operation: &str, took: Duration) {
        self.requests.with_label_values(&[route, status_class(status), operation]).inc();
        self.duration.with_label_values(&[route, operation]).observe(took.as_secs_f64());
    }

    /// A GraphQL request that answered errors.
    pub fn record_graphql_errors(&self, operation: &str) {
        self.graphql_errors.with_label_values(&[operation]).inc();
    }

    /// The text exposition, with the pool's state read now.
    pub fn render(&self, pool_size: u32, pool_idle: usize) -> String {
        self.pool_size.set(i64::from(pool_size));
        self.pool_idle.set(i64::try_from(pool_idle).unwrap_or(i64::MAX));
        let c = cam_adapters::notify::counts();
        let now = [&c.queued, &c.sent, &c.failed, &c.retried].map(|a| a.load(std::sync::atomic::Ordering::Relaxed));
        for (counter, now) in self.emails.iter().zip(now) {
            counter.inc_by(now.saturating_sub(counter.get()));
        }
        let mut out = Vec::new();
        if let Err(e) = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "could not encode the metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
