//! Counts kept by the database (issue 29, m20261206_000701): each
//! relationship's active partner users by role (R27: its status and access
//! types on the Clients tab), each partner's clients and active clients
//! (the tab's totals), each worker's memberships in the partner's clients
//! (the Employees tab's counts). After every step of a random sequence of
//! writes, sweeps and clock moves, every kept value equals a fresh count,
//! and the Clients tab's totals by status equal its rows' statuses.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cam_tests::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

const SET_STATUS: &str = "mutation($i: SetMemberStatusInput!){ {op}(input:$i){ userErrors{ code } } }";
const REMOVE: &str =
    "mutation($i: RemoveWorkerFromClientsInput!){ removeWorkerFromClients(input:$i){ userErrors{ code } } }";
const REMOVE_ALL: &str =
    "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){ userErrors{ code } } }";
const DEACTIVATE_WORKER: &str =
    "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){ userErrors{ code } } }";
const ADD: &str =
    "mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){ userErrors{ code field message } } }";
const LINK: &str =
    "mutation($i: LinkWorkerToClientsInput!){ linkWorkerToClients(input:$i){ userErrors{ code field message } } }";
const EXPIRY: &str = "mutation($i: SetMembershipExpiryInput!){ setMembershipExpiry(input:$i){ userErrors{ code } } }";
const TAB: &str = "query($p: ID!, $s: [RelationshipStatus!]){ partnerAccount(id:$p){
    clients(first: 100, filter:{relationshipStatus: $s}){ totalCount edges{ node{ status } } } } }";

fn gid(kind: &str, raw: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{raw}"))
}

/// Every kept value that differs from a fresh count, described.
async fn mismatches(t: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    let count = |role: &str| {
        format!(
            "(SELECT COUNT(*) FROM memberships m WHERE m.partner_id = r.partner_id AND m.account_id = r.client_id \
             AND m.status = 'ACTIVE' AND m.role = '{role}')"
        )
    };
    let (pa, sa, st) = (count("PARTNER_ADMIN"), count("SUPER_ADMIN"), count("STANDARD"));
    for r in t
        .rows(&format!(
            "SELECT r.id, r.active_partner_admins AS kpa, {pa} AS pa, r.active_super_admins AS ksa, {sa} AS sa, \
             r.active_standard AS kst, {st} AS st FROM managed_relationships r ORDER BY r.id"
        ))
        .await
    {
        let v = |c: &str| r.try_get::<i64>("", c).unwrap();
        if (v("kpa"), v("ksa"), v("kst")) != (v("pa"), v("sa"), v("st")) {
            out.push(format!(
                "relationship {}: kept {:?}, counted {:?}",
                v("id"),
                (v("kpa"), v("ksa"), v("kst")),
                (v("pa"), v("sa"), v("st"))
            ));
        }
    }
    let fresh_partners = format!(
        "SELECT r.partner_id, COUNT(*) AS clients, \
         SUM(CASE WHEN {pa} + {sa} + {st} > 0 THEN 1 ELSE 0 END) AS active FROM managed_relationships r \
         GROUP BY r.partner_id"
    );
    let kept: Vec<(i64, i64, i64)> = t
        .rows("SELECT partner_id, clients, active_clients FROM partner_client_counts WHERE clients <> 0 ORDER BY partner_id")
        .await
        .iter()
        .map(|r| {
            (r.try_get("", "partner_id").unwrap(), r.try_get("", "clients").unwrap(), r.try_get("", "active_clients").unwrap())
        })
        .collect();
    let fresh: Vec<(i64, i64, i64)> = t
        .rows(&format!("SELECT partner_id, clients, CAST(active AS BIGINT) AS active FROM ({fresh_partners}) f ORDER BY partner_id"))
        .await
        .iter()
        .map(|r| (r.try_get("", "partner_id").unwrap(), r.try_get("", "clients").unwrap(), r.try_get("", "active").unwrap()))
        .collect();
    if kept != fresh {
        out.push(format!("partner counts: kept {kept:?}, counted {fresh:?}"));
    }
    let pairs = |sql: String| async move {
        t.rows(&sql)
            .await
            .iter()
            .map(|r| {
                let v = |c: &str| r.try_get::<i64>("", c).unwrap();
                (v("partner_id"), v("user_id"), v("n"))
            })
            .collect::<Vec<_>>()
    };
    let kept = pairs(
        "SELECT partner_id, user_id, memberships AS n FROM worker_client_counts WHERE memberships <> 0 \
         ORDER BY partner_id, user_id"
            .into(),
    )
    .await;
    let fresh = pairs(
        "SELECT r.partner_id, m.user_id, COUNT(*) AS n FROM managed_relationships r \
         JOIN memberships m ON m.account_id = r.client_id GROUP BY r.partner_id, m.user_id ORDER BY 1, 2"
            .into(),
    )
    .await;
    if kept != fresh {
        out.push(format!("worker counts: kept {kept:?}, counted {fresh:?}"));
    }
    out
}

/// The Clients tab's total for each status equals how many of its rows
/// show that status (R27), and the statuses' totals add up to every client.
async fn tab_agrees(t: &TestApp, who: &As, partner: &str) -> Result<(), String> {
    let all = t.ok(who, TAB, json!({"p": partner, "s": null})).await;
    let rows: Vec<String> = all["partnerAccount"]["clients"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["status"].as_str().unwrap().to_string())
        .collect();
    for status in ["ACTIVE", "ENDING", "ENDED"] {
        let tab = t.ok(who, TAB, json!({"p": partner, "s": [status]})).await;
        let total = tab["partnerAccount"]["clients"]["totalCount"].as_i64().unwrap();
        let shown = rows.iter().filter(|s| *s == status).count() as i64;
        let listed = tab["partnerAccount"]["clients"]["edges"].as_array().unwrap().len() as i64;
        if total != shown || listed != shown {
            return Err(format!("{status}: totalCount {total}, listed {listed}, rows with it {shown}"));
        }
    }
    let two = t.ok(who, TAB, json!({"p": partner, "s": ["ENDING", "ACTIVE"]})).await;
    let both = rows.iter().filter(|s| *s != "ENDED").count() as i64;
    match two["partnerAccount"]["clients"]["totalCount"].as_i64() {
        Some(n) if n == both => Ok(()),
        n => Err(format!("ACTIVE or ENDING: totalCount {n:?}, rows {both}")),
    }
}

/// Raw ids of the partner users of `partner` (memberships with its
/// `partner_id`) of one status, but the boss's (who keeps acting).
async fn partner_users(t: &TestApp, partner_raw: i64, status: &str) -> Vec<i64> {
    t.rows(&format!(
        "SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.partner_id = {partner_raw} \
         AND m.status = '{status}' AND m.role <> 'SUPER_ADMIN' AND u.name <> 'boss' ORDER BY m.id"
    ))
    .await
    .iter()
    .map(|r| r.try_get::<i64>("", "id").unwrap())
    .collect()
}

fn ok(p: &Value) -> bool {
    user_error_codes(p).is_empty()
}

/// Runs a one-field mutation that may be refused (by a user error or, when
/// the caller lost the right to act there, an error); whether it succeeded.
async fn attempt(t: &TestApp, who: &As, query: &str, variables: Value) -> bool {
    let r = t.exec(who, query, variables).await;
    if std::env::var_os("KEPT_DEBUG").is_some() {
        eprintln!("{r}");
    }
    r.get("errors").is_none()
        && r["data"].as_object().and_then(|d| d.values().next()).is_some_and(|p| user_error_codes(p).is_empty())
}

// R27 (status from the kept counts), R1 (the Clients tab's totals), R13,
// R23, R24, R25, R28, R39, R40, R49: every write path that makes, changes
// or removes a partner user or a relationship keeps the counts true.
#[tokio::test]
async fn every_kept_count_equals_a_fresh_count_after_random_writes_sweeps_and_clock_moves() {
    let seed: u64 = std::env::var("CAM_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(29);
    let mut rng = StdRng::seed_from_u64(seed);
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let boss = &c.admin.who;
    let set = w.permission_set(&c.partner, boss, "Kept", &["CONTACTS_VIEW", "CONTACTS_EDIT"]).await;
    let mut workers = Vec::new();
    for name in ["ann", "bob", "cy", "dee", "eve", "fay"] {
        workers.push(w.worker(&c.partner, name, "STANDARD", &[], "EMPLOYEE", None).await);
    }
    let mut clients = vec![c.client.clone()];
    let mut owners = vec![c.owner.clone()];
    let partner_raw: i64 =
        t.rows("SELECT MIN(id) AS id FROM accounts WHERE kind = 'PARTNER'").await[0].try_get("", "id").unwrap();
    let mut done = [0usize; 10];
    for step in 0..120 {
        // Each kind of write (2 is unused), weighted so that the world stays
        // alive: the removals and deactivations of whole workers are rarer.
        const KINDS: [usize; 18] = [0, 0, 1, 1, 1, 1, 3, 3, 4, 4, 5, 6, 7, 8, 8, 8, 9, 9];
        let op = KINDS[rng.gen_range(0..KINDS.len())];
        let worker = &workers[rng.gen_range(0..workers.len())];
        let client = clients[rng.gen_range(0..clients.len())].clone();
        let succeeded = match op {
            // A new client approves the partner's link (R13); sometimes a
            // worker is already its plain member, before the relationship.
            0 => {
                let x = w.client(&format!("X{step}")).await;
                let owner = w.client_admin(&x, &format!("owner{step}")).await;
                if rng.gen_bool(0.7) {
                    assert!(ok(&w.member(&x, &worker.user_id, json!({"role": "STANDARD"})).await));
                }
                let link = w.access_link(&c.partner, boss, None).await;
                let ap = w.approve(link["token"].as_str().unwrap(), &x, &owner.who).await;
                clients.push(x);
                owners.push(owner);
                ok(&ap)
            }
            1 => {
                let some: Vec<&str> = workers.iter().filter(|_| rng.gen_bool(0.2)).map(|w| w.id.as_str()).collect();
                let some = if some.is_empty() { vec![worker.id.as_str()] } else { some };
                let i = json!({"i": {"partnerAccountId": c.partner, "clientAccountId": client, "workerIds": some,
                    "permissionSetId": set}});
                attempt(&t, boss, ADD, i).await
            }
            3 | 4 => {
                let (from, op) = if op == 3 {
                    ("ACTIVE", "deactivateMemberships")
                } else {
                    ("DEACTIVATED", "reactivateMemberships")
                };
                let ids = partner_users(&t, partner_raw, from).await;
                if ids.is_empty() {
                    false
                } else {
                    let id = gid("Membership", ids[rng.gen_range(0..ids.len())]);
                    let q = SET_STATUS.replace("{op}", op);
                    attempt(&t, boss, &q, json!({"i": {"membershipIds": [id]}})).await
                }
            }
            5 => attempt(&t, boss, REMOVE, json!({"i": {"workerId": worker.id}})).await,
            6 => attempt(&t, boss, DEACTIVATE_WORKER, json!({"i": {"workerId": worker.id}})).await,
            7 => {
                let i = json!({"i": {"partnerAccountId": c.partner, "clientAccountId": client}});
                attempt(&t, boss, REMOVE_ALL, i).await
            }
            8 => {
                // R14: a worker who is a plain member of clients is linked
                // to the partner there.
                let plain = t
                    .rows(&format!(
                        "SELECT m.account_id FROM memberships m JOIN users u ON u.id = m.user_id \
                         JOIN accounts a ON a.id = m.account_id \
                         WHERE u.email = '{}' AND m.partner_id IS NULL AND a.kind = 'CLIENT'",
                        worker.email
                    ))
                    .await;
                let some: Vec<String> =
                    plain.iter().map(|r| gid("ClientAccount", r.try_get::<i64>("", "account_id").unwrap())).collect();
                attempt(&t, boss, LINK, json!({"i": {"workerId": worker.id, "clientAccountIds": some}})).await
            }
            // The clock moves on: memberships expire (R39), relationships
            // end (R27); the sweep does the work that is due.
            _ => {
                let ids = partner_users(&t, partner_raw, "ACTIVE").await;
                if !ids.is_empty() && rng.gen_bool(0.5) {
                    let at = t.now() + chrono::Duration::days(rng.gen_range(1..20));
                    let id = gid("Membership", ids[rng.gen_range(0..ids.len())]);
                    attempt(&t, boss, EXPIRY, json!({"i": {"membershipId": id, "expiresAt": at}})).await;
                }
                t.advance(chrono::Duration::days(rng.gen_range(1..40)));
                t.app.cam.schedule.sweep().await.unwrap();
                true
            }
        };
        done[op] += usize::from(succeeded);
        let wrong = mismatches(&t).await;
        assert!(wrong.is_empty(), "seed {seed}, step {step} (operation {op}): {wrong:#?}");
        if let Err(e) = tab_agrees(&t, boss, &c.partner).await {
            panic!("seed {seed}, step {step} (operation {op}): {e}");
        }
    }
    // The sequence did what it is meant to: each kind of write succeeded.
    for (op, n) in done.iter().enumerate().filter(|(op, _)| *op != 2) {
        assert!(*n > 0, "seed {seed}: operation {op} never succeeded: {done:?}");
    }
}
