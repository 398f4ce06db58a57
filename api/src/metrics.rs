//! Prometheus metrics: request counts and latencies by operation, and the
//! database pool's use.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default, Clone)]
struct OpStats {
    count: u64,
    errors: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    ops: Mutex<BTreeMap<String, OpStats>>,
}

/// A label safe for Prometheus: letters, digits, `_` and `.`, at most 64.
fn label(op: &str) -> String {
    let clean: String = op.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.').take(64).collect();
    if clean.is_empty() {
        "anonymous".to_string()
    } else {
        clean
    }
}

impl Metrics {
    pub fn record(&self, op: &str, took: Duration, ok: bool) {
        let secs = took.as_secs_f64();
        let mut ops = match self.ops.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        // Bound the label set: unknown names beyond 500 fold into one.
        let key = if ops.len() >= 500 && !ops.contains_key(op) { "other".to_string() } else { label(op) };
        let s = ops.entry(key).or_default();
        s.count += 1;
        s.errors += u64::from(!ok);
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    pub fn render(&self, pool_size: u32, pool_idle: usize) -> String {
        let ops = match self.ops.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        let mut out = String::new();
        let _ = writeln!(out, "# HELP cam_graphql_requests_total GraphQL requests by operation.");
        let _ = writeln!(out, "# TYPE cam_graphql_requests_total counter");
        for (op, s) in &ops {
            let _ = writeln!(out, "cam_graphql_requests_total{{operation=\"{op}\"}} {}", s.count);
        }
        let _ = writeln!(out, "# HELP cam_graphql_errors_total GraphQL requests that answered errors.");
        let _ = writeln!(out, "# TYPE cam_graphql_errors_total counter");
        for (op, s) in &ops {
            let _ = writeln!(out, "cam_graphql_errors_total{{operation=\"{op}\"}} {}", s.errors);
        }
        let _ = writeln!(out, "# HELP cam_graphql_request_duration_seconds GraphQL request latency.");
        let _ = writeln!(out, "# TYPE cam_graphql_request_duration_seconds histogram");
        for (op, s) in &ops {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "cam_graphql_request_duration_seconds_bucket{{operation=\"{op}\",le=\"{b}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "cam_graphql_request_duration_seconds_bucket{{operation=\"{op}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(out, "cam_graphql_request_duration_seconds_sum{{operation=\"{op}\"}} {}", s.sum);
            let _ = writeln!(out, "cam_graphql_request_duration_seconds_count{{operation=\"{op}\"}} {}", s.count);
        }
        let _ = writeln!(out, "# HELP cam_db_pool_connections Open database connections.");
        let _ = writeln!(out, "# TYPE cam_db_pool_connections gauge");
        let _ = writeln!(out, "cam_db_pool_connections {pool_size}");
        let _ = writeln!(out, "# HELP cam_db_pool_idle_connections Idle database connections.");
        let _ = writeln!(out, "# TYPE cam_db_pool_idle_connections gauge");
        let _ = writeln!(out, "cam_db_pool_idle_connections {pool_idle}");
        out
    }
}
