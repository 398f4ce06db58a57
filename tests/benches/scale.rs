//! The scale bench (issue 9 item 4): `cargo bench -p cam-tests --bench scale`
//! (SQLite) or with `CAM_TEST_DATABASE_URL=postgres://…` (PostgreSQL).
//! Sizes from `CAM_BENCH_CLIENTS` (default `1000,10000`), runs per read from
//! `CAM_BENCH_RUNS` (default 50), after 10 untimed runs of each.
//!
//! For each size: one partner with N managed clients, each with its
//! relationship, a client super admin and three partner users (the boss as
//! partner admin, workers Ann and Bob with a permission set). One client is
//! made through the API as a template; the other N − 1 are copied from it by
//! set-based `INSERT … SELECT` into the project's own tables, so every column
//! holds what the application writes. Then a real `cam serve` process is
//! timed through HTTP, sequentially: p50/p99 of each read, beside it the
//! "floor" (the same page as one hand-written SQL statement run directly on
//! the database), the SQL statements the same document costs in-process
//! (counted by `SeaOrmStore::observe_statements`), and the server's RSS after
//! the reads, with its peak so far. The two bulk writes run once, at the
//! largest size ≤ 10,000, or at `CAM_BENCH_WRITES_AT`.

use std::process::Stdio;
use std::time::{Duration, Instant};

use cam_api::graphql::ids::cursor;
use cam_tests::*;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const CLIENTS_TAB: &str = "query($p: ID!, $after: String){ partnerAccount(id:$p){ clients(first: 50, after: $after){ totalCount
    pageInfo{ endCursor hasNextPage }
    edges{ node{ displayName status accessTypes activePartnerUserCount endsAt client{ name }
      partnerUsers(first: 10){ totalCount edges{ node{ role seat status user{ email name } permissionSet{ name } } } } } } } } }";
/// `CLIENTS_TAB` asked of PostGraphile 5 (the load mode's peer, issue 29
/// target 1) over the tables as its Amber preset exposes them: the partner's
/// relationships by id, first 50 with their total; each one's CRM name, the
/// client's name (cam's `displayName` is the first, else the second), the
/// kept counts and the last activity that cam derives `status`,
/// `accessTypes`, `activePartnerUserCount` and `endsAt` from; and the
/// client account's memberships whose `partner_id` is the partner (cam's
/// partner users), by id, first 10 with their total, with the same fields.
const POSTGRAPHILE_CLIENTS_TAB: &str = "query($p: BigInt!){ allManagedRelationships(condition:{partnerId: $p},
    orderBy: PRIMARY_KEY_ASC, first: 50){ totalCount
    pageInfo{ endCursor hasNextPage }
    edges{ node{ crmName activePartnerAdmins activeSuperAdmins activeStandard lastActivityAt client: accountByClientId{ name
      partnerUsers: membershipsByAccountId(condition:{partnerId: $p}, orderBy: PRIMARY_KEY_ASC, first: 10){ totalCount
        edges{ node{ role seat status user: userByUserId{ email name }
          permissionSet: permissionSetByPermissionSetId{ name } } } } } } } } }";
const SEARCH: &str =
    "query($p: ID!, $s: String){ partnerAccount(id:$p){ clients(first: 50, filter:{search: $s}){ totalCount
    edges{ node{ displayName status } } } } }";
const STATUS: &str =
    "query($p: ID!, $s: [RelationshipStatus!]){ partnerAccount(id:$p){ clients(first: 50, filter:{relationshipStatus: $s}){
    totalCount edges{ node{ displayName status } } } } }";
const MEMBERSHIPS: &str = "query($w: ID!){ node(id:$w){ ... on Worker { clientMemberships(first: 50){ totalCount
    pageInfo{ endCursor hasNextPage } edges{ node{ id role seat status account{ name } } } } } } }";
const EMPLOYEES: &str = "query($p: ID!){ partnerAccount(id:$p){ employees(first: 50){ totalCount edges{ node{
    user{ email name } status emailDomainVerified partnerSeatEligible clientMemberships(first: 5){ totalCount } } } } } }";
const CONTRACTORS: &str = "query($p: ID!){ partnerAccount(id:$p){ contractors(first: 50){ totalCount edges{ node{
    user{ email name } status emailDomainVerified partnerSeatEligible clientMemberships(first: 5){ totalCount } } } } } }";
const DEACTIVATE: &str =
    "mutation($w: ID!){ deactivateWorker(input:{workerId:$w}){ worker{ id } userErrors{ code message } } }";
const REMOVE: &str = "mutation($w: ID!){ removeWorkerFromClients(input:{workerId:$w}){ removedMemberships
    reassignedAssets unassignedAssets userErrors{ code message } } }";

/// Company names of the seeded clients: five forms over word lists of
/// pairwise coprime (prime) lengths, each indexed by the client's number
/// modulo its length, so neighbours differ in every word and, by the Chinese
/// remainder theorem, every name up to 100,000 clients is distinct ("Hartwell
/// Logistics Ltd", "Northbeam Analytics GmbH", "Okafor & Lindqvist AG",
/// "Bluegate Inc.", "Moreau & Sons Catering"). The same rule exists twice:
/// as Rust (the template made through the API) and as a SQL expression (the
/// copies), checked against each other after seeding.
mod names {
    #[rustfmt::skip]
    pub const SURNAMES: [&str; 61] = [
        "Hartwell", "Okafor", "Lindqvist", "Moreau", "Castellano", "Nakamura", "Brennan", "Whitfield", "Adeyemi",
        "Kowalski", "Fairbanks", "Delacroix", "Ashworth", "Petrov", "Galloway", "Haverford", "Oyelaran", "Sandoval",
        "Thornbury", "Vasquez", "Eriksen", "Blackwood", "Mendoza", "Pemberton", "Achterberg", "Rosenthal", "Caldwell",
        "Novak", "Harrington", "Quintero", "Albrecht", "Lockhart", "Mwangi", "Fitzgerald", "Bergstrom", "Carrington",
        "Dubois", "Ellsworth", "Ferreira", "Grimaldi", "Holloway", "Iverson", "Jankowski", "Kingsley", "Lombardi",
        "Marchetti", "Northcott", "Osei", "Prescott", "Radcliffe", "Schofield", "Takahashi", "Underwood", "Valentini",
        "Wexford", "Yamamoto", "Zimmermann", "Abernathy", "Beaumont", "Chandra", "Donovan",
    ];
    #[rustfmt::skip]
    pub const PREFIXES: [&str; 53] = [
        "North", "South", "East", "West", "Blue", "Red", "Green", "Silver", "Golden", "Iron", "Stone", "Oak", "Pine",
        "Cedar", "Maple", "Bright", "Clear", "Swift", "True", "High", "Deep", "Far", "Open", "Star", "Sun", "Moon",
        "Storm", "River", "Lake", "Summit", "Harbor", "Bay", "Cliff", "Frost", "Ember", "Copper", "Amber", "Crystal",
        "Falcon", "Eagle", "Fox", "Wolf", "Bear", "Lion", "Raven", "Cobalt", "Quartz", "Granite", "Willow", "Aspen",
        "Birch", "Elm", "Hazel",
    ];
    #[rustfmt::skip]
    pub const ROOTS: [&str; 43] = [
        "beam", "field", "gate", "ridge", "stone", "wave", "point", "bridge", "path", "works", "line", "light", "view",
        "craft", "forge", "peak", "wood", "brook", "mark", "stream", "haven", "spring", "vale", "crest", "rock",
        "shore", "way", "port", "land", "side", "star", "wind", "fire", "hill", "dale", "moor", "ford", "well", "grove",
        "leaf", "bloom", "spark", "core",
    ];
    #[rustfmt::skip]
    pub const TRADES: [&str; 47] = [
        "Logistics", "Analytics", "Consulting", "Dental Care", "Architects", "Bakery", "Construction", "Engineering",
        "Legal Services", "Accounting", "Marketing", "Software", "Media", "Freight", "Pharmaceuticals", "Insurance",
        "Realty", "Hospitality", "Catering", "Energy", "Solar", "Robotics", "Biotech", "Printing", "Textiles",
        "Furniture", "Security", "Telecom", "Aviation", "Shipping", "Plumbing", "Electrical", "Landscaping",
        "Veterinary Clinic", "Opticians", "Recruitment", "Capital", "Partners", "Ventures", "Foods", "Brewing", "Motors",
        "Outfitters", "Studios", "Labs", "Systems", "Healthcare",
    ];
    /// Legal forms, with their leading space; one of them none.
    #[rustfmt::skip]
    pub const SUFFIXES: [&str; 29] = [
        " Ltd", " GmbH", " Inc.", " LLC", " & Co.", " S.A.", " B.V.", " Pty Ltd", " AG", " plc", " Group", " Holdings",
        " Corp.", " LLP", " S.r.l.", " Oy", " AB", " A/S", " KG", " SAS", " NV", " Limited", " Co.", " International",
        " SE", " K.K.", " Kft.", " Sp. z o.o.", "",
    ];
    /// The term the bench searches for: one trade, in three of the five
    /// forms, so about 3/5 × 1/47 ≈ 1.3 % of the clients match.
    pub const SEARCH: &str = "logistics";

    /// Client number `i`'s name.
    pub fn company(i: usize) -> String {
        let s = SURNAMES[i % 61];
        let s2 = SURNAMES[(i + 1 + i / 61 % 60) % 61];
        let p = PREFIXES[i % 53];
        let r = ROOTS[i % 43];
        let t = TRADES[i % 47];
        let x = SUFFIXES[i % 29];
        match i % 5 {
            0 => format!("{s} {t}{x}"),
            1 => format!("{p}{r} {t}{x}"),
            2 => format!("{s} & {s2}{x}"),
            3 => format!("{p}{r}{x}"),
            _ => format!("{s} & Sons {t}{x}"),
        }
    }

    /// `list[index % len]` as SQL (`CASE`, which PostgreSQL and SQLite share).
    fn pick(list: &[&str], index: &str) -> String {
        let arms: String = list.iter().enumerate().map(|(k, w)| format!(" WHEN {k} THEN '{w}'")).collect();
        format!("(CASE ({index}) % {}{arms} END)", list.len())
    }

    /// `company(i)` as a SQL expression over the integer column `i`.
    pub fn company_sql(i: &str) -> String {
        let s = pick(&SURNAMES, i);
        let s2 = pick(&SURNAMES, &format!("{i} + 1 + {i} / 61 % 60"));
        let p = pick(&PREFIXES, i);
        let r = pick(&ROOTS, i);
        let t = pick(&TRADES, i);
        let x = pick(&SUFFIXES, i);
        format!(
            "(CASE {i} % 5 WHEN 0 THEN {s} || ' ' || {t} || {x} WHEN 1 THEN {p} || {r} || ' ' || {t} || {x} \
             WHEN 2 THEN {s} || ' & ' || {s2} || {x} WHEN 3 THEN {p} || {r} || {x} \
             ELSE {s} || ' & Sons ' || {t} || {x} END)"
        )
    }
}

/// Untimed runs of each read before its timed ones (see `main`).
const WARM_UP: usize = 10;

struct Server {
    url: String,
    child: Child,
}

impl Server {
    async fn start(db: &str) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cam-under-test"));
        cmd.arg("serve")
            .env("CAM_DATABASE_URL", db)
            .env("CAM_LISTEN", "127.0.0.1:0")
            .env("CAM_JWT_SECRET", JWT_SECRET)
            .env("CAM_OPERATOR_TOKEN", OPERATOR_TOKEN)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("start cam serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let url = loop {
            let line = lines.next_line().await.expect("read stdout").expect("the server printed its address");
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.trim().to_string();
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { url, child }
    }

    /// The server's `rss`.
    fn rss(&self) -> String {
        rss(self.child.id().expect("the server runs"))
    }
}

/// A process's resident memory now and its peak so far (VmHWM), in MiB
/// (Linux), as the table shows them: "now (peak)".
fn rss(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let mib = |key: &str| {
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("a memory line of /proc/<pid>/status");
        kib as f64 / 1024.0
    };
    format!("{:.0} MB ({:.0})", mib("VmRSS:"), mib("VmHWM:"))
}

/// The PostgreSQL `application_name` of PostGraphile's connections, by which
/// the bench tells its backends from the others.
const PEER_APP: &str = "postgraphile";

/// PostGraphile 5, the load mode's peer (`CAM_BENCH_POSTGRAPHILE`): its CLI
/// with the Amber preset, serving the bench's own database (schema
/// `public`) on a free port, in production mode.
struct PostGraphile {
    url: String,
    child: Child,
    /// Its working directory, empty, so that no `graphile.config.*` is read.
    _dir: tempfile::TempDir,
}

impl PostGraphile {
    /// The CLI of `install`: a directory in which `npm install
    /// postgraphile@5` was run (its `node_modules/.bin/postgraphile`, with
    /// that `.bin` first on `PATH`, so that a `node` installed beside it by
    /// npm runs it), or the CLI's own path.
    fn cli(install: &std::path::Path) -> (std::path::PathBuf, std::ffi::OsString) {
        let bin = if install.is_dir() { install.join("node_modules/.bin/postgraphile") } else { install.to_path_buf() };
        let mut path = vec![bin.parent().map(std::path::Path::to_path_buf).unwrap_or_default()];
        path.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
        (bin, std::env::join_paths(path).expect("PATH"))
    }

    /// What `postgraphile --version` and `node --version` print.
    async fn version(install: &std::path::Path) -> String {
        let (bin, path) = Self::cli(install);
        let run = |cmd: &mut Command| {
            cmd.env("PATH", &path).env("GRAPHILE_ENV", "production").arg("--version").stderr(Stdio::null()).output()
        };
        let pgl = run(&mut Command::new(&bin)).await.expect("run postgraphile --version");
        let node = run(&mut Command::new("node")).await.expect("run node --version");
        let last = |out: &[u8]| String::from_utf8_lossy(out).lines().last().unwrap_or("?").trim().to_string();
        format!("PostGraphile {} on node {}", last(&pgl.stdout), last(&node.stdout))
    }

    /// Starts it against `db` and waits until it answers a query (its
    /// schema is built from the database after it listens).
    async fn start(install: &std::path::Path, db: &str, server_offers_tls: bool) -> Self {
        let (bin, path) = Self::cli(install);
        let mut db = url::Url::parse(db).expect("the database URL");
        db.query_pairs_mut().append_pair("application_name", PEER_APP);
        if server_offers_tls {
            // node-postgres has no `prefer`: over TLS as cam's and pgbench's
            // connections are (see `tls`), the loopback's certificate unchecked.
            db.query_pairs_mut().append_pair("sslmode", "no-verify");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cmd = Command::new(&bin);
        cmd.args(["-P", "postgraphile/presets/amber", "-s", "public", "-n", "127.0.0.1", "-p", "0", "-c"])
            .arg(db.as_str())
            .current_dir(dir.path())
            .env("PATH", path)
            .env("GRAPHILE_ENV", "production")
            .env("NODE_ENV", "production")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        // "Server listening on port N at http://127.0.0.1:N/graphql"
        let url = loop {
            let line = lines.next_line().await.expect("read stdout").expect("PostGraphile printed its address");
            if let Some(rest) = line.split(" at ").nth(1).filter(|_| line.starts_with("Server listening")) {
                break rest.trim().trim_end_matches("/graphql").to_string();
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let http = reqwest::Client::new();
        let ready = Instant::now();
        loop {
            let answer = http.post(format!("{url}/graphql")).json(&json!({"query": "{ __typename }"})).send().await;
            let body: Option<Value> = match answer {
                Ok(r) if r.status().is_success() => r.json().await.ok(),
                _ => None,
            };
            if body.is_some_and(|b| b["data"]["__typename"] == json!("Query")) {
                break;
            }
            assert!(ready.elapsed() < Duration::from_secs(60), "PostGraphile at {url} did not answer in 60 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { url, child, _dir: dir }
    }
}

/// Concurrent callers of the load mode (issue 29 item 5).
const CALLERS: usize = 8;

/// Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, else 100).
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// CPU time a process has used so far (`utime + stime` of
/// `/proc/<pid>/stat`, every thread), in ms; `None` once it is gone.
fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After "pid (comm) ": state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 1000.0 / clock_ticks())
}

/// The 1-minute load average (`/proc/loadavg`).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(String::from))
        .unwrap_or_else(|| "?".into())
}

/// The PostgreSQL backends of the bench's database (`filter`: more SQL
/// conditions), with the CPU each has used so far.
async fn backends(t: &TestApp, filter: &str) -> Vec<(u32, f64)> {
    t.rows(&format!("SELECT pid FROM pg_stat_activity WHERE datname = current_database() {filter}"))
        .await
        .iter()
        .filter_map(|r| r.try_get::<i32>("", "pid").ok())
        .filter_map(|pid| cpu_ms(pid as u32).map(|ms| (pid as u32, ms)))
        .collect()
}

/// Which of the database's other connections use TLS, by
/// `application_name` ("" is cam's pool and the bench's own): each client
/// negotiates TLS with the loopback server as it does by default (cam's
/// sqlx and pgbench's libpq `prefer`), PostGraphile's node-postgres when
/// told (`PostGraphile::start`), so that none of them skips the encryption
/// that the others pay for.
async fn tls(t: &TestApp) -> String {
    let rows = t
        .rows(
            "SELECT a.application_name AS app, COUNT(*) AS n, COUNT(*) FILTER (WHERE s.ssl) AS tls \
             FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
             WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1",
        )
        .await;
    let apps: Vec<String> = rows
        .iter()
        .map(|r| {
            let app: String = r.try_get("", "app").unwrap_or_default();
            let (n, tls): (i64, i64) = (r.try_get("", "n").unwrap_or(0), r.try_get("", "tls").unwrap_or(0));
            format!("\"{app}\" {tls} of {n} over TLS")
        })
        .collect();
    format!("connections: {}", apps.join(", "))
}

/// The CPU that the backends used between two `backends` (a backend that
/// appeared in between counts from its start; one that went away is lost).
fn backends_cpu(before: &[(u32, f64)], after: &[(u32, f64)]) -> f64 {
    after.iter().map(|(pid, ms)| ms - before.iter().find(|(p, _)| p == pid).map_or(0.0, |(_, b)| *b)).sum()
}

/// What `CALLERS` callers did in a fixed time.
struct Load {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Load {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// `CALLERS` callers, each posting `body` to the server and waiting for the
/// whole answer before the next, until `secs` have passed; every answer must
/// be a 200 without `"errors"`.
async fn load(http: &reqwest::Client, url: &str, token: &str, body: &str, secs: f64) -> Load {
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(secs);
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (http, url, token, body) =
                (http.clone(), format!("{url}/graphql"), token.to_string(), body.to_string());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let r = http
                        .post(&url)
                        .bearer_auth(&token)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .expect("request");
                    assert!(r.status().is_success(), "status {}", r.status());
                    let answer = r.bytes().await.expect("answer");
                    latencies.push(sent.elapsed());
                    assert!(
                        !answer.windows(8).any(|w| w == b"\"errors\""),
                        "unexpected errors: {}",
                        String::from_utf8_lossy(&answer)
                    );
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for caller in callers {
        latencies.extend(caller.await.expect("a caller"));
    }
    Load { requests: latencies.len(), elapsed: start.elapsed(), latencies }
}

/// The floor under load on SQLite: the statement from `CALLERS` tasks on
/// the bench's own pool, in-process, for `secs`; statements per second and
/// the bench process's CPU per statement (SQLite runs inside it).
async fn floor_in_process(conn: &sea_orm::DatabaseConnection, sql: &str, secs: f64) -> (f64, Option<f64>) {
    let cpu_before = cpu_ms(std::process::id());
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(secs);
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (conn, stmt) = (conn.clone(), Statement::from_string(conn.get_database_backend(), sql.to_string()));
            tokio::spawn(async move {
                let mut done = 0usize;
                while Instant::now() < deadline {
                    let rows = conn.query_all(stmt.clone()).await.expect("floor query");
                    assert!(!rows.is_empty(), "the floor reads rows");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut done = 0;
    for task in tasks {
        done += task.await.expect("a floor task");
    }
    let cpu = cpu_before.zip(cpu_ms(std::process::id())).map(|(before, after)| (after - before) / done as f64);
    (done as f64 / start.elapsed().as_secs_f64(), cpu)
}

/// The floor under load on PostgreSQL: `pgbench -n -c 8 -j 2 -T secs` of
/// the statement against the bench's database; its tps and, when `secs` is
/// at least 4, the CPU per statement of its backends, sampled from 1 s after
/// its start to 1 s before its end.
async fn floor_pgbench(t: &TestApp, sql: &str, secs: u64) -> (f64, Option<f64>) {
    let db = url::Url::parse(&t.db.url).expect("the database URL");
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("floor.sql");
    std::fs::write(&script, format!("{sql};\n")).expect("write the pgbench script");
    let mut cmd = Command::new("/usr/bin/pgbench");
    cmd.args(["-n", "-c", &CALLERS.to_string(), "-j", "2", "-T", &secs.to_string(), "-f"])
        .arg(&script)
        .args(["-h", db.host_str().unwrap_or("127.0.0.1"), "-p", &db.port().unwrap_or(5432).to_string()])
        .args(["-U", if db.username().is_empty() { "postgres" } else { db.username() }])
        .arg(db.path().trim_start_matches('/'))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().expect("start pgbench");
    let window = secs.saturating_sub(2);
    let mut cpu = None;
    if window >= 2 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = backends(t, "AND application_name = 'pgbench'").await;
        println!("  pgbench's {}", tls(t).await);
        tokio::time::sleep(Duration::from_secs(window)).await;
        let after = backends(t, "AND application_name = 'pgbench'").await;
        cpu = Some((backends_cpu(&before, &after), window as f64));
    }
    let out = child.wait_with_output().await.expect("pgbench ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tps = stdout
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("pgbench printed no tps: {stdout} {}", String::from_utf8_lossy(&out.stderr)));
    (tps, cpu.map(|(ms, secs)| ms / (tps * secs)))
}

struct LoadRow {
    clients: usize,
    cam: f64,
    floor: f64,
    cam_cpu: f64,
    pg_cpu: Option<f64>,
    /// PostgreSQL: the CPU of pgbench's backends; SQLite: the bench's own.
    floor_cpu: Option<f64>,
    p50: Duration,
    p99: Duration,
    load_average: String,
    /// The same page from PostGraphile (`CAM_BENCH_POSTGRAPHILE`).
    peer: Option<PeerLoad>,
}

/// PostGraphile under the load mode's load.
struct PeerLoad {
    per_second: f64,
    /// The node process's CPU per request, ms.
    node_cpu: f64,
    /// Its PostgreSQL backends' CPU per request, ms.
    pg_cpu: f64,
}

/// The load mode's peer at one size, on PostgreSQL: PostGraphile started
/// against the bench's database; checked once to return the page that cam
/// returned (`cam_page`, the Clients tab's `clients`: the same total, 50
/// rows of the same clients in the same order, and the first row's display
/// name and partner users' emails and total), so that the two serve the same
/// page; warmed up; then loaded as cam was (`load`: `CALLERS` callers for
/// `secs`, the same bearer token, which it ignores), with the CPU per request
/// of the node process and of its backends (by their `application_name`).
/// It is killed on return.
async fn postgraphile_load(
    t: &TestApp,
    install: &std::path::Path,
    cam_page: &Value,
    partner_id: i64,
    token: &str,
    secs: u64,
) -> PeerLoad {
    let offers_tls = t.rows("SELECT current_setting('ssl') = 'on' AS v").await[0].try_get::<bool>("", "v").unwrap();
    let peer = PostGraphile::start(install, &t.db.url, offers_tls).await;
    let http = reqwest::Client::new();
    let variables = json!({"p": partner_id.to_string()});
    let answer = post_graphql(&http, &peer.url, token, POSTGRAPHILE_CLIENTS_TAB, &variables).await;
    assert!(answer.get("errors").is_none(), "PostGraphile's errors: {answer}");
    let page = &answer["data"]["allManagedRelationships"];
    assert_eq!(page["totalCount"], cam_page["totalCount"], "PostGraphile counts the partner's clients as cam");
    let clients = |page: &Value| {
        page["edges"].as_array().map(|e| e.iter().map(|e| e["node"]["client"]["name"].clone()).collect::<Vec<_>>())
    };
    let names = clients(page);
    assert_eq!(names.as_ref().map(Vec::len), Some(50), "PostGraphile's page has 50 rows: {page}");
    assert_eq!(names, clients(cam_page), "PostGraphile's page has cam's clients in cam's order");
    let (theirs, mine) = (&page["edges"][0]["node"], &cam_page["edges"][0]["node"]);
    let display = theirs["crmName"].as_str().or(theirs["client"]["name"].as_str());
    assert_eq!(display, mine["displayName"].as_str(), "the first row's display name");
    let (their_users, my_users) = (&theirs["client"]["partnerUsers"], &mine["partnerUsers"]);
    let emails = |users: &Value| {
        users["edges"].as_array().map(|e| e.iter().map(|u| u["node"]["user"]["email"].clone()).collect::<Vec<_>>())
    };
    assert_eq!(emails(their_users), emails(my_users), "the first row's partner users: {theirs} / {mine}");
    assert_eq!(their_users["totalCount"], my_users["totalCount"], "the first row's partner users' total");

    let body = json!({"query": POSTGRAPHILE_CLIENTS_TAB, "variables": variables}).to_string();
    let load_average = load_average();
    load(&http, &peer.url, token, &body, (secs as f64).min(2.0)).await;
    let pid = peer.child.id().expect("PostGraphile runs");
    let its_backends = format!("AND application_name = '{PEER_APP}'");
    let db_before = backends(t, &its_backends).await;
    let node_before = cpu_ms(pid).expect("PostGraphile's CPU");
    let run = load(&http, &peer.url, token, &body, secs as f64).await;
    let node_after = cpu_ms(pid).expect("PostGraphile's CPU");
    let db_after = backends(t, &its_backends).await;
    println!("  PostGraphile's {}", tls(t).await);
    let per_request = |ms: f64| ms / run.requests as f64;
    let (node_cpu, pg_cpu) = (per_request(node_after - node_before), per_request(backends_cpu(&db_before, &db_after)));
    println!(
        "  PostGraphile under load: {} requests in {:.1} s at {CALLERS} callers = {:.0} req/s, p50 {} p99 {}; CPU \
         per request: node {node_cpu:.2} ms, its PostgreSQL backends {pg_cpu:.2} ms; node RSS {}; load average \
         before {load_average}",
        run.requests,
        run.elapsed.as_secs_f64(),
        run.per_second(),
        ms(pct(&run.latencies, 0.5)),
        ms(pct(&run.latencies, 0.99)),
        rss(pid),
    );
    PeerLoad { per_second: run.per_second(), node_cpu, pg_cpu }
}

/// The load mode at one size: the Clients tab's first page at `CALLERS`
/// concurrent callers through HTTP for `secs` after a warm-up, with the
/// server's and (PostgreSQL) its backends' CPU per request, then the floor
/// under the same concurrency.
async fn load_mode(
    t: &TestApp,
    server: &Server,
    token: &str,
    variables: &Value,
    floor_sql: &str,
    n: usize,
    secs: u64,
) -> LoadRow {
    let http = reqwest::Client::new();
    let body = json!({"query": CLIENTS_TAB, "variables": variables}).to_string();
    let load_average = load_average();
    // Warm-up: every caller's connection made, the server's pool grown,
    // each database connection past its custom plans.
    load(&http, &server.url, token, &body, (secs as f64).min(2.0)).await;
    let pid = server.child.id().expect("the server runs");
    let pg = t.db.is_postgres();
    let db_before = if pg { backends(t, "").await } else { Vec::new() };
    let (cam_before, me_before) = (cpu_ms(pid).expect("server CPU"), cpu_ms(std::process::id()).unwrap_or(0.0));
    let run = load(&http, &server.url, token, &body, secs as f64).await;
    let (cam_after, me_after) = (cpu_ms(pid).expect("server CPU"), cpu_ms(std::process::id()).unwrap_or(0.0));
    let db_after = if pg { backends(t, "").await } else { Vec::new() };
    if pg {
        println!("  cam's {}", tls(t).await);
    }
    let per_request = |ms: f64| ms / run.requests as f64;
    let pg_cpu = pg.then(|| per_request(backends_cpu(&db_before, &db_after)));
    let (p50, p99) = (pct(&run.latencies, 0.5), pct(&run.latencies, 0.99));
    println!(
        "  load: {} requests in {:.1} s at {CALLERS} callers = {:.0} req/s, p50 {} p99 {}; CPU per request: \
         server {:.2} ms, PostgreSQL backends {}, the bench's callers {:.2} ms; load average before {load_average}",
        run.requests,
        run.elapsed.as_secs_f64(),
        run.per_second(),
        ms(p50),
        ms(p99),
        per_request(cam_after - cam_before),
        pg_cpu.map_or("–".into(), |c| format!("{c:.2} ms")),
        per_request(me_after - me_before),
    );
    let (floor, floor_cpu) = if pg {
        floor_pgbench(t, floor_sql, secs).await
    } else {
        floor_in_process(t.app.store.connection(), floor_sql, secs as f64).await
    };
    println!(
        "  floor under load ({}): {floor:.0} statements/s, CPU per statement {}",
        if pg { "pgbench -n -c 8 -j 2; its PostgreSQL backends" } else { "8 tasks in-process; the bench process" },
        floor_cpu.map_or("–".into(), |c| format!("{c:.2} ms"))
    );
    LoadRow {
        clients: n,
        cam: run.per_second(),
        floor,
        cam_cpu: per_request(cam_after - cam_before),
        pg_cpu,
        floor_cpu,
        p50,
        p99,
        load_average,
        peer: None,
    }
}

fn token(email: &str) -> String {
    process_token(email, 7200)
}

async fn gql(http: &reqwest::Client, url: &str, token: &str, query: &str, variables: &Value) -> Value {
    let r = post_graphql(http, url, token, query, variables).await;
    assert!(r.get("errors").is_none(), "unexpected errors: {r}");
    r["data"].clone()
}

fn pct(samples: &[Duration], p: f64) -> Duration {
    let mut s = samples.to_vec();
    s.sort();
    s[((s.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Row {
    op: String,
    clients: usize,
    p50: String,
    p99: String,
    floor: String,
    ratio: String,
    statements: String,
    rss: String,
}

/// `first..=last` as a row source: `generate_series` on PostgreSQL, a
/// recursive CTE on SQLite.
fn numbers(pg: bool, last: usize) -> (String, String) {
    if pg {
        (String::new(), format!("generate_series(1, {last}) AS n(i)"))
    } else {
        (format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) "), "n".into())
    }
}

/// One seeding statement; on PostgreSQL without the app's statement timeout
/// (100,000 clients take longer than it allows) and with fresh statistics.
async fn bulk(t: &TestApp, sql: &str) {
    if t.db.is_postgres() {
        t.execute(&format!("BEGIN; SET LOCAL statement_timeout = 0; {sql}; ANALYZE; COMMIT")).await;
    } else {
        t.execute(sql).await;
    }
}

async fn scalar(t: &TestApp, sql: &str) -> i64 {
    t.rows(sql).await[0].try_get::<i64>("", "v").unwrap()
}

struct Seeded {
    partner: String,
    boss: W,
    ann: W,
    bob: W,
    partner_id: i64,
    ann_user: i64,
    /// Clients whose name contains `names::SEARCH`.
    matches: i64,
}

async fn seed(t: &TestApp, n: usize) -> Seeded {
    // Rows written now by the app, at the real clock's time.
    t.advance(chrono::Utc::now() - t.now());
    let w = World::new(t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    // Bob is a contractor: the Contractors tab has a worker in every client.
    let bob = w.worker(&partner, "bob", "STANDARD", &[], "CONTRACTOR", None).await;
    let set = w
        .permission_set(&partner, &boss.who, "Marketing", &["CONTACTS_VIEW", "MARKETING_ACCESS", "REPORTS_ACCESS"])
        .await;
    let client = w.client(&names::company(1)).await;
    let owner = w.client_admin(&client, "owner").await;
    let link = w.access_link(&partner, &boss.who, None).await;
    let ap = w.approve(link["token"].as_str().unwrap(), &client, &owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    let added = w.add_workers(&partner, &client, &[&ann.id, &bob.id], &set, &boss.who).await;
    assert!(user_error_codes(&added).is_empty(), "{added}");

    let template = scalar(t, "SELECT MAX(id) AS v FROM accounts WHERE kind = 'CLIENT'").await;
    let owner_user =
        scalar(t, &format!("SELECT id AS v FROM users WHERE email_key = '{}'", owner.email.to_lowercase())).await;
    let partner_id = scalar(t, "SELECT MIN(id) AS v FROM accounts WHERE kind = 'PARTNER'").await;
    let ann_user =
        scalar(t, &format!("SELECT id AS v FROM users WHERE email_key = '{}'", ann.email.to_lowercase())).await;
    let (with, from) = numbers(t.db.is_postgres(), n);
    let started = Instant::now();
    // The template's name without the suffix that `World` adds.
    t.execute(&format!("UPDATE accounts SET name = '{}' WHERE id = {template}", names::company(1))).await;
    bulk(
        t,
        &format!(
            "{with}INSERT INTO accounts (kind, name, tier, data_center, created_at) \
         SELECT a.kind, {}, a.tier, a.data_center, a.created_at FROM {from}, accounts a \
         WHERE a.id = {template} AND n.i > 1 ORDER BY n.i",
            names::company_sql("n.i")
        ),
    )
    .await;
    bulk(
        t,
        &format!(
            "INSERT INTO users (email, email_key, name, created_at) \
         SELECT 'owner' || c.id || '@scale-client.test', 'owner' || c.id || '@scale-client.test', \
         'Owner ' || c.id, u.created_at FROM accounts c, users u \
         WHERE u.id = {owner_user} AND c.kind = 'CLIENT' AND c.id > {template} ORDER BY c.id"
        ),
    )
    .await;
    bulk(
        t,
        &format!(
            "INSERT INTO managed_relationships (partner_id, client_id, crm_name, started_at, last_activity_at) \
         SELECT r.partner_id, c.id, r.crm_name, r.started_at, r.last_activity_at \
         FROM accounts c, managed_relationships r \
         WHERE r.client_id = {template} AND c.kind = 'CLIENT' AND c.id > {template} ORDER BY c.id"
        ),
    )
    .await;
    let columns = "account_id, user_id, role, seat, status, permissions, permission_set_id, partner_id, \
                   managed_credit, worker_kind, created_at, updated_at";
    let copied = "m.role, m.seat, m.status, m.permissions, m.permission_set_id, m.partner_id, m.managed_credit, \
                  m.worker_kind, m.created_at, m.updated_at";
    bulk(
        t,
        &format!(
            "INSERT INTO memberships ({columns}) SELECT c.id, u.id, {copied} \
         FROM accounts c JOIN users u ON u.email_key = 'owner' || c.id || '@scale-client.test', memberships m \
         WHERE m.account_id = {template} AND m.partner_id IS NULL AND c.kind = 'CLIENT' AND c.id > {template} \
         ORDER BY c.id"
        ),
    )
    .await;
    bulk(
        t,
        &format!(
            "INSERT INTO memberships ({columns}) SELECT c.id, m.user_id, {copied} FROM accounts c, memberships m \
         WHERE m.account_id = {template} AND m.partner_id IS NOT NULL AND c.kind = 'CLIENT' AND c.id > {template} \
         ORDER BY c.id, m.id"
        ),
    )
    .await;
    // One relationship in ten has no active partner user (its partner
    // users deactivated): half of them `ENDING`, half `ENDED` (last
    // activity 90 days ago, R27), so that each status filter has rows.
    bulk(
        t,
        &format!(
            "UPDATE memberships SET status = 'DEACTIVATED' WHERE partner_id = {partner_id} AND account_id IN \
             (SELECT client_id FROM managed_relationships WHERE partner_id = {partner_id} AND id % 10 = 0)"
        ),
    )
    .await;
    let long_ago = t.now() - chrono::Duration::days(90);
    let ph = if t.db.is_postgres() { "$1" } else { "?" };
    let conn = t.app.store.connection();
    conn.execute(sea_orm::Statement::from_sql_and_values(
        conn.get_database_backend(),
        format!(
            "UPDATE managed_relationships SET last_activity_at = {ph} WHERE partner_id = {partner_id} AND id % 20 = 0"
        ),
        [long_ago.into()],
    ))
    .await
    .expect("idle relationships");
    if t.db.is_postgres() {
        // What autovacuum does after so many inserts: the visibility map
        // lets counts read the indexes only.
        t.execute("VACUUM ANALYZE").await;
    }
    println!("  seeded {} clients by SQL in {:.1} s", n - 1, started.elapsed().as_secs_f64());
    if n > 1 {
        let second = t
            .rows(&format!("SELECT name FROM accounts WHERE kind = 'CLIENT' AND id > {template} ORDER BY id LIMIT 1"))
            .await[0]
            .try_get::<String>("", "name")
            .unwrap();
        assert_eq!(second, names::company(2), "the SQL names the copies as the Rust names the template");
    }
    let distinct = scalar(t, "SELECT COUNT(DISTINCT name) AS v FROM accounts WHERE kind = 'CLIENT'").await;
    let matches = scalar(
        t,
        &format!("SELECT COUNT(*) AS v FROM accounts WHERE kind = 'CLIENT' AND lower(name) LIKE '%{}%'", names::SEARCH),
    )
    .await;
    println!(
        "  {distinct} distinct names of {n} (\"{}\", \"{}\", …); \"{}\" matches {matches} ({:.1} %)",
        names::company(1),
        names::company(2),
        names::SEARCH,
        100.0 * matches as f64 / n as f64
    );
    Seeded { partner, boss, ann, bob, partner_id, ann_user, matches }
}

/// The floor of each read: the same page, with the same columns and totals,
/// as one hand-written SQL statement of the kind a good planner would send
/// (PostgreSQL: `LATERAL` per parent; SQLite: a window per parent).
fn floors(pg: bool, partner: i64, after: i64, searches: [&str; 2], ann_user: i64) -> [String; 10] {
    // Each row's partner-user counts by role (access types and status).
    let stats = format!(
        "(SELECT COUNT(*) FROM memberships m WHERE m.partner_id = {partner} AND m.account_id = r.client_id \
         AND m.status = 'ACTIVE' AND m.role = 'PARTNER_ADMIN') AS n_admins, \
         (SELECT COUNT(*) FROM memberships m WHERE m.partner_id = {partner} AND m.account_id = r.client_id \
         AND m.status = 'ACTIVE' AND m.role = 'SUPER_ADMIN') AS n_supers, \
         (SELECT COUNT(*) FROM memberships m WHERE m.partner_id = {partner} AND m.account_id = r.client_id \
         AND m.status = 'ACTIVE' AND m.role = 'STANDARD') AS n_standard"
    );
    let page = |filter: &str, after: i64| {
        format!(
            "WITH page AS (SELECT r.id, r.client_id, COALESCE(r.crm_name, a.name) AS display_name, a.name, \
             r.started_at, r.last_activity_at, {stats} FROM managed_relationships r JOIN accounts a ON a.id = r.client_id \
             WHERE r.partner_id = {partner} AND r.id > {after} {filter} ORDER BY r.id LIMIT 51)"
        )
    };
    let total = |filter: &str| {
        if filter.is_empty() {
            // Unfiltered, the partner's kept count (m20261202_000001).
            return format!(
                "COALESCE((SELECT c.clients FROM partner_client_counts c WHERE c.partner_id = {partner}), 0) AS total"
            );
        }
        let join = if filter.contains("a.name") { " JOIN accounts a ON a.id = r.client_id" } else { "" };
        format!("(SELECT COUNT(*) FROM managed_relationships r{join} WHERE r.partner_id = {partner} {filter}) AS total")
    };
    let users = "m.role, m.seat, m.status, u.email, u.name AS user_name, ps.name AS set_name";
    let people = "JOIN users u ON u.id = m.user_id LEFT JOIN permission_sets ps ON ps.id = m.permission_set_id";
    let with_users = |after: i64| {
        if pg {
            format!(
                "{} SELECT page.*, pu.*, {} FROM page LEFT JOIN LATERAL (SELECT {users}, \
                 (SELECT COUNT(*) FROM memberships x WHERE x.account_id = page.client_id AND x.partner_id = {partner}) \
                 AS pu_total FROM memberships m {people} WHERE m.account_id = page.client_id \
                 AND m.partner_id = {partner} ORDER BY m.id LIMIT 11) pu ON TRUE ORDER BY page.id",
                page("", after),
                total("")
            )
        } else {
            format!(
                "{}, pu AS (SELECT m.account_id, {users}, \
                 ROW_NUMBER() OVER (PARTITION BY m.account_id ORDER BY m.id) AS rn, \
                 COUNT(*) OVER (PARTITION BY m.account_id) AS pu_total \
                 FROM page JOIN memberships m ON m.account_id = page.client_id AND m.partner_id = {partner} {people}) \
                 SELECT page.*, pu.*, {} FROM page LEFT JOIN pu ON pu.account_id = page.client_id AND pu.rn <= 11 \
                 ORDER BY page.id, pu.rn",
                page("", after),
                total("")
            )
        }
    };
    // The display name as the database keeps it for the search
    // (m20261206_000702): PostgreSQL's lower-cased names under their trigram
    // index; SQLite's FTS5 trigram table, each candidate checked by `LIKE`
    // against the name and the partner that table keeps (m20261206_000703).
    let search = |term: &str| {
        let term = term.to_lowercase();
        if pg {
            return format!(
                "AND r.id IN (SELECT s.relationship_id FROM client_search s WHERE s.partner_id = {partner} \
                 AND s.name LIKE '%{term}%')"
            );
        }
        format!(
            "AND r.id IN (SELECT s.rowid FROM client_search s WHERE s.client_search MATCH '\"{term}\"' \
             AND s.partner_id = {partner} AND lower(s.name) LIKE '%{term}%')"
        )
    };
    let [term, one] = searches.map(search);
    let active = format!(
        "AND EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = r.client_id AND m.partner_id = {partner} \
         AND m.status = 'ACTIVE')"
    );
    let idle = |cmp: &str| {
        let ago = if pg { "now() - interval '60 days'".to_string() } else { "datetime('now', '-60 days')".to_string() };
        format!(
            "AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = r.client_id AND m.partner_id = {partner} \
             AND m.status = 'ACTIVE') AND r.last_activity_at {cmp} {ago}"
        )
    };
    let (ending, ended) = (idle(">"), idle("<="));
    let domain = if pg { "split_part(u.email, '@', 2)" } else { "substr(u.email, instr(u.email, '@') + 1)" };
    let in_clients = format!(
        "EXISTS (SELECT 1 FROM managed_relationships r WHERE r.partner_id = {partner} AND r.client_id = x.account_id)"
    );
    let workers = |kind: &str| {
        format!(
            "WITH w AS (SELECT m.id, m.user_id, m.status, u.email, u.name FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.account_id = {partner} AND m.worker_kind = '{kind}' \
             ORDER BY m.id LIMIT 51) \
             SELECT w.*, (SELECT COUNT(*) FROM memberships m WHERE m.account_id = {partner} \
             AND m.worker_kind = '{kind}') AS total, \
             EXISTS (SELECT 1 FROM users u JOIN verified_domains d ON d.partner_id = {partner} \
             AND d.domain = {domain} WHERE u.id = w.user_id) AS verified, \
             (SELECT COUNT(*) FROM memberships x WHERE x.user_id = w.user_id AND {in_clients}) AS memberships \
             FROM w ORDER BY w.id"
        )
    };
    [
        with_users(0),
        with_users(after),
        format!("{} SELECT page.*, {} FROM page ORDER BY page.id", page(&term, 0), total(&term)),
        format!("{} SELECT page.*, {} FROM page ORDER BY page.id", page(&one, 0), total(&one)),
        format!("{} SELECT page.*, {} FROM page ORDER BY page.id", page(&active, 0), total(&active)),
        format!(
            "SELECT m.id, m.role, m.seat, m.status, a.name, (SELECT COUNT(*) FROM memberships x \
             WHERE x.user_id = {ann_user} AND {in_clients}) AS total \
             FROM memberships m JOIN accounts a ON a.id = m.account_id \
             WHERE m.user_id = {ann_user} AND EXISTS (SELECT 1 FROM managed_relationships r \
             WHERE r.partner_id = {partner} AND r.client_id = m.account_id) ORDER BY m.id LIMIT 51"
        ),
        // The Employees tab: each worker's user, check mark (a verified
        // domain of the partner), and the total of its client memberships.
        workers("EMPLOYEE"),
        format!("{} SELECT page.*, {} FROM page ORDER BY page.id", page(&ending, 0), total(&ending)),
        format!("{} SELECT page.*, {} FROM page ORDER BY page.id", page(&ended, 0), total(&ended)),
        workers("CONTRACTOR"),
    ]
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("CAM_BENCH_CLIENTS")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .map(|s| s.trim().replace('_', "").parse().expect("CAM_BENCH_CLIENTS: sizes like 1000,10000"))
        .collect();
    let runs: usize = std::env::var("CAM_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(50);
    // The bulk writes run at one size: `CAM_BENCH_WRITES_AT`, else the
    // largest size up to 10,000 (the issue's).
    let writes_at = match std::env::var("CAM_BENCH_WRITES_AT") {
        Ok(n) => Some(n.trim().replace('_', "").parse().expect("CAM_BENCH_WRITES_AT: a size like 100000")),
        Err(_) => sizes.iter().copied().filter(|&n| n <= 10_000).max(),
    };
    // The load mode (issue 29 item 5): seconds of it per size, after the
    // sequential reads.
    let load_secs: Option<u64> =
        std::env::var("CAM_BENCH_LOAD").ok().map(|s| s.trim().parse().expect("CAM_BENCH_LOAD: seconds, like 10"));
    // The load mode's peer (issue 29 target 1): PostGraphile 5, installed
    // by npm in this directory (see the README), on PostgreSQL only.
    let peer = std::env::var_os("CAM_BENCH_POSTGRAPHILE").map(std::path::PathBuf::from);
    let peer_version = match (&peer, load_secs) {
        (Some(install), Some(_)) => Some(PostGraphile::version(install).await),
        (Some(_), None) => {
            println!("CAM_BENCH_POSTGRAPHILE is used by the load mode only (CAM_BENCH_LOAD=<seconds>)");
            None
        }
        _ => None,
    };
    let mut rows = Vec::new();
    let mut loads = Vec::new();
    let mut db_name = "SQLite";
    for &n in &sizes {
        let t = TestApp::new().await;
        let pg = t.db.is_postgres();
        db_name = if pg { "PostgreSQL" } else { "SQLite" };
        println!("{db_name}, {n} clients:");
        let s = seed(&t, n).await;
        let boss_token = token(&s.boss.email);
        if std::env::var_os("CAM_BENCH_KEEP").is_some() {
            // For profiling (perf, EXPLAIN): keep the seeded database and
            // say how to call it; exiting skips the database's drop.
            println!("  kept {} (partner {}, worker {}); bearer token {boss_token}", t.db.url, s.partner, s.ann.id);
            std::process::exit(0);
        }
        let http = reqwest::Client::new();

        // The app reads the seeded data.
        let first = t.ok(&s.boss.who, CLIENTS_TAB, json!({"p": s.partner})).await;
        let clients = &first["partnerAccount"]["clients"];
        assert_eq!(clients["totalCount"], json!(n), "the Clients tab counts every seeded client");
        let edge = &clients["edges"][1]["node"];
        assert_eq!(edge["status"], json!("ACTIVE"), "{edge}");
        assert_eq!(edge["partnerUsers"]["totalCount"], json!(3), "{edge}");
        let last =
            scalar(&t, &format!("SELECT MAX(id) AS v FROM managed_relationships WHERE partner_id = {}", s.partner_id))
                .await;
        let deep_after = last - 60;
        let one = names::company(n.saturating_sub(1).max(1));

        let term_read =
            format!("Clients tab, search \"{}\" ({:.1} % match)", names::SEARCH, 100.0 * s.matches as f64 / n as f64);
        let reads: [(&str, &str, Value); 10] = [
            ("Clients tab, first 50 with 10 partner users", CLIENTS_TAB, json!({"p": s.partner})),
            ("Clients tab, deep page", CLIENTS_TAB, json!({"p": s.partner, "after": cursor(deep_after)})),
            (&term_read, SEARCH, json!({"p": s.partner, "s": names::SEARCH})),
            ("Clients tab, search (one full name)", SEARCH, json!({"p": s.partner, "s": one})),
            ("Clients tab, status ACTIVE", STATUS, json!({"p": s.partner, "s": ["ACTIVE"]})),
            ("a worker's clientMemberships, first 50", MEMBERSHIPS, json!({"w": s.ann.id})),
            ("Employees tab, each worker's clientMemberships", EMPLOYEES, json!({"p": s.partner})),
            ("Clients tab, status ENDING", STATUS, json!({"p": s.partner, "s": ["ENDING"]})),
            ("Clients tab, status ENDED", STATUS, json!({"p": s.partner, "s": ["ENDED"]})),
            ("Contractors tab, each worker's clientMemberships", CONTRACTORS, json!({"p": s.partner})),
        ];
        let deep = t.ok(&s.boss.who, CLIENTS_TAB, reads[1].2.clone()).await;
        let deep_edges = deep["partnerAccount"]["clients"]["edges"].as_array().map(Vec::len);
        assert_eq!(deep_edges, Some(50), "the deep page is full");
        let found = t.ok(&s.boss.who, SEARCH, reads[2].2.clone()).await;
        assert_eq!(found["partnerAccount"]["clients"]["totalCount"], json!(s.matches), "the search counts its matches");
        let mine = t.ok(&s.boss.who, MEMBERSHIPS, reads[5].2.clone()).await;
        assert_eq!(mine["node"]["clientMemberships"]["totalCount"], json!(n), "Ann is in every client");

        // Statements per request, in-process on the same database.
        let mut statements = Vec::new();
        for (_, q, vars) in &reads {
            let before = t.statement_count();
            t.ok(&s.boss.who, q, vars.clone()).await;
            statements.push(t.statement_count() - before);
        }

        let floor_sql = floors(pg, s.partner_id, deep_after, [names::SEARCH, &one], s.ann_user);
        let conn = t.app.store.connection();
        let server = Server::start(&t.db.url).await;
        let mut measured = Vec::new();
        for (i, (name, q, vars)) in reads.iter().enumerate() {
            // Warm up past PostgreSQL's plan choice: a prepared statement
            // is planned for its values five times on each connection, then
            // may keep one generic plan, faster or slower; timing only the
            // first runs measured the passing custom plans (the Employees
            // tab's counts at 100,000 clients: 68 ms timed, 330 ms after).
            for _ in 0..WARM_UP {
                gql(&http, &server.url, &boss_token, q, vars).await;
            }
            let mut samples = Vec::with_capacity(runs);
            for _ in 0..runs {
                let start = Instant::now();
                gql(&http, &server.url, &boss_token, q, vars).await;
                samples.push(start.elapsed());
            }
            let stmt = Statement::from_string(conn.get_database_backend(), floor_sql[i].clone());
            let mut floor = Vec::with_capacity(runs);
            for _ in 0..runs {
                let start = Instant::now();
                let got = conn.query_all(stmt.clone()).await.expect("floor query");
                floor.push(start.elapsed());
                assert!(!got.is_empty(), "the floor of {name} reads rows");
            }
            println!(
                "  {name:<44} p50 {:>9} p99 {:>9} floor {:>9} statements {}",
                ms(pct(&samples, 0.5)),
                ms(pct(&samples, 0.99)),
                ms(pct(&floor, 0.5)),
                statements[i]
            );
            measured.push((name.to_string(), samples, floor, statements[i]));
        }
        let rss = server.rss();
        if let Some(secs) = load_secs {
            let mut row = load_mode(&t, &server, &boss_token, &reads[0].2, &floor_sql[0], n, secs).await;
            match &peer {
                Some(install) if pg => {
                    let page = &first["partnerAccount"]["clients"];
                    row.peer = Some(postgraphile_load(&t, install, page, s.partner_id, &boss_token, secs).await);
                }
                Some(_) => println!("  CAM_BENCH_POSTGRAPHILE: no peer on SQLite (PostGraphile serves PostgreSQL)"),
                None => {}
            }
            loads.push(row);
        }
        for (op, samples, floor, statements) in measured {
            rows.push(Row {
                op,
                clients: n,
                p50: ms(pct(&samples, 0.5)),
                p99: ms(pct(&samples, 0.99)),
                floor: ms(pct(&floor, 0.5)),
                ratio: format!("{:.1}×", pct(&samples, 0.5).as_secs_f64() / pct(&floor, 0.5).as_secs_f64()),
                statements: statements.to_string(),
                rss: rss.clone(),
            });
        }

        if Some(n) == writes_at {
            for (op, q, who) in [
                ("deactivateWorker (Ann, in every client)", DEACTIVATE, &s.ann),
                ("removeWorkerFromClients (Bob, every client)", REMOVE, &s.bob),
            ] {
                let start = Instant::now();
                let data = gql(&http, &server.url, &boss_token, q, &json!({"w": who.id})).await;
                let took = start.elapsed();
                let payload = data.as_object().and_then(|o| o.values().next()).cloned().unwrap_or_default();
                assert!(user_error_codes(&payload).is_empty(), "{payload}");
                println!("  {op:<44} once {:>9}", ms(took));
                rows.push(Row {
                    op: op.into(),
                    clients: n,
                    p50: format!("{} (once)", ms(took)),
                    p99: "–".into(),
                    floor: "–".into(),
                    ratio: "–".into(),
                    statements: "–".into(),
                    rss: server.rss(),
                });
            }
            let left = scalar(
                &t,
                &format!(
                    "SELECT COUNT(*) AS v FROM memberships WHERE partner_id = {} AND status = 'ACTIVE' \
                     AND user_id = {}",
                    s.partner_id, s.ann_user
                ),
            )
            .await;
            assert_eq!(left, 0, "Ann is deactivated everywhere");
        }
        drop(server);
    }

    println!("\n{db_name}, {runs} sequential runs per read through HTTP:\n");
    println!("| operation | clients | p50 | p99 | floor p50 | cam / floor | statements | server RSS (peak) |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.op, r.clients, r.p50, r.p99, r.floor, r.ratio, r.statements, r.rss
        );
    }
    if let Some(secs) = load_secs {
        let floor = if db_name == "PostgreSQL" {
            "pgbench -n -c 8 -j 2 (simple protocol); floor CPU: its PostgreSQL backends"
        } else {
            "8 tasks in the bench's process; floor CPU: the bench process's (SQLite runs in it)"
        };
        println!(
            "\n{db_name}, load: the Clients tab's first page (50 clients with 10 partner users) at {CALLERS} \
             concurrent callers through HTTP for {secs} s after a 2 s warm-up; floor: the same page as one SQL \
             statement under {floor}, for {secs} s; CPU = utime + stime per request:\n"
        );
        // PostGraphile's columns only when it ran: the table is otherwise
        // the one the README shows from before the peer.
        let with_peer = loads.iter().any(|l| l.peer.is_some());
        if let (true, Some(version)) = (with_peer, &peer_version) {
            println!(
                "Peer: {version}, the same page (its query: the bench's POSTGRAPHILE_CLIENTS_TAB) through HTTP \
                 from the same callers for the same time after the same warm-up; its CPU: node + its PostgreSQL \
                 backends.\n"
            );
        }
        let (peer_head, peer_rule) = if with_peer {
            (
                " PostGraphile req/s | cam / PostGraphile | PostGraphile CPU ms/req (node + PostgreSQL) |",
                " --- | --- | --- |",
            )
        } else {
            ("", "")
        };
        println!(
            "| clients | cam req/s | floor req/s | cam / floor | cam CPU ms/req | PostgreSQL CPU ms/req | \
             floor CPU ms/req |{peer_head} p50 under load | p99 under load | load average before |"
        );
        println!("| --- | --- | --- | --- | --- | --- | --- |{peer_rule} --- | --- | --- |");
        let or_dash = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.2}"));
        for l in loads {
            let peer = match &l.peer {
                Some(p) => format!(
                    " {:.0} | {:.2} | {:.2} + {:.2} |",
                    p.per_second,
                    l.cam / p.per_second,
                    p.node_cpu,
                    p.pg_cpu
                ),
                None if with_peer => " – | – | – |".to_string(),
                None => String::new(),
            };
            println!(
                "| {} | {:.0} | {:.0} | {:.2} | {:.2} | {} | {} |{peer} {} | {} | {} |",
                l.clients,
                l.cam,
                l.floor,
                l.cam / l.floor,
                l.cam_cpu,
                or_dash(l.pg_cpu),
                or_dash(l.floor_cpu),
                ms(l.p50),
                ms(l.p99),
                l.load_average
            );
        }
    }
}
