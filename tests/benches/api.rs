//! The project's bench harness: `cargo bench -p cam-tests` (SQLite) or with
//! `CAM_TEST_DATABASE_URL=postgres://…` (PostgreSQL).
//!
//! Seeds an agency with `CLIENTS` managed clients, each with three partner
//! users, then times what such an agency does all day: the Clients tab
//! (a page of 50 with partner users), the Employees tab, approving a link and
//! adding workers. Prints p50/p95/max per operation. Speed goals are read off
//! these numbers, never asserted in tests. Last, checking a bearer token
//! (R50): HS256 against an OpenID issuer's RS256, ES256 and EdDSA tokens,
//! keys cached.

use std::time::{Duration, Instant};

use cam_tests::*;
use serde_json::json;

const CLIENTS: usize = 300;
const RUNS: usize = 40;

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{name:<44} n={:<4} p50={:>8.2?} p95={:>8.2?} max={:>8.2?}",
        samples.len(),
        pct(0.50),
        pct(0.95),
        samples[samples.len() - 1]
    );
}

async fn time<F, Fut>(runs: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut out = Vec::with_capacity(runs);
    for i in 0..runs {
        let start = Instant::now();
        f(i).await;
        out.push(start.elapsed());
    }
    out
}

#[tokio::main]
async fn main() {
    let t = TestApp::new().await;
    let w = World::new(&t);
    let db = if t.db.is_postgres() { "PostgreSQL" } else { "SQLite" };
    println!("seeding {CLIENTS} clients on {db}…");
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let mut workers = Vec::new();
    for i in 0..3 * CLIENTS {
        let kind = if i % 4 == 0 { "CONTRACTOR" } else { "EMPLOYEE" };
        workers.push(w.worker(&partner, &format!("worker{i}"), "STANDARD", &[], kind, None).await);
    }
    let set = w
        .permission_set(&partner, &boss.who, "Marketing", &["CONTACTS_VIEW", "MARKETING_ACCESS", "REPORTS_ACCESS"])
        .await;
    let token = w.access_link(&partner, &boss.who, None).await["token"].as_str().unwrap().to_string();
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let client = w.client(&format!("Client {i:03}")).await;
        let owner = w.client_admin(&client, &format!("owner{i}")).await;
        assert!(user_error_codes(&w.approve(&token, &client, &owner.who).await).is_empty());
        let pair = [workers[2 * i].id.as_str(), workers[2 * i + 1].id.as_str()];
        assert!(user_error_codes(&w.add_workers(&partner, &client, &pair, &set, &boss.who).await).is_empty());
        clients.push((client, owner));
    }

    let clients_tab = "query($p: ID!, $after: String){ partnerAccount(id:$p){ clients(first: 50, after: $after){ totalCount
        pageInfo{ endCursor hasNextPage }
        edges{ node{ displayName status accessTypes activePartnerUserCount endsAt client{ name }
          partnerUsers(first: 10){ totalCount edges{ node{ role seat status user{ email name } permissionSet{ name } } } } } } } } }";
    let samples = time(RUNS, |_| async {
        t.ok(&boss.who, clients_tab, json!({"p": partner})).await;
    })
    .await;
    report("Clients tab, first 50 with partner users", samples);

    let filtered = "query($p: ID!){ partnerAccount(id:$p){ clients(first: 50, filter:{search: \"client 1\", accessTypes:[PARTNER_ADMIN]}){ totalCount edges{ node{ displayName } } } } }";
    let samples = time(RUNS, |_| async {
        t.ok(&boss.who, filtered, json!({"p": partner})).await;
    })
    .await;
    report("Clients tab, search + access-type filter", samples);

    let employees = "query($p: ID!){ partnerAccount(id:$p){ employees(first: 50){ totalCount edges{ node{ user{ email name } status emailDomainVerified partnerSeatEligible clientMemberships(first: 5){ totalCount } } } } } }";
    let samples = time(RUNS, |_| async {
        t.ok(&boss.who, employees, json!({"p": partner})).await;
    })
    .await;
    report("Employees tab, first 50", samples);

    let fresh: Vec<_> = (0..RUNS).map(|i| format!("late{i}")).collect();
    let mut late = Vec::new();
    for name in &fresh {
        late.push(w.worker(&partner, name, "STANDARD", &[], "EMPLOYEE", None).await);
    }
    let samples = time(RUNS, |i| {
        let (w, partner, set, boss) = (&w, &partner, &set, &boss);
        let (client, worker) = (clients[i].0.clone(), late[i].id.clone());
        async move {
            let p = w.add_workers(partner, &client, &[&worker], set, &boss.who).await;
            assert!(user_error_codes(&p).is_empty(), "{p}");
        }
    })
    .await;
    report("addWorkersToClient, one worker", samples);

    let samples = time(RUNS, |i| {
        let (w, partner, boss) = (&w, &partner, &boss);
        let worker = late[i].id.clone();
        let (client, owner) = clients[CLIENTS - 1 - i].clone();
        async move {
            let link = w.access_link(partner, &boss.who, Some(&worker)).await;
            let ap = w.approve(link["token"].as_str().unwrap(), &client, &owner.who).await;
            assert!(user_error_codes(&ap).is_empty(), "{ap}");
        }
    })
    .await;
    report("createAccessLink + approveAccessLink", samples);

    token_checks().await;
}

/// R50: what checking a token costs, keys cached (no database involved).
async fn token_checks() {
    use cam_adapters::clock::SystemClock;
    use cam_adapters::identity::{parse_issuers, JwtIdentity, OidcIssuers};
    use cam_domain::identity::IdentityProvider;
    use jsonwebtoken::Algorithm;
    let issuer = cam_tests::oidc_issuer::TestIssuer::start().await;
    let issuers = parse_issuers(&issuer.setting(&["agency.example"])).unwrap();
    let identity = JwtIdentity::new(Some(JWT_SECRET), None)
        .with_issuers(OidcIssuers::new(issuers, std::sync::Arc::new(SystemClock)).unwrap());
    let email = "ana@agency.example";
    let mut tokens =
        vec![("HS256", identity.issue(&cam_domain::user::model::Email::parse(email).unwrap(), 3600).unwrap())];
    for (name, alg) in [("RS256", Algorithm::RS256), ("ES256", Algorithm::ES256), ("EdDSA", Algorithm::EdDSA)] {
        tokens.push((name, issuer.token(&issuer.add_key(alg), email)));
    }
    for (name, token) in &tokens {
        // The first check of an issuer's token fetches its keys.
        identity.authenticate(token).await.unwrap();
        let samples = time(2000, |_| async {
            identity.authenticate(token).await.unwrap();
        })
        .await;
        report(&format!("token check, {name} (keys cached)"), samples);
    }
}
