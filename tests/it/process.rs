//! Real `cam serve` processes for black-box tests: started on a free port
//! with settings given as environment variables, stopped on drop.

use std::process::Stdio;

use cam_tests::{post_graphql, process_token, user_error_codes, JWT_SECRET, OPERATOR_TOKEN};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Server {
    pub url: String,
    pub addr: String,
    pub child: Child,
    /// Its log lines (stderr), when started with `start_logged`.
    pub logs: Option<tokio::sync::mpsc::UnboundedReceiver<String>>,
    /// What it printed on stdout before its address.
    pub printed: Vec<String>,
}

impl Server {
    /// Starts `cam serve` on `db` with these extra `CAM_*` settings and waits
    /// until it prints its address.
    pub async fn start(db: &str, env: &[(&str, &str)]) -> Self {
        Self::spawn(db, env, false, &[]).await
    }

    /// As `start`, with extra arguments of `serve` (`--demo`).
    pub async fn start_with_args(db: &str, env: &[(&str, &str)], args: &[&str]) -> Self {
        Self::spawn(db, env, false, args).await
    }

    /// As `start`, keeping its log lines (stderr) for `next_log`.
    pub async fn start_logged(db: &str, env: &[(&str, &str)]) -> Self {
        Self::spawn(db, env, true, &[]).await
    }

    async fn spawn(db: &str, env: &[(&str, &str)], logged: bool, args: &[&str]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cam-under-test"));
        cmd.arg("serve")
            .args(args)
            .env("CAM_DATABASE_URL", db)
            .env("CAM_LISTEN", "127.0.0.1:0")
            .env("CAM_JWT_SECRET", JWT_SECRET)
            .env("CAM_OPERATOR_TOKEN", OPERATOR_TOKEN)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(if logged { Stdio::piped() } else { Stdio::null() })
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start cam serve");
        let logs = child.stderr.take().map(|stderr| {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            let mut lines = BufReader::new(stderr).lines();
            tokio::spawn(async move {
                while let Ok(Some(line)) = lines.next_line().await {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            rx
        });
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut printed = Vec::new();
        let url = loop {
            let line = lines.next_line().await.expect("read stdout").expect("the server printed its address");
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.trim().to_string();
            }
            printed.push(line);
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let addr = url.trim_start_matches("http://").to_string();
        Self { url, addr, child, logs, printed }
    }

    /// The next log line that `matches`, waiting for it at most five
    /// seconds. Panics if none comes.
    pub async fn next_log(&mut self, matches: impl Fn(&str) -> bool) -> String {
        let logs = self.logs.as_mut().expect("started with start_logged");
        let found = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            while let Some(line) = logs.recv().await {
                if matches(&line) {
                    return Some(line);
                }
            }
            None
        });
        found.await.ok().flatten().expect("the log line came in time")
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("the server runs")
    }

    /// Resident memory of the process, in KiB (Linux).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS")
    }

    /// The log lines written so far and not yet read.
    pub fn logged_so_far(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(logs) = self.logs.as_mut() {
            while let Ok(line) = logs.try_recv() {
                out.push(line);
            }
        }
        out
    }
}

/// A GraphQL request to `s` as the holder of `token`; the whole answer.
pub async fn gql(http: &reqwest::Client, s: &Server, token: &str, query: &str, variables: Value) -> Value {
    post_graphql(http, &s.url, token, query, &variables).await
}

/// An operator mutation on `s` that must succeed; its payload.
pub async fn op(http: &reqwest::Client, s: &Server, query: &str, variables: Value) -> Value {
    let r = gql(http, s, OPERATOR_TOKEN, query, variables).await;
    assert!(r.get("errors").is_none(), "{r}");
    let data = r["data"].as_object().expect("data").values().next().expect("one field").clone();
    assert_eq!(user_error_codes(&data), Vec::<String>::new(), "{data}");
    data
}

/// A token the servers started here accept for `email`.
pub fn token(email: &str) -> String {
    process_token(email, 3600)
}
