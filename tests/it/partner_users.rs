//! What a partner admin does in a client account: add workers (R12, R13),
//! link existing members (R14), and the grant ceiling (R15, R16, R20).

use cam_tests::*;
use serde_json::{json, Value};

const MEMBERSHIP: &str = "query($id: ID!){ node(id:$id){ ... on Membership {
    id role seat status permissions managedCredit partner{ id } permissionSet{ name } } } }";

/// The id of the partner's built-in Partner Admin set.
async fn built_in_set(t: &TestApp, partner: &str, who: &As) -> String {
    let d = t
        .ok(who, "query($id: ID!){ partnerAccount(id:$id){ permissionSets{ id builtIn } } }", json!({"id": partner}))
        .await;
    let sets = d["partnerAccount"]["permissionSets"].as_array().unwrap().clone();
    let set = sets.iter().find(|s| s["builtIn"] == json!(true)).expect("built-in set");
    set["id"].as_str().unwrap().to_string()
}

async fn membership(t: &TestApp, id: &str, who: &As) -> Value {
    t.ok(who, MEMBERSHIP, json!({ "id": id })).await["node"].clone()
}

async fn change_set(t: &TestApp, membership: &str, set: &str, who: &As) -> Value {
    t.payload(
        who,
        "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){
            membership{ id role seat status permissions permissionSet{ name } }
            withheldPermissions userErrors{ code field message } } }",
        json!({"i": {"membershipId": membership, "permissionSetId": set}}),
    )
    .await
}

async fn link(t: &TestApp, worker: &str, clients: &[&str], who: &As) -> Value {
    t.payload(
        who,
        "mutation($i: LinkWorkerToClientsInput!){ linkWorkerToClients(input:$i){
            memberships{ id role seat status permissions managedCredit partner{ id } }
            userErrors{ code field message } } }",
        json!({"i": {"workerId": worker, "clientAccountIds": clients}}),
    )
    .await
}

/// A second worker of the partner, super admin there, made partner admin of
/// the managed client through an approved link; returns the worker and the
/// client membership id.
async fn second_partner_admin(w: &World<'_>, c: &Managed, local: &str) -> (W, String) {
    let bea = w.worker(&c.partner, local, "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
    let link = w.access_link(&c.partner, &c.admin.who, Some(&bea.id)).await;
    let ap = w.approve(link["token"].as_str().unwrap(), &c.client, &c.owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    assert_eq!(ap["membership"]["role"], json!("PARTNER_ADMIN"));
    (bea, ap["membership"]["id"].as_str().unwrap().to_string())
}

fn sorted(v: &Value) -> Vec<String> {
    let mut s = strs(v);
    s.sort();
    s
}

fn owned(v: &[&str]) -> Vec<String> {
    let mut s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    s.sort();
    s
}

#[tokio::test]
async fn added_employees_get_the_partner_seat_and_unverified_contractors_a_core_seat() {
    // R12, R13, R14
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Sales", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;

    let p = w.add_workers(&c.partner, &c.client, &[&emp.id, &dev.id], &set, &c.admin.who).await;

    assert_eq!(user_error_codes(&p), Vec::<String>::new(), "{p}");
    assert_eq!(p["withheldPermissions"], json!([]));
    let ms = p["memberships"].as_array().unwrap();
    assert_eq!(ms.len(), 2, "{p}");
    let (e, d) = (&ms[0], &ms[1]);
    assert_eq!(e["user"]["email"], json!(emp.email));
    assert_eq!((e["role"].as_str(), e["seat"].as_str()), (Some("STANDARD"), Some("PARTNER")));
    assert_eq!(e["managedCredit"], json!(true), "a domain-verified worker earns managed credit (R14)");
    assert_eq!(d["user"]["email"], json!(dev.email));
    assert_eq!((d["role"].as_str(), d["seat"].as_str()), (Some("STANDARD"), Some("CORE")));
    assert_eq!(d["managedCredit"], json!(false));
    for m in ms {
        assert_eq!(m["partner"]["id"], json!(c.partner), "both represent the partner");
        assert_eq!(m["status"], json!("ACTIVE"));
        assert_eq!(sorted(&m["permissions"]), owned(&["CONTACTS_VIEW", "DEALS_VIEW"]));
    }
    // Stored: the client's owner sees them as members, with the set applied.
    let stored = membership(&t, e["id"].as_str().unwrap(), &c.owner.who).await;
    assert_eq!(stored["seat"], json!("PARTNER"));
    assert_eq!(stored["permissionSet"]["name"], json!("Sales"));
}

#[tokio::test]
async fn one_foreign_worker_in_the_list_refuses_the_whole_request() {
    // R13, R33, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let other = w.partner_with("SOLUTIONS_PARTNER", &[w.domain("other")]).await;
    let stranger = w.worker(&other, "stranger", "STANDARD", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Everyday", &["CONTACTS_VIEW"]).await;
    let before = t.count("memberships").await;

    let p = w.add_workers(&c.partner, &c.client, &[&emp.id, &dev.id, &stranger.id], &set, &c.admin.who).await;

    assert_eq!(user_error_codes(&p), vec!["NOT_FOUND"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "workerIds", "2"]));
    assert_eq!(p["memberships"], json!([]));
    assert_eq!(t.count("memberships").await, before, "nothing was created");
    let pc = w.partner_client(&c.partner_client, &c.admin.who).await;
    assert_eq!(pc["activePartnerUserCount"], json!(1), "only the partner admin");
}

#[tokio::test]
async fn a_standard_member_cannot_add_workers_even_when_a_cam_user() {
    // R12
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    // Carl may use the Client Access Manager, but is only STANDARD in the client.
    let carl = w.worker(&c.partner, "carl", "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Everyday", &["CONTACTS_VIEW"]).await;
    let added = w.add_workers(&c.partner, &c.client, &[&carl.id], &set, &c.admin.who).await;
    assert_eq!(added["memberships"][0]["role"], json!("STANDARD"), "{added}");
    let before = t.count("memberships").await;

    let r = t
        .exec(
            &carl.who,
            "mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){ memberships{ id } userErrors{ code } } }",
            json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client, "workerIds": [emp.id], "permissionSetId": set}}),
        )
        .await;

    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(t.count("memberships").await, before);
}

#[tokio::test]
async fn a_deactivated_partner_admin_cannot_add_workers() {
    // R12, R23
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (bea, bea_membership) = second_partner_admin(&w, &c, "bea").await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = built_in_set(&t, &c.partner, &c.admin.who).await;
    let d = t
        .payload(
            &c.admin.who,
            "mutation($i: SetMemberStatusInput!){ deactivateMemberships(input:$i){ memberships{ status } userErrors{ code } } }",
            json!({"i": {"membershipIds": [bea_membership]}}),
        )
        .await;
    assert_eq!(d["memberships"][0]["status"], json!("DEACTIVATED"), "{d}");
    let before = t.count("memberships").await;

    let r = t
        .exec(
            &bea.who,
            "mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){ memberships{ id } userErrors{ code field } } }",
            json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client, "workerIds": [emp.id], "permissionSetId": set}}),
        )
        .await;

    assert_eq!(t.count("memberships").await, before, "nothing was created: {r}");
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
}

#[tokio::test]
async fn a_worker_already_in_the_client_is_refused_as_already_member() {
    // R13, R14
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Everyday", &["CONTACTS_VIEW"]).await;
    let first = w.add_workers(&c.partner, &c.client, &[&emp.id], &set, &c.admin.who).await;
    assert!(user_error_codes(&first).is_empty(), "{first}");
    let before = t.count("memberships").await;

    let p = w.add_workers(&c.partner, &c.client, &[&dev.id, &emp.id], &set, &c.admin.who).await;

    assert_eq!(user_error_codes(&p), vec!["ALREADY_MEMBER"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "workerIds", "1"]));
    assert_eq!(t.count("memberships").await, before, "the contractor was not added either");
}

#[tokio::test]
async fn an_empty_or_repetitive_worker_list_is_invalid_input() {
    // R13, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = built_in_set(&t, &c.partner, &c.admin.who).await;
    let before = t.count("memberships").await;

    let empty = w.add_workers(&c.partner, &c.client, &[], &set, &c.admin.who).await;
    let twice = w.add_workers(&c.partner, &c.client, &[&emp.id, &emp.id], &set, &c.admin.who).await;

    assert_eq!(user_error_codes(&empty), vec!["INVALID_INPUT"], "{empty}");
    assert_eq!(empty["userErrors"][0]["field"], json!(["input", "workerIds"]));
    assert_eq!(user_error_codes(&twice), vec!["INVALID_INPUT"], "{twice}");
    assert_eq!(twice["userErrors"][0]["field"], json!(["input", "workerIds", "1"]));
    assert_eq!(t.count("memberships").await, before);
}

#[tokio::test]
async fn a_permission_set_of_another_partner_is_not_found() {
    // R13, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let other = w.partner_with("SOLUTIONS_PARTNER", &[w.domain("other")]).await;
    let other_boss = w.worker(&other, "ob", "SUPER_ADMIN", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    let foreign = w.permission_set(&other, &other_boss.who, "Theirs", &["CONTACTS_VIEW"]).await;
    let before = t.count("memberships").await;

    let p = w.add_workers(&c.partner, &c.client, &[&emp.id], &foreign, &c.admin.who).await;

    assert_eq!(user_error_codes(&p), vec!["NOT_FOUND"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "permissionSetId"]));
    assert_eq!(t.count("memberships").await, before);
}

#[tokio::test]
async fn applying_a_smaller_set_to_a_partner_admin_keeps_them_partner_admin() {
    // R15, R16
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (_, bea_membership) = second_partner_admin(&w, &c, "bea").await;
    let small = w.permission_set(&c.partner, &c.admin.who, "Small", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;

    let p = change_set(&t, &bea_membership, &small, &c.admin.who).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["withheldPermissions"], json!([]));
    assert_eq!(p["membership"]["role"], json!("PARTNER_ADMIN"), "applying a set never changes the role");
    assert_eq!(p["membership"]["seat"], json!("PARTNER"));
    assert_eq!(sorted(&p["membership"]["permissions"]), owned(&["CONTACTS_VIEW", "DEALS_VIEW"]));
    let stored = membership(&t, &bea_membership, &c.owner.who).await;
    assert_eq!(stored["role"], json!("PARTNER_ADMIN"));
    assert_eq!(sorted(&stored["permissions"]), owned(&["CONTACTS_VIEW", "DEALS_VIEW"]));
    assert_eq!(stored["permissionSet"]["name"], json!("Small"));
}

#[tokio::test]
async fn an_admin_without_a_permission_cannot_give_it_and_is_told_it_was_withheld() {
    // R15, R16
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (bea, bea_membership) = second_partner_admin(&w, &c, "bea").await;
    let small = w.permission_set(&c.partner, &c.admin.who, "Small", &["CONTACTS_VIEW", "CONTACTS_EDIT"]).await;
    assert!(user_error_codes(&change_set(&t, &bea_membership, &small, &c.admin.who).await).is_empty());
    let wide =
        w.permission_set(&c.partner, &c.admin.who, "Wide", &["CONTACTS_VIEW", "REPORTS_ACCESS", "DEALS_VIEW"]).await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;

    let p = w.add_workers(&c.partner, &c.client, &[&emp.id], &wide, &bea.who).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(strs(&p["memberships"][0]["permissions"]), vec!["CONTACTS_VIEW"], "only what Bea holds");
    assert_eq!(sorted(&p["withheldPermissions"]), owned(&["DEALS_VIEW", "REPORTS_ACCESS"]));
    let id = p["memberships"][0]["id"].as_str().unwrap();
    assert_eq!(strs(&membership(&t, id, &c.owner.who).await["permissions"]), vec!["CONTACTS_VIEW"], "stored");
}

#[tokio::test]
async fn re_permissioning_keeps_what_the_admin_does_not_hold() {
    // R15, R16
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let start = w.permission_set(&c.partner, &c.admin.who, "Start", &["CONTACTS_VIEW", "REPORTS_ACCESS"]).await;
    let added = w.add_workers(&c.partner, &c.client, &[&emp.id], &start, &c.admin.who).await;
    let emp_membership = added["memberships"][0]["id"].as_str().unwrap().to_string();
    // Bea holds contacts and deals, not reports nor tickets.
    let (bea, bea_membership) = second_partner_admin(&w, &c, "bea").await;
    let beas =
        w.permission_set(&c.partner, &c.admin.who, "Bea", &["CONTACTS_VIEW", "CONTACTS_EDIT", "DEALS_VIEW"]).await;
    assert!(user_error_codes(&change_set(&t, &bea_membership, &beas, &c.admin.who).await).is_empty());
    let next =
        w.permission_set(&c.partner, &c.admin.who, "Next", &["CONTACTS_EDIT", "DEALS_VIEW", "TICKETS_VIEW"]).await;

    let p = change_set(&t, &emp_membership, &next, &bea.who).await;

    // new = (old − held) ∪ (S ∩ held) = {REPORTS_ACCESS} ∪ {CONTACTS_EDIT, DEALS_VIEW}
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let expected = owned(&["CONTACTS_EDIT", "DEALS_VIEW", "REPORTS_ACCESS"]);
    assert_eq!(sorted(&p["membership"]["permissions"]), expected, "reports kept, contacts view removed");
    assert_eq!(strs(&p["withheldPermissions"]), vec!["TICKETS_VIEW"]);
    assert_eq!(p["membership"]["role"], json!("STANDARD"));
    let stored = membership(&t, &emp_membership, &c.owner.who).await;
    assert_eq!(sorted(&stored["permissions"]), expected);
    assert_eq!(stored["permissionSet"]["name"], json!("Next"));
}

#[tokio::test]
async fn a_standard_member_cannot_change_permissions() {
    // R12
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let carl = w.worker(&c.partner, "carl", "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Contacts", &["CONTACTS_VIEW"]).await;
    let added = w.add_workers(&c.partner, &c.client, &[&carl.id, &emp.id], &set, &c.admin.who).await;
    let emp_membership = added["memberships"][1]["id"].as_str().unwrap().to_string();
    let more = w.permission_set(&c.partner, &c.admin.who, "More", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;

    let r = t
        .exec(
            &carl.who,
            "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){ membership{ id } userErrors{ code } } }",
            json!({"i": {"membershipId": emp_membership, "permissionSetId": more}}),
        )
        .await;

    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(strs(&membership(&t, &emp_membership, &c.owner.who).await["permissions"]), vec!["CONTACTS_VIEW"]);
}

#[tokio::test]
async fn a_partner_admin_never_grants_nor_removes_the_seven_super_admin_only_permissions() {
    // R20, R15, R16
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let all: Vec<&str> = [
        "CONTACTS_VIEW",
        "CONTACTS_EDIT",
        "COMPANIES_VIEW",
        "COMPANIES_EDIT",
        "DEALS_VIEW",
        "DEALS_EDIT",
        "TICKETS_VIEW",
        "TICKETS_EDIT",
        "MARKETING_ACCESS",
        "CONTENT_PUBLISH",
        "WORKFLOWS_EDIT",
        "REPORTS_ACCESS",
        "USERS_ADD_EDIT",
        "TEAMS_EDIT",
        "ACCOUNT_SETTINGS_EDIT",
        "PAYMENT_CONNECTION_CREATE",
        "PARTNER_EMPLOYEE_MANAGEMENT_VIEW",
        "PARTNER_EMPLOYEE_MANAGEMENT_EDIT",
    ]
    .into_iter()
    .chain(PA_EXCLUDED)
    .collect();
    let everything = w.permission_set(&c.partner, &c.admin.who, "Everything", &all).await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;

    // Adding with a set that holds all 25.
    let p = w.add_workers(&c.partner, &c.client, &[&emp.id], &everything, &c.admin.who).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(sorted(&p["withheldPermissions"]), owned(&PA_EXCLUDED));
    let got = strs(&p["memberships"][0]["permissions"]);
    assert_eq!(got.len(), 25 - 7, "{got:?}");
    for excluded in PA_EXCLUDED {
        assert!(!got.contains(&excluded.to_string()), "{excluded} granted by a partner admin");
    }

    // A member who got billing from the client's super admin keeps it,
    // whichever set the partner admin applies.
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    w.member(&c.client, &dev.user_id, json!({"role": "STANDARD", "permissions": ["BILLING_VIEW", "CONTACTS_VIEW"]}))
        .await;
    let linked = link(&t, &dev.id, &[&c.client], &c.admin.who).await;
    assert!(user_error_codes(&linked).is_empty(), "{linked}");
    let dev_membership = linked["memberships"][0]["id"].as_str().unwrap().to_string();
    let deals = w.permission_set(&c.partner, &c.admin.who, "Deals", &["DEALS_VIEW"]).await;
    let p = change_set(&t, &dev_membership, &deals, &c.admin.who).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(sorted(&p["membership"]["permissions"]), owned(&["BILLING_VIEW", "DEALS_VIEW"]));
    let p = change_set(&t, &dev_membership, &everything, &c.admin.who).await;
    let got = strs(&p["membership"]["permissions"]);
    assert!(got.contains(&"BILLING_VIEW".to_string()));
    for excluded in PA_EXCLUDED.iter().filter(|p| **p != "BILLING_VIEW") {
        assert!(!got.contains(&excluded.to_string()), "{excluded} granted by a partner admin");
    }
    assert_eq!(sorted(&p["withheldPermissions"]), owned(&PA_EXCLUDED));
}

#[tokio::test]
async fn linking_attaches_an_existing_member_to_the_partner_with_managed_credit() {
    // R14
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let before = w.member(&c.client, &dev.user_id, json!({"role": "STANDARD", "permissions": ["CONTACTS_VIEW"]})).await;
    let id = before["membership"]["id"].as_str().unwrap().to_string();
    assert_eq!(membership(&t, &id, &c.owner.who).await["managedCredit"], json!(false));

    let p = link(&t, &dev.id, &[&c.client], &c.admin.who).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = &p["memberships"][0];
    assert_eq!(m["id"], json!(id), "the existing membership, not a new one");
    assert_eq!(m["partner"]["id"], json!(c.partner));
    assert_eq!(m["managedCredit"], json!(true));
    assert_eq!((m["role"].as_str(), m["seat"].as_str()), (Some("STANDARD"), Some("CORE")));
    assert_eq!(strs(&m["permissions"]), vec!["CONTACTS_VIEW"]);
    let stored = membership(&t, &id, &c.owner.who).await;
    assert_eq!(stored["partner"]["id"], json!(c.partner));
    assert_eq!(stored["managedCredit"], json!(true));
    let pc = w.partner_client(&c.partner_client, &c.admin.who).await;
    assert_eq!(pc["activePartnerUserCount"], json!(2), "the partner now counts them");
}

#[tokio::test]
async fn linking_a_client_where_the_worker_is_not_a_member_is_refused_whole() {
    // R14, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let elsewhere = w.client("Elsewhere").await;
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let before = w.member(&c.client, &dev.user_id, json!({"role": "STANDARD"})).await;
    let id = before["membership"]["id"].as_str().unwrap().to_string();

    let p = link(&t, &dev.id, &[&c.client, &elsewhere], &c.admin.who).await;

    assert_eq!(user_error_codes(&p), vec!["NOT_A_MEMBER"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "clientAccountIds", "1"]));
    let stored = membership(&t, &id, &c.owner.who).await;
    assert_eq!(stored["partner"], json!(null), "the membership in the first client was not linked");
    assert_eq!(stored["managedCredit"], json!(false));
}
