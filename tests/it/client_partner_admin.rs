//! R48: a client super admin adding partner-seat users may give them the
//! Partner Admin template; the managed relationship is created or revived.

use cam_tests::*;
use serde_json::{json, Value};

const ADD: &str = "mutation($i: AddClientUsersInput!){ addClientUsers(input:$i){
    memberships{ id role seat status permissions managedCredit partner{ id } permissionSet{ builtIn } }
    userErrors{ code field message } } }";

fn input(client: &str, emails: &[&str], seat: &str, partner_admin: bool) -> Value {
    json!({"i": {"clientAccountId": client, "emails": emails, "seat": seat, "permissions": ["CONTACTS_VIEW"],
                 "partnerAdmin": partner_admin}})
}

/// The Clients tab row of `client`, as the partner's boss sees it.
async fn clients_tab(t: &TestApp, boss: &As, partner: &str) -> Vec<Value> {
    t.ok(
        boss,
        "query($id: ID!){ partnerAccount(id:$id){ clients{ edges{ node{ client{ id } status startedAt accessTypes } } } } }",
        json!({"id": partner}),
    )
    .await["partnerAccount"]["clients"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test]
async fn a_super_admin_makes_an_eligible_worker_partner_admin_and_the_relationship_starts() {
    // R48, R20, R27, R32
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let ana = w.worker(&partner, "ana", "STANDARD", &[], "EMPLOYEE", None).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    assert!(clients_tab(&t, &boss.who, &partner).await.is_empty());

    let p = t.payload(&owner.who, ADD, input(&client, &[&ana.email], "PARTNER", true)).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = &p["memberships"][0];
    assert_eq!(
        (&m["role"], &m["seat"], &m["partner"]["id"]),
        (&json!("PARTNER_ADMIN"), &json!("PARTNER"), &json!(partner))
    );
    assert_eq!((&m["permissionSet"]["builtIn"], &m["managedCredit"]), (&json!(true), &json!(true)));
    let perms = strs(&m["permissions"]);
    assert!(PA_EXCLUDED.iter().all(|x| !perms.contains(&x.to_string())), "{perms:?}");
    assert_eq!(perms.len(), 25 - 7, "the whole template, not the permissions asked for");
    let rows = clients_tab(&t, &boss.who, &partner).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (&rows[0]["client"]["id"], &rows[0]["status"], &rows[0]["accessTypes"]),
        (&json!(client), &json!("ACTIVE"), &json!(["PARTNER_ADMIN"]))
    );
    let log = t
        .ok(
            &owner.who,
            "query($id: ID!){ clientAccount(id:$id){ auditLog(first:1){ edges{ node{ action after } } } } }",
            json!({"id": client}),
        )
        .await;
    let ev = &log["clientAccount"]["auditLog"]["edges"][0]["node"];
    assert_eq!((&ev["action"], &ev["after"]["role"]), (&json!("membership.added"), &json!("PARTNER_ADMIN")));
}

#[tokio::test]
async fn an_ended_relationship_is_revived_by_a_new_partner_admin() {
    // R48, R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let removed = t
        .payload(
            &c.admin.who,
            "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){ removedMemberships userErrors{ code } } }",
            json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}),
        )
        .await;
    assert_eq!(removed["removedMemberships"], json!(1), "{removed}");
    t.advance(chrono::Duration::days(61));
    assert_eq!(w.partner_client(&c.partner_client, &c.admin.who).await["status"], json!("ENDED"));

    let p = t.payload(&c.owner.who, ADD, input(&c.client, &[&c.admin.email], "PARTNER", true)).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let pc = w.partner_client(&c.partner_client, &c.admin.who).await;
    let now = t.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    assert_eq!((&pc["status"], &pc["startedAt"]), (&json!("ACTIVE"), &json!(now)), "{pc}");
}

#[tokio::test]
async fn the_template_is_refused_to_all_but_super_admins_partner_seats_and_eligible_users() {
    // R48, R5, R7, R22, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.worker(&partner, "ana", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev = w.worker(&partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (uid, email) = w.user("hr", &w.domain("client")).await;
    w.member(&client, &uid, json!({"role": "STANDARD", "permissions": ["USERS_ADD_EDIT", "BILLING_EDIT"]})).await;
    let before = t.count("memberships").await;

    let hr = t.exec(&user(&email), ADD, input(&client, &[&ana.email], "PARTNER", true)).await;
    assert_eq!(error_codes(&hr), vec!["FORBIDDEN"], "only a super admin: {hr}");
    let core = t.payload(&owner.who, ADD, input(&client, &[&ana.email], "CORE", true)).await;
    assert_eq!(
        (user_error_codes(&core), &core["userErrors"][0]["field"]),
        (vec!["INVALID_INPUT".to_string()], &json!(["input", "partnerAdmin"]))
    );
    let mixed = t.payload(&owner.who, ADD, input(&client, &[&ana.email, &dev.email], "PARTNER", true)).await;
    assert_eq!(user_error_codes(&mixed), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{mixed}");
    assert_eq!(mixed["userErrors"][0]["field"], json!(["input", "emails", "1"]));
    assert_eq!(t.count("memberships").await, before, "nothing was added");

    // Without the flag, the partner seat still makes a standard member (R22).
    let plain = t.payload(&owner.who, ADD, input(&client, &[&ana.email], "PARTNER", false)).await;
    assert_eq!(plain["memberships"][0]["role"], json!("STANDARD"), "{plain}");
}
