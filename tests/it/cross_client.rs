//! R40: one worker into many client accounts in one request, all or
//! nothing, with R12, R13, R15 and R46 per client; set-based, so 3 or 300
//! clients cost the same statements.

use cam_tests::*;
use serde_json::{json, Value};

const ADD: &str = "mutation($i: AddWorkerToClientsInput!){ addWorkerToClients(input:$i){
    memberships{ id role seat status permissions managedCredit account{ id } partner{ id } permissionSet{ id } }
    withheld{ clientAccount{ id } permissions } userErrors{ code field message } } }";

async fn add(t: &TestApp, who: &As, partner: &str, worker: &str, clients: &[&str], set: &str) -> Value {
    t.payload(
        who,
        ADD,
        json!({"i": {"partnerAccountId": partner, "workerId": worker, "clientAccountIds": clients, "permissionSetId": set}}),
    )
    .await
}

/// A second client of the managed client's partner, where its admin is a
/// partner admin too (an approved link); returns the client and its owner.
async fn second_client(w: &World<'_>, c: &Managed, name: &str) -> (String, W) {
    let client = w.client(name).await;
    let owner = w.client_admin(&client, &format!("{}-owner", name.to_lowercase())).await;
    let link = w.access_link(&c.partner, &c.admin.who, None).await;
    let ap = w.approve(link["token"].as_str().unwrap(), &client, &owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    (client, owner)
}

#[tokio::test]
async fn one_worker_is_added_to_several_clients_with_each_clients_ceiling() {
    // R40, R13, R15, R16, R27, R32
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (second, second_owner) = second_client(&w, &c, "Second").await;
    // In the second client the partner admin was stripped of REPORTS_ACCESS (R47).
    let admin_there = w.membership_of(&second, &c.admin.email, &second_owner.who).await;
    let strip = t
        .payload(
            &second_owner.who,
            "mutation($i: ChangeMemberPermissionsInput!){ changeMemberPermissions(input:$i){ userErrors{ code } } }",
            json!({"i": {"membershipId": admin_there, "revoke": ["REPORTS_ACCESS"]}}),
        )
        .await;
    assert!(user_error_codes(&strip).is_empty(), "{strip}");
    let con = w.worker(&c.partner, "con", "STANDARD", &[], "CONTRACTOR", None).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Analyst", &["CONTACTS_VIEW", "REPORTS_ACCESS"]).await;
    t.advance(chrono::Duration::hours(1));

    let p = add(&t, &c.admin.who, &c.partner, &con.id, &[&c.client, &second], &set).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let ms = p["memberships"].as_array().unwrap();
    assert_eq!(ms.iter().map(|m| m["account"]["id"].clone()).collect::<Vec<_>>(), vec![json!(c.client), json!(second)]);
    for m in ms {
        assert_eq!((&m["role"], &m["seat"], &m["status"]), (&json!("STANDARD"), &json!("PARTNER"), &json!("ACTIVE")));
        assert_eq!(
            (&m["partner"]["id"], &m["permissionSet"]["id"], &m["managedCredit"]),
            (&json!(c.partner), &json!(set), &json!(true))
        );
    }
    assert_eq!(strs(&ms[0]["permissions"]), vec!["CONTACTS_VIEW", "REPORTS_ACCESS"]);
    assert_eq!(strs(&ms[1]["permissions"]), vec!["CONTACTS_VIEW"]);
    assert_eq!(p["withheld"], json!([{"clientAccount": {"id": second}, "permissions": ["REPORTS_ACCESS"]}]));
    // R27: qualifying activity in both; R32: one event in each client's log.
    let now = t.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let pc = w.partner_client(&c.partner_client, &c.admin.who).await;
    assert_eq!((&pc["status"], &pc["lastQualifyingActivityAt"]), (&json!("ACTIVE"), &json!(now)));
    for (client, owner) in [(&c.client, &c.owner), (&second, &second_owner)] {
        let log = t
            .ok(
                &owner.who,
                "query($id: ID!){ clientAccount(id:$id){ auditLog(first:1){ edges{ node{ action actor{ email } subject{ email } after } } } } }",
                json!({"id": client}),
            )
            .await;
        let ev = &log["clientAccount"]["auditLog"]["edges"][0]["node"];
        assert_eq!((&ev["action"], &ev["subject"]["email"]), (&json!("membership.added"), &json!(con.email)));
        assert_eq!(ev["actor"]["email"], json!(c.admin.email));
    }
    let mails = t.ok(&As::Operator, "query($to: String){ outbox(to:$to){ subject } }", json!({"to": con.email})).await;
    assert_eq!(mails["outbox"].as_array().unwrap().len(), 1, "one email for the whole request: {mails}");
}

#[tokio::test]
async fn every_refused_client_is_reported_with_its_index_and_nothing_changes() {
    // R40, R33, R12, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (second, _) = second_client(&w, &c, "Second").await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Basic", &["CONTACTS_VIEW"]).await;
    // Already a member of the second client.
    assert!(user_error_codes(&w.add_workers(&c.partner, &second, &[&emp.id], &set, &c.admin.who).await).is_empty());
    // A client the admin is only a standard member of, and one they cannot see.
    let standard_only = w.client("Standard").await;
    w.member(&standard_only, &c.admin.user_id, json!({"role": "STANDARD"})).await;
    let invisible = w.client("Invisible").await;
    let third = w.client("Third").await;
    let before = (t.count("memberships").await, t.count("audit_events").await, t.count("managed_relationships").await);

    let p = add(&t, &c.admin.who, &c.partner, &emp.id, &[&c.client, &invisible, &second, &standard_only, &third], &set)
        .await;

    let got: Vec<(String, Value)> = p["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["code"].as_str().unwrap().to_string(), e["field"].clone()))
        .collect();
    let at = |i: &str| json!(["input", "clientAccountIds", i]);
    assert_eq!(
        got,
        vec![
            ("NOT_FOUND".to_string(), at("1")),
            ("ALREADY_MEMBER".to_string(), at("2")),
            ("NOT_ALLOWED".to_string(), at("3")),
            ("NOT_FOUND".to_string(), at("4")),
        ],
        "{p}"
    );
    assert_eq!(p["memberships"], json!([]));
    let after = (t.count("memberships").await, t.count("audit_events").await, t.count("managed_relationships").await);
    assert_eq!(after, before, "nothing changed");
}

#[tokio::test]
async fn bad_lists_workers_and_sets_are_refused_before_anything_changes() {
    // R40, R34, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Basic", &["CONTACTS_VIEW"]).await;
    let other = w.partner_with("SOLUTIONS_PARTNER", &[w.domain("other")]).await;
    let ob = w.worker(&other, "ob", "SUPER_ADMIN", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    let foreign = w.permission_set(&other, &ob.who, "Theirs", &["CONTACTS_VIEW"]).await;
    let before = t.count("memberships").await;

    let empty = add(&t, &c.admin.who, &c.partner, &emp.id, &[], &set).await;
    assert_eq!(
        (user_error_codes(&empty), &empty["userErrors"][0]["field"]),
        (vec!["INVALID_INPUT".to_string()], &json!(["input", "clientAccountIds"]))
    );
    let many: Vec<&str> = std::iter::repeat_n(c.client.as_str(), 501).collect();
    let too_many = add(&t, &c.admin.who, &c.partner, &emp.id, &many, &set).await;
    assert_eq!(user_error_codes(&too_many), vec!["INVALID_INPUT"], "{too_many}");
    let twice = add(&t, &c.admin.who, &c.partner, &emp.id, &[&c.client, &c.client], &set).await;
    assert_eq!(
        (user_error_codes(&twice), &twice["userErrors"][0]["field"]),
        (vec!["INVALID_INPUT".to_string()], &json!(["input", "clientAccountIds", "1"]))
    );
    let no_worker = add(&t, &c.admin.who, &c.partner, &c.admin_membership, &[&c.client], &set).await;
    assert_eq!(
        (user_error_codes(&no_worker), &no_worker["userErrors"][0]["field"]),
        (vec!["NOT_FOUND".to_string()], &json!(["input", "workerId"]))
    );
    let no_set = add(&t, &c.admin.who, &c.partner, &emp.id, &[&c.client], &foreign).await;
    assert_eq!(
        (user_error_codes(&no_set), &no_set["userErrors"][0]["field"]),
        (vec!["NOT_FOUND".to_string()], &json!(["input", "permissionSetId"]))
    );
    let stranger = add(&t, &ob.who, &c.partner, &emp.id, &[&c.client], &set).await;
    assert_eq!(
        (user_error_codes(&stranger), &stranger["userErrors"][0]["field"]),
        (vec!["NOT_FOUND".to_string()], &json!(["input", "partnerAccountId"]))
    );
    assert_eq!(t.count("memberships").await, before);
}

#[tokio::test]
async fn the_partner_admin_set_makes_partner_admins_in_every_client_of_an_eligible_worker_only() {
    // R40, R46, R5
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (second, _) = second_client(&w, &c, "Second").await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let sets = t
        .ok(
            &c.admin.who,
            "query($id: ID!){ partnerAccount(id:$id){ permissionSets{ id builtIn } } }",
            json!({"id": c.partner}),
        )
        .await;
    let pa = sets["partnerAccount"]["permissionSets"][0]["id"].as_str().unwrap().to_string();
    let before = t.count("memberships").await;

    let refused = add(&t, &c.admin.who, &c.partner, &dev.id, &[&c.client, &second], &pa).await;
    assert_eq!(user_error_codes(&refused), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{refused}");
    assert_eq!(refused["userErrors"][0]["field"], json!(["input", "workerId"]));
    assert_eq!(t.count("memberships").await, before);

    let p = add(&t, &c.admin.who, &c.partner, &emp.id, &[&c.client, &second], &pa).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    for m in p["memberships"].as_array().unwrap() {
        assert_eq!((&m["role"], &m["seat"]), (&json!("PARTNER_ADMIN"), &json!("PARTNER")), "{m}");
    }
}

/// Statements run and the most values one of them bound, for one request
/// that reads back no relation (so that only the mutation is counted).
async fn cost(t: &TestApp, who: &As, vars: Value) -> (usize, usize, Value) {
    const BARE: &str = "mutation($i: AddWorkerToClientsInput!){ addWorkerToClients(input:$i){
        memberships{ id role permissions } withheld{ permissions } userErrors{ code field message } } }";
    t.take_largest_bind();
    let before = t.statement_count();
    let p = t.payload(who, BARE, vars).await;
    (t.statement_count() - before, t.take_largest_bind(), p)
}

#[tokio::test]
async fn adding_a_worker_to_3_or_300_clients_costs_the_same_statements() {
    // R40, R32: one transaction, statements that do not grow with the
    // clients, one audit event per client.
    let mut costs = Vec::new();
    for n in [3_i64, 300] {
        let t = TestApp::new().await;
        let w = World::new(&t);
        let partner = w.partner().await;
        let boss = w.boss(&partner).await;
        let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
        let set = w.permission_set(&partner, &boss.who, "Basic", &["CONTACTS_VIEW", "REPORTS_ACCESS"]).await;
        let ts = t.t0_literal();
        let boss_user = format!("(SELECT id FROM users WHERE email_key = '{}')", boss.email.to_lowercase());
        let partner_id = "(SELECT MIN(id) FROM accounts WHERE kind = 'PARTNER')";
        t.execute(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             INSERT INTO accounts (kind, name, data_center, created_at) \
             SELECT 'CLIENT', 'Many ' || i, 'na1', {ts} FROM n ORDER BY i"
        ))
        .await;
        t.execute(&format!(
            "INSERT INTO managed_relationships (partner_id, client_id, started_at, last_activity_at) \
             SELECT {partner_id}, a.id, {ts}, {ts} FROM accounts a WHERE a.name LIKE 'Many %' ORDER BY a.id"
        ))
        .await;
        t.execute(&format!(
            "INSERT INTO memberships (account_id, user_id, role, seat, status, permissions, partner_id, managed_credit, \
             created_at, updated_at) \
             SELECT a.id, {boss_user}, 'PARTNER_ADMIN', 'PARTNER', 'ACTIVE', 'CONTACTS_VIEW', {partner_id}, TRUE, {ts}, {ts} \
             FROM accounts a WHERE a.name LIKE 'Many %' ORDER BY a.id"
        ))
        .await;
        let ids = client_ids(&t, n).await;
        let vars = json!({"i": {"partnerAccountId": partner, "workerId": ann.id, "clientAccountIds": ids, "permissionSetId": set}});

        let (statements, largest, p) = cost(&t, &boss.who, vars).await;

        assert!(user_error_codes(&p).is_empty(), "{p}");
        assert_eq!(p["memberships"].as_array().unwrap().len() as i64, n);
        // R15: the boss holds CONTACTS_VIEW only in these clients.
        assert_eq!(p["withheld"].as_array().unwrap().len() as i64, n);
        let added = "SELECT COUNT(*) AS n FROM memberships WHERE role = 'STANDARD' AND permissions = 'CONTACTS_VIEW'";
        assert_eq!(t.rows(added).await[0].try_get::<i64>("", "n").unwrap(), n);
        let events = "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'membership.added' \
                      AND account_id IN (SELECT id FROM accounts WHERE name LIKE 'Many %')";
        assert_eq!(t.rows(events).await[0].try_get::<i64>("", "n").unwrap(), n, "one audit event per client");
        // The only list bound is the request's own (at most 500 ids).
        assert!(largest <= n as usize + 10, "a statement bound {largest} values for {n} clients");
        costs.push(statements);
    }
    assert_eq!(costs[0], costs[1], "3 clients cost {} statements, 300 cost {}", costs[0], costs[1]);
}

/// The global ids of the `n` seeded clients.
async fn client_ids(t: &TestApp, n: i64) -> Vec<String> {
    use cam_api::graphql::ids::{encode, Kind};
    let rows = t.rows("SELECT id FROM accounts WHERE name LIKE 'Many %' ORDER BY id").await;
    let ids: Vec<String> =
        rows.iter().map(|r| encode(Kind::ClientAccount, r.try_get::<i64>("", "id").unwrap()).to_string()).collect();
    assert_eq!(ids.len() as i64, n);
    ids
}
