//! Permission changes closer to the product (v1.1): the seat upgrade (R45),
//! the Partner Admin set as a set (R46) and individual permissions (R47).

use cam_tests::*;
use serde_json::{json, Value};

const MEMBER: &str = "query($id: ID!){ node(id:$id){ ... on Membership {
    id role seat status permissions managedCredit permissionSet{ name builtIn } } } }";

const CHANGE_SET: &str = "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){
    membership{ id role seat permissions permissionSet{ builtIn } } withheldPermissions userErrors{ code field message } } }";

const CHANGE_MEMBER: &str = "mutation($i: ChangeMemberPermissionsInput!){ changeMemberPermissions(input:$i){
    membership{ id role seat permissions } withheldPermissions userErrors{ code field message } } }";

async fn built_in_set(t: &TestApp, partner: &str, who: &As) -> String {
    let d = t
        .ok(who, "query($id: ID!){ partnerAccount(id:$id){ permissionSets{ id builtIn } } }", json!({"id": partner}))
        .await;
    let sets = d["partnerAccount"]["permissionSets"].as_array().unwrap().clone();
    sets.iter().find(|s| s["builtIn"] == json!(true)).unwrap()["id"].as_str().unwrap().to_string()
}

async fn member(t: &TestApp, id: &str) -> Value {
    t.ok(&As::Operator, MEMBER, json!({ "id": id })).await["node"].clone()
}

async fn change_set(t: &TestApp, who: &As, membership: &str, set: &str) -> Value {
    t.payload(who, CHANGE_SET, json!({"i": {"membershipId": membership, "permissionSetId": set}})).await
}

async fn change_member(t: &TestApp, who: &As, membership: &str, grant: &[&str], revoke: &[&str]) -> Value {
    t.payload(who, CHANGE_MEMBER, json!({"i": {"membershipId": membership, "grant": grant, "revoke": revoke}})).await
}

async fn set_seat(t: &TestApp, who: &As, membership: &str, seat: &str) {
    let p = t
        .payload(
            who,
            "mutation($i: ChangeSeatInput!){ changeSeat(input:$i){ membership{ seat } userErrors{ code } } }",
            json!({"i": {"membershipId": membership, "seat": seat}}),
        )
        .await;
    assert_eq!(p["membership"]["seat"], json!(seat), "{p}");
}

/// The newest event of the client's audit log.
async fn last_event(t: &TestApp, client: &str, owner: &As) -> Value {
    t.ok(
        owner,
        "query($id: ID!){ clientAccount(id:$id){ auditLog(first:1){ edges{ node{ action actor{ email } before after } } } } }",
        json!({"id": client}),
    )
    .await["clientAccount"]["auditLog"]["edges"][0]["node"]
        .clone()
}

/// An employee (eligible) and a contractor on a foreign domain (not
/// eligible), both added with a "Basic" set; returns their memberships and
/// the set.
async fn two_members(w: &World<'_>, c: &Managed) -> (String, String, String) {
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev = w.worker(&c.partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let basic = w.permission_set(&c.partner, &c.admin.who, "Basic", &["CONTACTS_VIEW"]).await;
    let p = w.add_workers(&c.partner, &c.client, &[&emp.id, &dev.id], &basic, &c.admin.who).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let ids: Vec<String> =
        p["memberships"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().into()).collect();
    (ids[0].clone(), ids[1].clone(), basic)
}

fn sorted(v: &Value) -> Vec<String> {
    let mut s = strs(v);
    s.sort();
    s
}

#[tokio::test]
async fn an_eligible_member_on_another_seat_moves_to_the_partner_seat_when_their_set_changes() {
    // R45
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (emp, _, basic) = two_members(&w, &c).await;
    set_seat(&t, &c.owner.who, &emp, "VIEW_ONLY").await;
    let reports = w.permission_set(&c.partner, &c.admin.who, "Reports", &["REPORTS_ACCESS"]).await;

    let p = change_set(&t, &c.admin.who, &emp, &reports).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!((&p["membership"]["seat"], &p["membership"]["role"]), (&json!("PARTNER"), &json!("STANDARD")));
    let ev = last_event(&t, &c.client, &c.owner.who).await;
    assert_eq!(ev["action"], json!("membership.permissions_changed"));
    assert_eq!((&ev["before"]["seat"], &ev["after"]["seat"]), (&json!("VIEW_ONLY"), &json!("PARTNER")), "{ev}");
    assert_eq!(member(&t, &emp).await["seat"], json!("PARTNER"));
    let _ = basic;
}

#[tokio::test]
async fn an_ineligible_member_keeps_their_seat_when_their_set_changes() {
    // R45
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (_, dev, _) = two_members(&w, &c).await;
    set_seat(&t, &c.owner.who, &dev, "SALES").await;
    let reports = w.permission_set(&c.partner, &c.admin.who, "Reports", &["REPORTS_ACCESS"]).await;

    let p = change_set(&t, &c.admin.who, &dev, &reports).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["membership"]["seat"], json!("SALES"));
    assert_eq!(strs(&p["membership"]["permissions"]), vec!["REPORTS_ACCESS"]);
}

#[tokio::test]
async fn the_partner_admin_set_makes_an_eligible_member_a_partner_admin_and_no_other_set_does() {
    // R46, R15
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (emp, _, basic) = two_members(&w, &c).await;
    set_seat(&t, &c.owner.who, &emp, "CORE").await;
    let pa = built_in_set(&t, &c.partner, &c.admin.who).await;

    let p = change_set(&t, &c.admin.who, &emp, &pa).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = &p["membership"];
    assert_eq!(
        (&m["role"], &m["seat"], &m["permissionSet"]["builtIn"]),
        (&json!("PARTNER_ADMIN"), &json!("PARTNER"), &json!(true))
    );
    let perms = strs(&m["permissions"]);
    assert!(PA_EXCLUDED.iter().all(|x| !perms.contains(&x.to_string())), "{perms:?}");
    assert!(perms.contains(&"USERS_ADD_EDIT".to_string()));
    let ev = last_event(&t, &c.client, &c.owner.who).await;
    assert_eq!((&ev["before"]["role"], &ev["after"]["role"]), (&json!("STANDARD"), &json!("PARTNER_ADMIN")));

    // Another set afterwards changes permissions only: still a partner admin (R15).
    let back = change_set(&t, &c.admin.who, &emp, &basic).await;
    assert_eq!(
        (&back["membership"]["role"], strs(&back["membership"]["permissions"])),
        (&json!("PARTNER_ADMIN"), vec!["CONTACTS_VIEW".to_string()])
    );
}

#[tokio::test]
async fn the_partner_admin_set_is_refused_for_a_member_not_eligible_for_the_partner_seat() {
    // R46, R5, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (_, dev, _) = two_members(&w, &c).await;
    let pa = built_in_set(&t, &c.partner, &c.admin.who).await;
    let before = member(&t, &dev).await;

    let p = change_set(&t, &c.admin.who, &dev, &pa).await;

    assert_eq!(user_error_codes(&p), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "membershipId"]));
    assert_eq!(member(&t, &dev).await, before, "nothing changed");

    // R13 with the Partner Admin set: the same refusal, at the worker's index.
    let late = w.worker(&c.partner, "late", "STANDARD", &[], "CONTRACTOR", Some("elsewhere.io")).await;
    let ok = w.worker(&c.partner, "ok", "STANDARD", &[], "EMPLOYEE", None).await;
    let n = t.count("memberships").await;
    let add = w.add_workers(&c.partner, &c.client, &[&ok.id, &late.id], &pa, &c.admin.who).await;
    assert_eq!(user_error_codes(&add), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{add}");
    assert_eq!(add["userErrors"][0]["field"], json!(["input", "workerIds", "1"]));
    assert_eq!(t.count("memberships").await, n);
    let add = w.add_workers(&c.partner, &c.client, &[&ok.id], &pa, &c.admin.who).await;
    assert_eq!(
        (&add["memberships"][0]["role"], &add["memberships"][0]["seat"]),
        (&json!("PARTNER_ADMIN"), &json!("PARTNER"))
    );
}

#[tokio::test]
async fn a_partner_admin_grants_and_revokes_individual_permissions_under_their_ceiling() {
    // R47, R15, R16, R20, R32
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (emp, _, _) = two_members(&w, &c).await;

    let p = change_member(&t, &c.admin.who, &emp, &["REPORTS_ACCESS", "BILLING_VIEW"], &["CONTACTS_VIEW"]).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(strs(&p["membership"]["permissions"]), vec!["REPORTS_ACCESS"]);
    assert_eq!(strs(&p["withheldPermissions"]), vec!["BILLING_VIEW"], "one of the seven of R20");
    assert_eq!(p["membership"]["role"], json!("STANDARD"));
    let ev = last_event(&t, &c.client, &c.owner.who).await;
    assert_eq!(ev["action"], json!("membership.permissions_changed"));
    assert_eq!(ev["actor"]["email"], json!(c.admin.email));
    assert_eq!(
        (strs(&ev["before"]["permissions"]), strs(&ev["after"]["permissions"])),
        (vec!["CONTACTS_VIEW".to_string()], vec!["REPORTS_ACCESS".to_string()])
    );
}

#[tokio::test]
async fn a_partner_admin_moves_an_eligible_member_to_the_partner_seat_and_a_client_admin_does_not() {
    // R45, R47
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (emp, _, _) = two_members(&w, &c).await;
    set_seat(&t, &c.owner.who, &emp, "VIEW_ONLY").await;

    let by_client = change_member(&t, &c.owner.who, &emp, &["DEALS_VIEW"], &[]).await;
    assert_eq!(by_client["membership"]["seat"], json!("VIEW_ONLY"), "{by_client}");

    let by_partner = change_member(&t, &c.admin.who, &emp, &["DEALS_EDIT"], &[]).await;
    assert_eq!(by_partner["membership"]["seat"], json!("PARTNER"), "{by_partner}");
    assert_eq!(sorted(&by_partner["membership"]["permissions"]), vec!["CONTACTS_VIEW", "DEALS_EDIT", "DEALS_VIEW"]);
}

#[tokio::test]
async fn a_client_super_admin_gives_a_partner_admin_billing_on_the_clients_request() {
    // R47, R20, R21
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;

    let p =
        change_member(&t, &c.owner.who, &c.admin_membership, &["BILLING_VIEW", "BILLING_EDIT"], &["REPORTS_ACCESS"])
            .await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let perms = strs(&p["membership"]["permissions"]);
    assert!(perms.contains(&"BILLING_EDIT".to_string()) && perms.contains(&"BILLING_VIEW".to_string()), "{perms:?}");
    assert!(!perms.contains(&"REPORTS_ACCESS".to_string()));
    assert_eq!((&p["membership"]["role"], &p["withheldPermissions"]), (&json!("PARTNER_ADMIN"), &json!([])));
}

#[tokio::test]
async fn a_member_with_users_add_edit_and_billing_edit_changes_permissions_except_the_seven() {
    // R47, R20
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (emp, _, _) = two_members(&w, &c).await;
    let (uid, email) = w.user("hr", &w.domain("client")).await;
    let hr = w
        .member(&c.client, &uid, json!({"role": "STANDARD", "permissions": ["USERS_ADD_EDIT", "BILLING_EDIT", "DEALS_VIEW", "CONTACTS_VIEW"]}))
        .await;
    assert!(user_error_codes(&hr).is_empty(), "{hr}");

    let p = change_member(&t, &user(&email), &emp, &["DEALS_VIEW", "BILLING_EDIT"], &["CONTACTS_VIEW"]).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(strs(&p["membership"]["permissions"]), vec!["DEALS_VIEW"]);
    assert_eq!(strs(&p["withheldPermissions"]), vec!["BILLING_EDIT"]);
}

#[tokio::test]
async fn individual_permissions_are_refused_to_whoever_may_not_change_them() {
    // R47, R12, R33, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (emp, _, _) = two_members(&w, &c).await;
    let (uid, email) = w.user("plain", &w.domain("client")).await;
    w.member(&c.client, &uid, json!({"role": "STANDARD", "permissions": ["USERS_ADD_EDIT"]})).await;
    let outsider = w.partner_with("SOLUTIONS_PARTNER", &[w.domain("other")]).await;
    let spy = w.worker(&outsider, "spy", "SUPER_ADMIN", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    let owner_membership = w.membership_of(&c.client, &c.owner.email, &c.owner.who).await;
    let before = member(&t, &emp).await;

    let plain =
        t.exec(&user(&email), CHANGE_MEMBER, json!({"i": {"membershipId": emp, "grant": ["DEALS_VIEW"]}})).await;
    assert_eq!(error_codes(&plain), vec!["FORBIDDEN"], "{plain}");
    let sa = t
        .exec(&c.admin.who, CHANGE_MEMBER, json!({"i": {"membershipId": owner_membership, "grant": ["DEALS_VIEW"]}}))
        .await;
    assert_eq!(error_codes(&sa), vec!["FORBIDDEN"], "a super admin is nobody's to change one by one: {sa}");
    let hidden = change_member(&t, &spy.who, &emp, &["DEALS_VIEW"], &[]).await;
    assert_eq!(user_error_codes(&hidden), vec!["NOT_FOUND"], "{hidden}");
    let both = change_member(&t, &c.admin.who, &emp, &["DEALS_VIEW"], &["DEALS_VIEW"]).await;
    assert_eq!(user_error_codes(&both), vec!["INVALID_INPUT"], "{both}");
    let none = change_member(&t, &c.admin.who, &emp, &[], &[]).await;
    assert_eq!(user_error_codes(&none), vec!["INVALID_INPUT"], "{none}");
    assert_eq!(member(&t, &emp).await, before, "nothing changed");
}
