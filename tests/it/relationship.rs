//! The managed relationship's life, driven by the test clock: R27 (and R35).

use cam_tests::*;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

const DEACTIVATE: &str = "mutation($i: SetMemberStatusInput!){ deactivateMemberships(input:$i){ userErrors{ code } } }";
const REACTIVATE: &str = "mutation($i: SetMemberStatusInput!){ reactivateMemberships(input:$i){ userErrors{ code } } }";
const REMOVE_ALL: &str = "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){
    removedMemberships partnerClient{ id status endsAt lastQualifyingActivityAt activePartnerUserCount accessTypes }
    userErrors{ code } } }";
const ACTIVITY: &str = "mutation($i: RecordPartnerActivityInput!){ recordPartnerActivity(input:$i){
    partnerClient{ id status endsAt lastQualifyingActivityAt } userErrors{ code field } } }";

fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a DateTime, not {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

fn sorted(v: &Value) -> Vec<String> {
    let mut s = strs(v);
    s.sort();
    s
}

async fn ok_payload(t: &TestApp, who: &As, q: &str, i: Value) -> Value {
    let p = t.payload(who, q, json!({ "i": i })).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    p
}

async fn deactivate(t: &TestApp, who: &As, ids: &[&str]) {
    ok_payload(t, who, DEACTIVATE, json!({ "membershipIds": ids })).await;
}

/// Adds a fresh worker as a standard partner user; returns their membership.
async fn standard_user(w: &World<'_>, c: &Managed, local: &str) -> (W, String) {
    let set = w.permission_set(&c.partner, &c.admin.who, &format!("Set {local}"), &["CONTACTS_VIEW"]).await;
    let worker = w.worker(&c.partner, local, "STANDARD", &[], "EMPLOYEE", None).await;
    let p = w.add_workers(&c.partner, &c.client, &[&worker.id], &set, &c.admin.who).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = p["memberships"][0]["id"].as_str().unwrap().to_string();
    (worker, m)
}

/// The partner's Clients tab rows matching a filter, as display names.
async fn clients_tab(t: &TestApp, c: &Managed, filter: Value) -> Vec<String> {
    let d = t
        .ok(
            &c.admin.who,
            "query($id: ID!, $f: ClientFilter){ partnerAccount(id:$id){ clients(filter:$f){ edges{ node{ id } } } } }",
            json!({"id": c.partner, "f": filter}),
        )
        .await;
    d["partnerAccount"]["clients"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn it_stays_active_while_an_active_partner_user_remains() {
    // R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_eq!(pc["endsAt"], json!(null));
    assert_eq!(pc["activePartnerUserCount"], json!(1));
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), t.now(), "the approval is qualifying activity");
    // Long after the last activity, an active user keeps it going.
    t.advance(Duration::days(400));
    let pc = w.partner_client(&c.partner_client, &c.admin.who).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_eq!(pc["endsAt"], json!(null));
    assert_eq!(clients_tab(&t, &c, json!({"relationshipStatus": ["ACTIVE"]})).await, vec![c.partner_client.clone()]);
}

#[tokio::test]
async fn without_partner_users_it_is_ending_and_ends_sixty_days_after_the_last_qualifying_activity() {
    // R27, R35
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let approved = t.now();
    t.advance(Duration::days(10));
    let p =
        ok_payload(&t, &c.admin.who, REMOVE_ALL, json!({"partnerAccountId": c.partner, "clientAccountId": c.client}))
            .await;
    let pc = &p["partnerClient"];
    assert_eq!(pc["status"], json!("ENDING"), "{p}");
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), approved, "removing is no qualifying activity");
    assert_eq!(at(&pc["endsAt"]), approved + Duration::days(60));
    assert_eq!(pc["accessTypes"], json!(["NONE"]));

    // 59 days after the last activity: still ending.
    t.advance(Duration::days(49));
    let pc = w.partner_client(&c.partner_client, &c.admin.who).await;
    assert_eq!(pc["status"], json!("ENDING"));
    assert_eq!(at(&pc["endsAt"]), approved + Duration::days(60));
    assert_eq!(clients_tab(&t, &c, json!({"relationshipStatus": ["ENDED"]})).await, Vec::<String>::new());
    // 61 days after: ended.
    t.advance(Duration::days(2));
    let pc = w.partner_client(&c.partner_client, &c.admin.who).await;
    assert_eq!(pc["status"], json!("ENDED"));
    assert_eq!(at(&pc["endsAt"]), approved + Duration::days(60));
    assert_eq!(clients_tab(&t, &c, json!({"relationshipStatus": ["ENDED"]})).await, vec![c.partner_client.clone()]);
    assert_eq!(clients_tab(&t, &c, json!({"relationshipStatus": ["ACTIVE", "ENDING"]})).await, Vec::<String>::new());
}

#[tokio::test]
async fn deactivating_some_but_not_all_partner_users_never_ends_it() {
    // R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    standard_user(&w, &c, "carl").await;
    deactivate(&t, &c.admin.who, &[&c.admin_membership]).await;
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_eq!(pc["activePartnerUserCount"], json!(1));
    assert_eq!(pc["endsAt"], json!(null));
    t.advance(Duration::days(120));
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ACTIVE"), "one active user keeps it going");
    assert_eq!(pc["endsAt"], json!(null));
}

#[tokio::test]
async fn deactivating_every_partner_user_makes_it_ending() {
    // R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    t.advance(Duration::days(3));
    let (_, carl_m) = standard_user(&w, &c, "carl").await;
    let added = t.now();
    t.advance(Duration::days(5));
    deactivate(&t, &c.admin.who, &[&carl_m, &c.admin_membership]).await;
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ENDING"));
    assert_eq!(pc["activePartnerUserCount"], json!(0));
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), added, "adding a user was the last qualifying activity");
    assert_eq!(at(&pc["endsAt"]), added + Duration::days(60));
    t.advance(Duration::days(54));
    assert_eq!(w.partner_client(&c.partner_client, &As::Operator).await["status"], json!("ENDING"));
    t.advance(Duration::days(2));
    assert_eq!(w.partner_client(&c.partner_client, &As::Operator).await["status"], json!("ENDED"));
}

#[tokio::test]
async fn platform_activity_resets_the_clock_of_an_ending_relationship() {
    // R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    deactivate(&t, &c.admin.who, &[&c.admin_membership]).await;
    t.advance(Duration::days(30));
    let p =
        ok_payload(&t, &As::Operator, ACTIVITY, json!({"partnerAccountId": c.partner, "clientAccountId": c.client}))
            .await;
    let now = t.now();
    assert_eq!(at(&p["partnerClient"]["lastQualifyingActivityAt"]), now);
    assert_eq!(p["partnerClient"]["status"], json!("ENDING"), "no active user: it keeps ending");
    assert_eq!(at(&p["partnerClient"]["endsAt"]), now + Duration::days(60));
    // Past the old end, not yet the new one.
    t.advance(Duration::days(59));
    assert_eq!(w.partner_client(&c.partner_client, &As::Operator).await["status"], json!("ENDING"));
    t.advance(Duration::days(2));
    assert_eq!(w.partner_client(&c.partner_client, &As::Operator).await["status"], json!("ENDED"));
    // Users cannot report activity; only the platform does.
    let r = t
        .exec(&c.admin.who, ACTIVITY, json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}))
        .await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
}

#[tokio::test]
async fn platform_activity_with_an_active_user_keeps_it_active_and_moves_the_clock() {
    // R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    t.advance(Duration::days(45));
    let p =
        ok_payload(&t, &As::Operator, ACTIVITY, json!({"partnerAccountId": c.partner, "clientAccountId": c.client}))
            .await;
    assert_eq!(p["partnerClient"]["status"], json!("ACTIVE"));
    assert_eq!(p["partnerClient"]["endsAt"], json!(null));
    let reported = t.now();
    t.advance(Duration::days(20));
    // Deactivating the last user now: it ends 60 days after the report,
    // not after the approval (which is 65 days ago).
    deactivate(&t, &c.admin.who, &[&c.admin_membership]).await;
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ENDING"));
    assert_eq!(at(&pc["endsAt"]), reported + Duration::days(60));
}

#[tokio::test]
async fn reactivation_is_qualifying_activity() {
    // R27, R23
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (_, carl_m) = standard_user(&w, &c, "carl").await;
    let added = t.now();
    t.advance(Duration::days(20));
    deactivate(&t, &c.admin.who, &[&carl_m]).await;
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), added, "deactivating is no qualifying activity");
    t.advance(Duration::days(20));
    ok_payload(&t, &c.admin.who, REACTIVATE, json!({"membershipIds": [carl_m]})).await;
    let reactivated = t.now();
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_eq!(pc["activePartnerUserCount"], json!(2));
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), reactivated);
    // The clock now runs from the reactivation.
    t.advance(Duration::days(30));
    ok_payload(&t, &c.admin.who, REMOVE_ALL, json!({"partnerAccountId": c.partner, "clientAccountId": c.client})).await;
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ENDING"), "70 days after the approval, 30 after the reactivation");
    assert_eq!(at(&pc["endsAt"]), reactivated + Duration::days(60));
}

#[tokio::test]
async fn a_permission_change_is_qualifying_activity() {
    // R27, R15
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (_, carl_m) = standard_user(&w, &c, "carl").await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Deals", &["DEALS_VIEW"]).await;
    t.advance(Duration::days(25));
    let p = ok_payload(
        &t,
        &c.admin.who,
        "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){ membership{ permissions } userErrors{ code } } }",
        json!({"membershipId": carl_m, "permissionSetId": set}),
    )
    .await;
    assert!(strs(&p["membership"]["permissions"]).contains(&"DEALS_VIEW".to_string()), "{p}");
    let changed = t.now();
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), changed);
}

#[tokio::test]
async fn an_approval_revives_an_ending_or_ended_relationship() {
    // R27, R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    ok_payload(&t, &c.admin.who, REMOVE_ALL, json!({"partnerAccountId": c.partner, "clientAccountId": c.client})).await;
    t.advance(Duration::days(61));
    assert_eq!(w.partner_client(&c.partner_client, &As::Operator).await["status"], json!("ENDED"));

    let link = w.access_link(&c.partner, &c.admin.who, None).await;
    let ap = w.approve(link["token"].as_str().unwrap(), &c.client, &c.owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    assert_eq!(ap["partnerClient"]["id"], json!(c.partner_client), "the same relationship, revived");
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_eq!(pc["endsAt"], json!(null));
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), t.now());
    assert_eq!(at(&pc["startedAt"]), t.now(), "an ended relationship starts anew");
    assert_eq!(pc["accessTypes"], json!(["PARTNER_ADMIN"]));
    assert_eq!(clients_tab(&t, &c, json!({})).await, vec![c.partner_client.clone()], "no second relationship");

    // Once more, from ENDING this time: all deactivated, then a new approval
    // of another worker makes it active again.
    deactivate(&t, &c.admin.who, &[&w.membership_of(&c.client, &c.admin.email, &c.owner.who).await]).await;
    assert_eq!(w.partner_client(&c.partner_client, &As::Operator).await["status"], json!("ENDING"));
    t.advance(Duration::days(10));
    let dana = w.worker(&c.partner, "dana", "STANDARD", &[], "EMPLOYEE", None).await;
    let link = w.access_link(&c.partner, &c.admin.who, Some(&dana.id)).await;
    let ap = w.approve(link["token"].as_str().unwrap(), &c.client, &c.owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), t.now());
    assert_eq!(pc["activePartnerUserCount"], json!(1));
    assert_eq!(at(&pc["startedAt"]), t.now() - Duration::days(10), "an ending relationship goes on");
}

#[tokio::test]
async fn access_types_follow_the_active_partner_users() {
    // R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let types = |pc: &Value| sorted(&pc["accessTypes"]);
    assert_eq!(types(&w.partner_client(&c.partner_client, &As::Operator).await), vec!["PARTNER_ADMIN"]);
    let (_, carl_m) = standard_user(&w, &c, "carl").await;
    assert_eq!(types(&w.partner_client(&c.partner_client, &As::Operator).await), vec!["PARTNER_ADMIN", "STANDARD"]);
    assert_eq!(clients_tab(&t, &c, json!({"accessTypes": ["STANDARD"]})).await, vec![c.partner_client.clone()]);
    deactivate(&t, &c.admin.who, &[&c.admin_membership]).await;
    assert_eq!(types(&w.partner_client(&c.partner_client, &As::Operator).await), vec!["STANDARD"]);
    assert_eq!(clients_tab(&t, &c, json!({"accessTypes": ["PARTNER_ADMIN"]})).await, Vec::<String>::new());
    deactivate(&t, &c.admin.who, &[&carl_m]).await;
    assert_eq!(types(&w.partner_client(&c.partner_client, &As::Operator).await), vec!["NONE"]);
    assert_eq!(clients_tab(&t, &c, json!({"accessTypes": ["NONE"]})).await, vec![c.partner_client.clone()]);
    assert_eq!(clients_tab(&t, &c, json!({"accessTypes": ["STANDARD", "PARTNER_ADMIN"]})).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_linked_super_admin_gives_super_admin_access() {
    // R27, R14
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let client = w.client("Own").await;
    let sam = w.worker(&c.partner, "sam", "STANDARD", &[], "EMPLOYEE", None).await;
    w.member(&client, &sam.user_id, json!({"role": "SUPER_ADMIN"})).await;
    let p = ok_payload(
        &t,
        &c.admin.who,
        "mutation($i: LinkWorkerToClientsInput!){ linkWorkerToClients(input:$i){ memberships{ id } userErrors{ code } } }",
        json!({"workerId": sam.id, "clientAccountIds": [client]}),
    )
    .await;
    assert_eq!(p["memberships"].as_array().unwrap().len(), 1);
    let d = t
        .ok(
            &c.admin.who,
            "query($id: ID!){ partnerAccount(id:$id){ clients(filter:{accessTypes:[SUPER_ADMIN]}){ edges{ node{ client{ id } status accessTypes lastQualifyingActivityAt } } } } }",
            json!({"id": c.partner}),
        )
        .await;
    let edges = d["partnerAccount"]["clients"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "{d}");
    assert_eq!(edges[0]["node"]["client"]["id"], json!(client));
    assert_eq!(edges[0]["node"]["status"], json!("ACTIVE"));
    assert_eq!(edges[0]["node"]["accessTypes"], json!(["SUPER_ADMIN"]));
}

#[tokio::test]
async fn a_permission_change_of_a_deactivated_user_is_qualifying_activity_too() {
    // R27: "a permission change" is qualifying activity, whoever it is for.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (_, carl_m) = standard_user(&w, &c, "carl").await;
    deactivate(&t, &c.admin.who, &[&carl_m]).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Deals", &["DEALS_VIEW"]).await;
    t.advance(Duration::days(25));
    let p = ok_payload(
        &t,
        &c.admin.who,
        "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){ membership{ permissions status } userErrors{ code } } }",
        json!({"membershipId": carl_m, "permissionSetId": set}),
    )
    .await;
    assert!(strs(&p["membership"]["permissions"]).contains(&"DEALS_VIEW".to_string()), "{p}");
    assert_eq!(p["membership"]["status"], json!("DEACTIVATED"));
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(at(&pc["lastQualifyingActivityAt"]), t.now(), "the permission change resets the clock");
}
