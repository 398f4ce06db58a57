//! What a client's own admins do: add users by email (R22), the partner
//! seat and its eligibility (R5, R7), and seats (R6, R22).

use cam_tests::*;
use serde_json::{json, Value};

const ADD: &str = "mutation($i: AddClientUsersInput!){ addClientUsers(input:$i){
    memberships{ id role seat status permissions managedCredit partner{ id } user{ email name } }
    userErrors{ code field message } } }";
const SEAT: &str = "mutation($i: ChangeSeatInput!){ changeSeat(input:$i){
    membership{ id role seat partner{ id } } userErrors{ code field message } } }";
const MEMBERSHIP: &str = "query($id: ID!){ node(id:$id){ ... on Membership { role seat permissions partner{ id } } } }";

fn add_input(client: &str, emails: &[&str], seat: &str, permissions: &[&str]) -> Value {
    json!({"i": {"clientAccountId": client, "emails": emails, "seat": seat, "permissions": permissions}})
}

async fn add(t: &TestApp, who: &As, client: &str, emails: &[&str], seat: &str, permissions: &[&str]) -> Value {
    t.payload(who, ADD, add_input(client, emails, seat, permissions)).await
}

async fn change_seat(t: &TestApp, who: &As, membership: &str, seat: &str) -> Value {
    t.exec(who, SEAT, json!({"i": {"membershipId": membership, "seat": seat}})).await
}

async fn outbox(t: &TestApp, to: &str) -> Vec<Value> {
    t.ok(&As::Operator, "query($to: String){ outbox(to:$to){ to subject body } }", json!({ "to": to })).await["outbox"]
        .as_array()
        .unwrap()
        .clone()
}

/// A member of the client on the client's domain, through the operator;
/// returns (email, membership id).
async fn client_member(w: &World<'_>, client: &str, local: &str, role: &str, permissions: &[&str]) -> (String, String) {
    let (uid, email) = w.user(local, &w.domain("client")).await;
    let p = w.member(client, &uid, json!({"role": role, "seat": "CORE", "permissions": permissions})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    (email, p["membership"]["id"].as_str().unwrap().to_string())
}

async fn seat_of(t: &TestApp, membership: &str) -> Value {
    t.ok(&As::Operator, MEMBERSHIP, json!({ "id": membership })).await["node"]["seat"].clone()
}

#[tokio::test]
async fn a_super_admin_adds_users_by_email_and_each_is_sent_an_email() {
    // R22
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (_, known) = w.user("known", &w.domain("client")).await;
    let fresh = format!("new.person@{}", w.domain("client"));
    let users_before = t.count("users").await;

    let p = add(&t, &owner.who, &client, &[&fresh, &known.to_uppercase()], "SALES", &["CONTACTS_VIEW"]).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let ms = p["memberships"].as_array().unwrap();
    assert_eq!(ms.len(), 2, "{p}");
    assert_eq!(ms[0]["user"]["email"], json!(fresh));
    assert_eq!(ms[1]["user"]["email"], json!(known), "the existing user, found case-insensitively");
    for m in ms {
        assert_eq!((m["role"].as_str(), m["seat"].as_str()), (Some("STANDARD"), Some("SALES")));
        assert_eq!(m["permissions"], json!(["CONTACTS_VIEW"]));
        assert_eq!(m["partner"], json!(null));
    }
    assert_eq!(t.count("users").await, users_before + 1, "the unknown address became a user");
    for to in [&fresh, &known] {
        let mails = outbox(&t, to).await;
        assert_eq!(mails.len(), 1, "{to}: {mails:?}");
        assert!(mails[0]["subject"].as_str().unwrap().contains("Acme"), "{mails:?}");
    }
    let members = t
        .ok(&owner.who, "query($id: ID!){ clientAccount(id:$id){ members{ totalCount } } }", json!({ "id": client }))
        .await;
    assert_eq!(members["clientAccount"]["members"]["totalCount"], json!(3));
}

#[tokio::test]
async fn each_bad_address_is_reported_at_its_index_and_nothing_is_added() {
    // R22, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (member, _) = client_member(&w, &client, "member", "STANDARD", &[]).await;
    let good = format!("good@{}", w.domain("client"));
    let (users, memberships) = (t.count("users").await, t.count("memberships").await);

    let p = add(&t, &owner.who, &client, &[&good, "not-an-email", &good.to_uppercase()], "CORE", &[]).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT", "INVALID_INPUT"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "emails", "1"]));
    assert_eq!(p["userErrors"][1]["field"], json!(["input", "emails", "2"]), "named twice");

    let p = add(&t, &owner.who, &client, &[&good, &member], "CORE", &[]).await;
    assert_eq!(user_error_codes(&p), vec!["ALREADY_MEMBER"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "emails", "1"]));

    let p = add(&t, &owner.who, &client, &[], "CORE", &[]).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "{p}");

    assert_eq!(t.count("users").await, users, "no user was created");
    assert_eq!(t.count("memberships").await, memberships, "no member was added");
    assert!(outbox(&t, &good).await.is_empty(), "no email was sent");
}

#[tokio::test]
async fn one_ineligible_address_stops_a_bulk_partner_seat_grant() {
    // R7, R5
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let partner = w.partner().await;
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let ben = w.worker(&partner, "ben", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev = w.worker(&partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let stranger = format!("stranger@{}", w.domain("nowhere"));
    let (users, memberships) = (t.count("users").await, t.count("memberships").await);

    let p = add(&t, &owner.who, &client, &[&ann.email, &dev.email, &ben.email, &stranger], "PARTNER", &[]).await;

    assert_eq!(user_error_codes(&p), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT", "NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "emails", "1"]));
    assert_eq!(p["userErrors"][1]["field"], json!(["input", "emails", "3"]));
    assert_eq!(p["memberships"], json!([]));
    assert_eq!((t.count("users").await, t.count("memberships").await), (users, memberships), "nothing changed");
    assert!(outbox(&t, &ann.email).await.is_empty());

    // Every one eligible: all get the seat, representing their partner.
    let p = add(&t, &owner.who, &client, &[&ann.email, &ben.email], "PARTNER", &[]).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    for m in p["memberships"].as_array().unwrap() {
        assert_eq!(m["seat"], json!("PARTNER"));
        assert_eq!(m["role"], json!("STANDARD"), "a partner seat holder need not be a partner admin (R6)");
        assert_eq!(m["permissions"], json!([]), "the seat grants no permission by itself (R6)");
        assert_eq!(m["partner"]["id"], json!(partner));
    }
}

#[tokio::test]
async fn a_member_without_users_add_edit_cannot_add_users() {
    // R22
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    w.client_admin(&client, "owner").await;
    let (plain, _) = client_member(&w, &client, "plain", "STANDARD", &["CONTACTS_VIEW", "BILLING_EDIT"]).await;
    let (mgr, _) = client_member(&w, &client, "mgr", "STANDARD", &["USERS_ADD_EDIT"]).await;
    let newcomer = format!("newcomer@{}", w.domain("client"));
    let (users, memberships) = (t.count("users").await, t.count("memberships").await);

    let r = t.exec(&user(&plain), ADD, add_input(&client, &[&newcomer], "CORE", &[])).await;

    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!((t.count("users").await, t.count("memberships").await), (users, memberships));
    assert!(outbox(&t, &newcomer).await.is_empty());
    // USERS_ADD_EDIT is enough for a paid seat.
    let p = add(&t, &user(&mgr), &client, &[&newcomer], "CORE", &["CONTACTS_VIEW"]).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["memberships"][0]["seat"], json!("CORE"));
}

#[tokio::test]
async fn choosing_permissions_for_partner_seat_users_needs_super_admin_or_users_add_edit_with_billing_edit() {
    // R22, R6
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (mgr, _) = client_member(&w, &client, "mgr", "STANDARD", &["USERS_ADD_EDIT"]).await;
    // The biller holds what they hand out, so only R22's gate is at stake.
    let (biller, _) =
        client_member(&w, &client, "biller", "STANDARD", &["USERS_ADD_EDIT", "BILLING_EDIT", "CONTACTS_VIEW"]).await;
    let partner = w.partner().await;
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let ben = w.worker(&partner, "ben", "STANDARD", &[], "EMPLOYEE", None).await;
    let cid = w.worker(&partner, "cid", "STANDARD", &[], "EMPLOYEE", None).await;
    let memberships = t.count("memberships").await;

    let r = t.exec(&user(&mgr), ADD, add_input(&client, &[&ann.email], "PARTNER", &["CONTACTS_VIEW"])).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(t.count("memberships").await, memberships);

    // Without choosing permissions, USERS_ADD_EDIT is enough.
    let p = add(&t, &user(&mgr), &client, &[&ann.email], "PARTNER", &[]).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["memberships"][0]["seat"], json!("PARTNER"));

    let p = add(&t, &user(&biller), &client, &[&ben.email], "PARTNER", &["CONTACTS_VIEW"]).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["memberships"][0]["permissions"], json!(["CONTACTS_VIEW"]));
    let p = add(&t, &owner.who, &client, &[&cid.email], "PARTNER", &["CONTACTS_VIEW", "DEALS_VIEW"]).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["memberships"][0]["permissions"], json!(["CONTACTS_VIEW", "DEALS_VIEW"]));
}

#[tokio::test]
async fn changing_a_seat_needs_super_admin_or_users_add_edit_with_billing_edit() {
    // R22
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (mgr, _) = client_member(&w, &client, "mgr", "STANDARD", &["USERS_ADD_EDIT"]).await;
    let (billing, _) = client_member(&w, &client, "billing", "STANDARD", &["BILLING_EDIT"]).await;
    let (biller, _) = client_member(&w, &client, "biller", "STANDARD", &["USERS_ADD_EDIT", "BILLING_EDIT"]).await;
    let (_, sam) = client_member(&w, &client, "sam", "STANDARD", &[]).await;

    for who in [&mgr, &billing] {
        let r = change_seat(&t, &user(who), &sam, "SALES").await;
        assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{who}: {r}");
    }
    assert_eq!(seat_of(&t, &sam).await, json!("CORE"), "unchanged");

    let r = change_seat(&t, &user(&biller), &sam, "SALES").await;
    assert_eq!(r["data"]["changeSeat"]["userErrors"], json!([]), "{r}");
    assert_eq!(r["data"]["changeSeat"]["membership"]["seat"], json!("SALES"));
    let r = change_seat(&t, &owner.who, &sam, "VIEW_ONLY").await;
    assert_eq!(r["data"]["changeSeat"]["membership"]["seat"], json!("VIEW_ONLY"), "{r}");
    assert_eq!(seat_of(&t, &sam).await, json!("VIEW_ONLY"), "stored");
}

#[tokio::test]
async fn the_partner_seat_is_refused_to_an_ineligible_member() {
    // R5, R22
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let partner = w.partner().await;
    let dev = w.worker(&partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let ann = w.worker(&partner, "ann", "STANDARD", &[], "EMPLOYEE", None).await;
    let dev_m = w.member(&client, &dev.user_id, json!({"role": "STANDARD"})).await["membership"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ann_m = w.member(&client, &ann.user_id, json!({"role": "STANDARD"})).await["membership"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, plain_m) = client_member(&w, &client, "plain", "STANDARD", &[]).await;

    for m in [&dev_m, &plain_m] {
        let r = change_seat(&t, &owner.who, m, "PARTNER").await;
        let p = &r["data"]["changeSeat"];
        assert_eq!(user_error_codes(p), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{r}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "seat"]));
        assert_eq!(seat_of(&t, m).await, json!("CORE"));
    }

    let r = change_seat(&t, &owner.who, &ann_m, "PARTNER").await;
    assert_eq!(r["data"]["changeSeat"]["userErrors"], json!([]), "{r}");
    assert_eq!(r["data"]["changeSeat"]["membership"]["seat"], json!("PARTNER"));
    assert_eq!(r["data"]["changeSeat"]["membership"]["partner"]["id"], json!(partner));
}

#[tokio::test]
async fn a_partner_admin_cannot_leave_the_partner_seat() {
    // R6
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;

    let r = change_seat(&t, &c.owner.who, &c.admin_membership, "CORE").await;

    let p = &r["data"]["changeSeat"];
    assert_eq!(user_error_codes(p), vec!["INVALID_INPUT"], "{r}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "seat"]));
    let stored = t.ok(&As::Operator, MEMBERSHIP, json!({"id": c.admin_membership})).await["node"].clone();
    assert_eq!((stored["role"].as_str(), stored["seat"].as_str()), (Some("PARTNER_ADMIN"), Some("PARTNER")));
}
