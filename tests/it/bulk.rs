//! Set-based bulk writes (issue 9): deactivating a worker everywhere (R24),
//! removing them from every client (R25) and removing all partner users of
//! a client (R28) cost the same number of SQL statements for 3 clients or
//! for 300, bind no list that grows with them, and still write one audit
//! event per changed membership (R32). Past 1,000 clients the events and
//! notices are written a chunk of 1,000 at a time: a few statements more per
//! chunk, never per client. The clients are seeded straight into the tables.

use cam_tests::*;
use serde_json::json;

struct Agency {
    partner: String,
    boss: As,
    ann: W,
}

/// An agency whose employee Ann is an active partner user of `n` clients
/// ("Bulk 1" …), owning two assets in each.
async fn ann_in_clients(t: &TestApp, n: i64) -> Agency {
    let w = World::new(t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let ts = t.t0_literal();
    let partner_id = "(SELECT MIN(id) FROM accounts WHERE kind = 'PARTNER')";
    let ann_user = format!("(SELECT id FROM users WHERE email_key = '{}')", ann.email.to_lowercase());
    t.execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
         INSERT INTO accounts (kind, name, data_center, created_at) \
         SELECT 'CLIENT', 'Bulk ' || i, 'na1', {ts} FROM n ORDER BY i"
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO managed_relationships (partner_id, client_id, started_at, last_activity_at) \
         SELECT {partner_id}, a.id, {ts}, {ts} FROM accounts a WHERE a.name LIKE 'Bulk %' ORDER BY a.id"
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO memberships (account_id, user_id, role, seat, status, permissions, partner_id, managed_credit, \
         created_at, updated_at) \
         SELECT a.id, {ann_user}, 'STANDARD', 'CORE', 'ACTIVE', 'CONTACTS_VIEW', {partner_id}, TRUE, {ts}, {ts} \
         FROM accounts a WHERE a.name LIKE 'Bulk %' ORDER BY a.id"
    ))
    .await;
    for kind in ["CONTACT", "DEAL"] {
        t.execute(&format!(
            "INSERT INTO assets (client_id, owner_id, kind, name, created_at) \
             SELECT a.id, {ann_user}, '{kind}', 'Ann''s {kind}', {ts} FROM accounts a WHERE a.name LIKE 'Bulk %' \
             ORDER BY a.id"
        ))
        .await;
    }
    Agency { partner, boss: boss.who, ann }
}

/// Statements run, and the most values one of them bound, for one request.
async fn cost(t: &TestApp, who: &As, query: &str, vars: serde_json::Value) -> (usize, usize, serde_json::Value) {
    t.take_largest_bind();
    let before = t.statement_count();
    let p = t.payload(who, query, vars).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    (t.statement_count() - before, t.take_largest_bind(), p)
}

async fn count(t: &TestApp, sql: &str) -> i64 {
    t.rows(sql).await[0].try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn deactivating_a_worker_costs_the_same_statements_in_3_or_300_clients() {
    // R24, R32: every membership is deactivated, each with its audit event.
    let q = "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){
        worker{ status } deactivatedMemberships{ status } userErrors{ code } } }";
    let mut costs = Vec::new();
    for n in [3, 300] {
        let t = TestApp::new().await;
        let a = ann_in_clients(&t, n).await;
        let (statements, largest, p) = cost(&t, &a.boss, q, json!({"i": {"workerId": a.ann.id}})).await;
        assert_eq!(p["worker"]["status"], json!("DEACTIVATED"));
        let deactivated = p["deactivatedMemberships"].as_array().unwrap();
        assert_eq!(deactivated.len() as i64, n);
        assert!(deactivated.iter().all(|m| m["status"] == json!("DEACTIVATED")));
        let still_active = "SELECT COUNT(*) AS n FROM memberships WHERE partner_id IS NOT NULL AND status = 'ACTIVE'";
        assert_eq!(count(&t, still_active).await, 0);
        let events = "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'membership.deactivated'";
        assert_eq!(count(&t, events).await, n, "one audit event per client");
        assert!(largest < 20, "a statement bound {largest} values for {n} clients");
        costs.push(statements);

        // The partner's audit log shows each change as before.
        let log = t
            .ok(
                &a.boss,
                "query($id: ID!){ partnerAccount(id:$id){ auditLog(first: 3){ edges{ node{
                    at action actor{ email } subject{ email } before after } } } } }",
                json!({"id": a.partner}),
            )
            .await;
        let events: Vec<&serde_json::Value> =
            log["partnerAccount"]["auditLog"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect();
        let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["membership.deactivated"; 3]);
        let last = events[2];
        assert_eq!(last["at"], json!(t0().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)));
        assert_eq!(last["actor"]["email"], json!(user_email(&a.boss)));
        assert_eq!(last["subject"]["email"], json!(a.ann.email));
        assert_eq!((&last["before"]["status"], &last["after"]["status"]), (&json!("ACTIVE"), &json!("DEACTIVATED")));
    }
    assert_eq!(costs[0], costs[1], "3 clients cost {} statements, 300 cost {}", costs[0], costs[1]);
}

fn user_email(who: &As) -> String {
    match who {
        As::User(e) => e.clone(),
        _ => String::new(),
    }
}

#[tokio::test]
async fn removing_a_worker_from_every_client_costs_the_same_statements_for_3_or_300_clients() {
    // R25, R32: memberships go, assets stay (without an owner), one audit
    // event per client.
    let q = "mutation($i: RemoveWorkerFromClientsInput!){ removeWorkerFromClients(input:$i){
        removedMemberships reassignedAssets unassignedAssets userErrors{ code } } }";
    let mut costs = Vec::new();
    for n in [3, 300] {
        let t = TestApp::new().await;
        let a = ann_in_clients(&t, n).await;
        let (statements, largest, p) = cost(&t, &a.boss, q, json!({"i": {"workerId": a.ann.id}})).await;
        assert_eq!(p["removedMemberships"], json!(n));
        assert_eq!((&p["reassignedAssets"], &p["unassignedAssets"]), (&json!(0), &json!(2 * n)));
        assert_eq!(count(&t, "SELECT COUNT(*) AS n FROM memberships WHERE partner_id IS NOT NULL").await, 0);
        assert_eq!(
            count(&t, "SELECT COUNT(*) AS n FROM assets WHERE owner_id IS NULL").await,
            2 * n,
            "no asset deleted"
        );
        let events = "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'membership.removed'";
        assert_eq!(count(&t, events).await, n);
        assert!(largest < 20, "a statement bound {largest} values for {n} clients");
        costs.push(statements);
    }
    assert_eq!(costs[0], costs[1], "3 clients cost {} statements, 300 cost {}", costs[0], costs[1]);
}

#[tokio::test]
async fn removing_all_partner_users_of_a_client_costs_the_same_statements_for_3_or_60_users() {
    // R28, R32: every partner user of the client goes, all of them
    // deactivated first, with one audit event each.
    let q = "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){
        removedMemberships unassignedAssets userErrors{ code } } }";
    let mut costs = Vec::new();
    for n in [3_i64, 60] {
        let t = TestApp::new().await;
        let a = ann_in_clients(&t, 1).await;
        let ts = t.t0_literal();
        let client = "(SELECT id FROM accounts WHERE name = 'Bulk 1')";
        t.execute(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) \
             INSERT INTO users (email, email_key, name, created_at) \
             SELECT 'pu' || i || '@bulk.test', 'pu' || i || '@bulk.test', 'PU ' || i, {ts} FROM n ORDER BY i",
            n - 1
        ))
        .await;
        t.execute(&format!(
            "INSERT INTO memberships (account_id, user_id, role, seat, status, permissions, partner_id, \
             managed_credit, created_at, updated_at) \
             SELECT {client}, u.id, 'STANDARD', 'CORE', 'DEACTIVATED', '', (SELECT MIN(id) FROM accounts WHERE kind = \
             'PARTNER'), TRUE, {ts}, {ts} FROM users u WHERE u.email LIKE 'pu%@bulk.test' ORDER BY u.id"
        ))
        .await;
        let client_id = t
            .ok(
                &a.boss,
                "query($id: ID!){ partnerAccount(id:$id){ clients{ edges{ node{ client{ id } } } } } }",
                json!({"id": a.partner}),
            )
            .await["partnerAccount"]["clients"]["edges"][0]["node"]["client"]["id"]
            .clone();
        let vars = json!({"i": {"partnerAccountId": a.partner, "clientAccountId": client_id}});
        let (statements, largest, p) = cost(&t, &a.boss, q, vars).await;
        assert_eq!((&p["removedMemberships"], &p["unassignedAssets"]), (&json!(n), &json!(2)));
        assert_eq!(count(&t, "SELECT COUNT(*) AS n FROM memberships WHERE partner_id IS NOT NULL").await, 0);
        let events = "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'membership.removed'";
        assert_eq!(count(&t, events).await, n);
        assert!(largest < 20, "a statement bound {largest} values for {n} partner users");
        costs.push(statements);
    }
    assert_eq!(costs[0], costs[1], "3 users cost {} statements, 60 cost {}", costs[0], costs[1]);
}

/// Ann (from `ann_in_clients`) becomes a super admin of every client, and
/// Cleo, a client-side user, a second active super admin of each.
async fn ann_a_super_admin_beside_cleo(t: &TestApp) {
    t.execute("UPDATE memberships SET role = 'SUPER_ADMIN' WHERE partner_id IS NOT NULL").await;
    cleo_a_super_admin_everywhere(t).await;
}

/// Cleo, a client-side user, is an active super admin of every client: she
/// receives their offboarding notices (R38).
async fn cleo_a_super_admin_everywhere(t: &TestApp) {
    let ts = t.t0_literal();
    t.execute(&format!(
        "INSERT INTO users (email, email_key, name, created_at) VALUES ('cleo@client.test', 'cleo@client.test', 'Cleo', {ts})"
    ))
    .await;
    t.execute(&format!(
        "INSERT INTO memberships (account_id, user_id, role, seat, status, permissions, managed_credit, \
         created_at, updated_at) \
         SELECT a.id, (SELECT id FROM users WHERE email_key = 'cleo@client.test'), 'SUPER_ADMIN', 'CORE', 'ACTIVE', \
         '', FALSE, {ts}, {ts} FROM accounts a WHERE a.name LIKE 'Bulk %' ORDER BY a.id"
    ))
    .await;
}

#[tokio::test]
async fn deactivating_a_worker_who_is_a_super_admin_everywhere_checks_every_client_in_one_statement() {
    // R24, R31: each client must keep an active super admin. That check
    // read one count per client, so a worker who is a super admin of
    // 10,000 clients cost 10,000 statements.
    let q = "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){
        worker{ status } userErrors{ code } } }";
    let mut costs = Vec::new();
    for n in [3, 300] {
        let t = TestApp::new().await;
        let a = ann_in_clients(&t, n).await;
        ann_a_super_admin_beside_cleo(&t).await;
        let (statements, largest, p) = cost(&t, &a.boss, q, json!({"i": {"workerId": a.ann.id}})).await;
        assert_eq!(p["worker"]["status"], json!("DEACTIVATED"));
        let deactivated = "SELECT COUNT(*) AS n FROM memberships WHERE role = 'SUPER_ADMIN' AND status = 'DEACTIVATED'";
        assert_eq!(count(&t, deactivated).await, n);
        assert!(largest < 20, "a statement bound {largest} values for {n} clients");
        costs.push(statements);
    }
    assert_eq!(costs[0], costs[1], "3 clients cost {} statements, 300 cost {}", costs[0], costs[1]);

    // Where Ann is the last active super admin, nothing is deactivated.
    let t = TestApp::new().await;
    let a = ann_in_clients(&t, 300).await;
    ann_a_super_admin_beside_cleo(&t).await;
    t.execute(
        "UPDATE memberships SET status = 'DEACTIVATED' WHERE partner_id IS NULL AND account_id = \
         (SELECT id FROM accounts WHERE name = 'Bulk 299')",
    )
    .await;
    let p = t.payload(&a.boss, q, json!({"i": {"workerId": a.ann.id}})).await;
    assert_eq!(user_error_codes(&p), vec!["LAST_SUPER_ADMIN"], "{p}");
    let active = "SELECT COUNT(*) AS n FROM memberships WHERE partner_id IS NOT NULL AND status = 'ACTIVE'";
    assert_eq!(count(&t, active).await, 300, "a refused request changes nothing");
}

#[tokio::test]
async fn a_worker_in_more_clients_than_one_write_holds_is_deactivated_then_removed_everywhere_in_order() {
    // R24, R25, R32, R38 (issue 9): the audit events and the notices are
    // written a chunk of clients at a time, so that memory holds one chunk
    // (one statement for 100,000 clients held about 450 MB). Every one is
    // still written, in client order, in the request's one transaction, and
    // the statements grow by a few per chunk of 1,000, never per client.
    let deactivate = "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){
        worker{ status } userErrors{ code } } }";
    let remove = "mutation($i: RemoveWorkerFromClientsInput!){ removeWorkerFromClients(input:$i){
        removedMemberships unassignedAssets userErrors{ code } } }";
    let mut costs = Vec::new();
    for n in [3, 2_001] {
        let t = TestApp::new().await;
        let a = ann_in_clients(&t, n).await;
        cleo_a_super_admin_everywhere(&t).await;
        let vars = json!({"i": {"workerId": a.ann.id}});
        let (deactivating, largest, p) = cost(&t, &a.boss, deactivate, vars.clone()).await;
        assert_eq!(p["worker"]["status"], json!("DEACTIVATED"));
        assert!(largest < 20, "a statement bound {largest} values for {n} clients");
        let events = |action: &str| {
            format!(
                "SELECT COUNT(*) AS n FROM audit_events e JOIN accounts a ON a.id = e.account_id \
                 WHERE e.action = '{action}' AND a.name LIKE 'Bulk %'"
            )
        };
        assert_eq!(count(&t, &events("membership.deactivated")).await, n, "one event per client");
        let still_active = "SELECT COUNT(*) AS n FROM memberships WHERE partner_id IS NOT NULL AND status = 'ACTIVE'";
        assert_eq!(count(&t, still_active).await, 0);
        let (removing, largest, p) = cost(&t, &a.boss, remove, vars).await;
        assert_eq!((&p["removedMemberships"], &p["unassignedAssets"]), (&json!(n), &json!(2 * n)));
        assert!(largest < 20, "a statement bound {largest} values for {n} clients");
        assert_eq!(count(&t, &events("membership.removed")).await, n, "one event per client");

        // Cleo hears of each client twice, the deactivation then the removal.
        let notices = "SELECT COUNT(*) AS n FROM email_outbox \
            WHERE kind = 'offboarding.notice' AND to_key = 'cleo@client.test'";
        assert_eq!(count(&t, notices).await, 2 * n);
        // Events come in client order: no event is followed by one of an
        // earlier client for the same action.
        let out_of_order = "SELECT COUNT(*) AS n FROM audit_events e JOIN audit_events f ON f.action = e.action \
            AND f.id = (SELECT MIN(g.id) FROM audit_events g WHERE g.action = e.action AND g.id > e.id) \
            WHERE e.action IN ('membership.deactivated', 'membership.removed') AND f.account_id < e.account_id";
        assert_eq!(count(&t, out_of_order).await, 0);
        costs.push((deactivating, removing));
    }
    // 2,001 clients are three chunks: two more than 3 clients, each one
    // write of events and three of notices.
    let ((d3, r3), (d2001, r2001)) = (costs[0], costs[1]);
    assert_eq!((d2001 - d3, r2001 - r3), (8, 8), "3 clients cost {:?}, 2,001 cost {:?}", costs[0], costs[1]);
}
