//! R40 at its limit: `cargo bench -p cam-tests --bench cross_client` (SQLite;
//! add `CAM_TEST_DATABASE_URL=postgres://…` for PostgreSQL).
//!
//! Seeds one partner whose boss is a partner admin of 500 managed clients
//! (by SQL, as the scale bench does), then adds one fresh worker to all 500
//! clients in one `addWorkerToClients` request, `CAM_BENCH_RUNS` times
//! (default 10), each in its own transaction, through the GraphQL schema
//! in-process. Prints p50/p95/max, the statements one request costs and the
//! most values one statement bound.

use std::time::{Duration, Instant};

use cam_api::graphql::ids::{encode, Kind};
use cam_tests::*;
use serde_json::json;

const CLIENTS: i64 = 500;

const ADD: &str = "mutation($i: AddWorkerToClientsInput!){ addWorkerToClients(input:$i){
    memberships{ id } withheld{ clientAccount{ id } } userErrors{ code field } } }";

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("CAM_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(10);
    let t = TestApp::new().await;
    let w = World::new(&t);
    let db = if t.db.is_postgres() { "PostgreSQL" } else { "SQLite" };
    println!("seeding {CLIENTS} clients on {db}…");
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let set = w.permission_set(&partner, &boss.who, "Basic", &["CONTACTS_VIEW", "REPORTS_ACCESS"]).await;
    let ts = t.t0_literal();
    let boss_user = format!("(SELECT id FROM users WHERE email_key = '{}')", boss.email.to_lowercase());
    let partner_id = "(SELECT MIN(id) FROM accounts WHERE kind = 'PARTNER')";
    t.execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {CLIENTS}) \
         INSERT INTO accounts (kind, name, data_center, created_at) \
         SELECT 'CLIENT', 'Bench ' || i, 'na1', {ts} FROM n ORDER BY i"
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO managed_relationships (partner_id, client_id, started_at, last_activity_at) \
         SELECT {partner_id}, a.id, {ts}, {ts} FROM accounts a WHERE a.name LIKE 'Bench %' ORDER BY a.id"
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO memberships (account_id, user_id, role, seat, status, permissions, partner_id, managed_credit, \
         created_at, updated_at) \
         SELECT a.id, {boss_user}, 'PARTNER_ADMIN', 'PARTNER', 'ACTIVE', 'CONTACTS_VIEW,REPORTS_ACCESS', {partner_id}, \
         TRUE, {ts}, {ts} FROM accounts a WHERE a.name LIKE 'Bench %' ORDER BY a.id"
    ))
    .await;
    let rows = t.rows("SELECT id FROM accounts WHERE name LIKE 'Bench %' ORDER BY id").await;
    let clients: Vec<String> =
        rows.iter().map(|r| encode(Kind::ClientAccount, r.try_get::<i64>("", "id").unwrap()).to_string()).collect();
    let mut workers = Vec::new();
    for i in 0..runs {
        workers.push(w.worker(&partner, &format!("late{i}"), "STANDARD", &[], "EMPLOYEE", None).await);
    }

    let mut samples = Vec::with_capacity(runs);
    let mut statements = 0;
    let mut largest = 0;
    for worker in &workers {
        let vars = json!({"i": {"partnerAccountId": partner, "workerId": worker.id, "clientAccountIds": clients,
                                "permissionSetId": set}});
        t.take_largest_bind();
        let before = t.statement_count();
        let start = Instant::now();
        let p = t.payload(&boss.who, ADD, vars).await;
        samples.push(start.elapsed());
        statements = t.statement_count() - before;
        largest = t.take_largest_bind();
        assert!(user_error_codes(&p).is_empty(), "{p}");
        assert_eq!(p["memberships"].as_array().map(Vec::len), Some(CLIENTS as usize));
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "addWorkerToClients, one worker into {CLIENTS} clients: n={} p50={:.1} ms p95={:.1} ms max={:.1} ms; \
         {statements} statements, at most {largest} values bound by one",
        samples.len(),
        ms(pct(0.50)),
        ms(pct(0.95)),
        ms(samples[samples.len() - 1]),
    );
}
