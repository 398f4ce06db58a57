//! The approval moment over GraphQL (v1.2): what the preview says approving
//! grants (R53), and declining (R54) with its refusals, email and audit.

use cam_tests::*;
use chrono::Duration;
use serde_json::{json, Value};

const PREVIEW: &str = "query($t: String!){ accessLinkPreview(token:$t){ state role seat grants problem expiresAt } }";
const DECLINE: &str =
    "mutation($i: DeclineAccessLinkInput!){ declineAccessLink(input:$i){ declined userErrors{ code field message } } }";

/// A partner with a link of its boss, and two clients with an owner each.
struct Scene {
    partner: String,
    boss: W,
    token: String,
    link_id: String,
    first: String,
    second: String,
    owner1: W,
    owner2: W,
}

async fn scene(w: &World<'_>) -> Scene {
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let first = w.client("First").await;
    let second = w.client("Second").await;
    let owner1 = w.client_admin(&first, "owner1").await;
    let owner2 = w.client_admin(&second, "owner2").await;
    let link = w.access_link(&partner, &boss.who, None).await;
    Scene {
        partner,
        token: link["token"].as_str().unwrap().to_string(),
        link_id: link["accessLink"]["id"].as_str().unwrap().to_string(),
        boss,
        first,
        second,
        owner1,
        owner2,
    }
}

async fn decline(t: &TestApp, who: &As, token: &str, client: &str, note: Option<&str>) -> Value {
    t.payload(who, DECLINE, json!({"i": {"token": token, "clientAccountId": client, "note": note}})).await
}

async fn preview(t: &TestApp, token: &str) -> Value {
    t.ok(&As::Anonymous, PREVIEW, json!({ "t": token })).await["accessLinkPreview"].clone()
}

/// What could change when a decline is refused.
async fn footprint(t: &TestApp) -> (i64, i64, i64, i64) {
    (
        t.count("access_link_declines").await,
        t.count("audit_events").await,
        t.count("email_outbox").await,
        t.count("memberships").await,
    )
}

async fn audit_actions(t: &TestApp, who: &As, field: &str, id: &str) -> Vec<Value> {
    let q = format!(
        "query($id: ID!){{ {field}(id:$id){{ auditLog(first:20){{ edges{{ node{{ action actor{{ email }} subject{{ email }} after }} }} }} }} }}"
    );
    let d = t.ok(who, &q, json!({ "id": id })).await;
    d[field]["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

#[tokio::test]
async fn the_preview_says_what_approving_grants_and_whether_the_link_is_alive() {
    // R53, R20, R9
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let p = preview(&t, &s.token).await;
    assert_eq!(
        (p["state"].as_str(), p["role"].as_str(), p["seat"].as_str()),
        (Some("ACTIVE"), Some("PARTNER_ADMIN"), Some("PARTNER"))
    );
    let sets = t
        .ok(
            &s.boss.who,
            "query($id: ID!){ partnerAccount(id:$id){ permissionSets{ builtIn permissions } } }",
            json!({"id": s.partner}),
        )
        .await;
    let built_in = sets["partnerAccount"]["permissionSets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["builtIn"] == true)
        .unwrap()
        .clone();
    assert_eq!(p["grants"], built_in["permissions"], "the grants are the partner's Partner Admin set");
    assert_eq!(strs(&p["grants"]).len(), 18);
    for excluded in PA_EXCLUDED {
        assert!(!strs(&p["grants"]).contains(&excluded.to_string()), "{excluded}");
    }

    // Expired: past its expiry (R8's 30 days), on the test clock.
    t.advance(Duration::days(31));
    assert_eq!(preview(&t, &s.token).await["state"], "EXPIRED");
    assert_eq!(preview(&t, &s.token).await["problem"], "LINK_EXPIRED");

    // Revoked by a newer link.
    let newer = w.access_link(&s.partner, &s.boss.who, None).await;
    assert!(user_error_codes(&newer).is_empty(), "{newer}");
    assert_eq!(preview(&t, &s.token).await["state"], "REVOKED");
    assert_eq!(preview(&t, newer["token"].as_str().unwrap()).await["state"], "ACTIVE");
}

#[tokio::test]
async fn declining_grants_nothing_emails_the_worker_with_the_note_and_is_audited_on_both_sides() {
    // R54, R32
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let members_before = t.count("memberships").await;

    let d = decline(&t, &s.owner1.who, &s.token, &s.first, Some("Not this quarter, sorry.")).await;

    assert_eq!(d, json!({"declined": true, "userErrors": []}));
    assert_eq!(t.count("memberships").await, members_before, "nothing is granted");
    let clients = t
        .ok(
            &s.boss.who,
            "query($id: ID!){ partnerAccount(id:$id){ clients(first:10){ totalCount } } }",
            json!({"id": s.partner}),
        )
        .await;
    assert_eq!(clients["partnerAccount"]["clients"]["totalCount"], 0, "no managed relationship either");
    let mails = t
        .ok(&As::Operator, "query($to: String){ outbox(to:$to){ kind subject body } }", json!({"to": s.boss.email}))
        .await["outbox"]
        .clone();
    let declined: Vec<&Value> =
        mails.as_array().unwrap().iter().filter(|m| m["kind"] == "access_link.declined").collect();
    assert_eq!(declined.len(), 1, "{mails}");
    let body = declined[0]["body"].as_str().unwrap();
    assert!(body.contains("Not this quarter, sorry.") && body.contains("First"), "{body}");
    assert!(declined[0]["subject"].as_str().unwrap().contains("declined"), "{}", declined[0]);

    for (who, field, id) in [(&s.owner1.who, "clientAccount", &s.first), (&s.boss.who, "partnerAccount", &s.partner)] {
        let events = audit_actions(&t, who, field, id).await;
        let ev = events
            .iter()
            .find(|e| e["action"] == "access_link.declined")
            .unwrap_or_else(|| panic!("{field}: {events:?}"));
        assert_eq!(ev["actor"]["email"], json!(s.owner1.email));
        assert_eq!(ev["subject"]["email"], json!(s.boss.email));
        assert_eq!(ev["after"]["note"], "Not this quarter, sorry.");
    }
}

#[tokio::test]
async fn a_declined_link_cannot_be_approved_or_declined_again_there_but_stays_valid_elsewhere() {
    // R54, R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    assert_eq!(decline(&t, &s.owner1.who, &s.token, &s.first, None).await["declined"], true);

    let again = w.approve(&s.token, &s.first, &s.owner1.who).await;
    assert_eq!(user_error_codes(&again), vec!["LINK_DECLINED"]);
    assert!(again["membership"].is_null());
    let twice = decline(&t, &s.owner1.who, &s.token, &s.first, Some("still no")).await;
    assert_eq!(user_error_codes(&twice), vec!["ALREADY_DECLINED"]);
    assert_eq!(twice["declined"], false);

    let elsewhere = w.approve(&s.token, &s.second, &s.owner2.who).await;
    assert!(user_error_codes(&elsewhere).is_empty(), "{elsewhere}");
    assert_eq!(preview(&t, &s.token).await["state"], "ACTIVE");
    // …and once approved there, it is not declined there.
    let late = decline(&t, &s.owner2.who, &s.token, &s.second, None).await;
    assert_eq!(user_error_codes(&late), vec!["ALREADY_APPROVED"]);
}

#[tokio::test]
async fn a_note_over_500_characters_is_refused_and_changes_nothing() {
    // R54, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let before = footprint(&t).await;
    let long = "n".repeat(501);

    let d = decline(&t, &s.owner1.who, &s.token, &s.first, Some(&long)).await;

    assert_eq!(user_error_codes(&d), vec!["INVALID_INPUT"]);
    assert_eq!(d["userErrors"][0]["field"], json!(["input", "note"]));
    assert_eq!(footprint(&t).await, before);
    // 500 characters, counted as characters, are fine.
    let d = decline(&t, &s.owner1.who, &s.token, &s.first, Some(&"é".repeat(500))).await;
    assert_eq!(d["declined"], true, "{d}");
}

#[tokio::test]
async fn only_who_may_approve_may_decline() {
    // R54, R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let (uid, email) = w.user("clerk", &w.domain("client")).await;
    let p =
        w.member(&s.first, &uid, json!({"role": "STANDARD", "seat": "CORE", "permissions": ["CONTACTS_VIEW"]})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let before = footprint(&t).await;

    let r = t.exec(&user(&email), DECLINE, json!({"i": {"token": s.token, "clientAccountId": s.first}})).await;

    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(footprint(&t).await, before);

    // A user manager may (R10: USERS_ADD_EDIT).
    let (uid, email) = w.user("hr", &w.domain("client")).await;
    let p =
        w.member(&s.first, &uid, json!({"role": "STANDARD", "seat": "CORE", "permissions": ["USERS_ADD_EDIT"]})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(decline(&t, &user(&email), &s.token, &s.first, None).await["declined"], true);
}

#[tokio::test]
async fn declining_for_another_tenants_account_or_with_an_unknown_or_dead_link_is_refused_and_changes_nothing() {
    // R54, R33, R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let before = footprint(&t).await;

    let theirs = decline(&t, &s.owner1.who, &s.token, &s.second, None).await;
    assert_eq!(user_error_codes(&theirs), vec!["NOT_FOUND"]);
    assert_eq!(theirs["userErrors"][0]["field"], json!(["input", "clientAccountId"]));
    let partner_id = decline(&t, &s.owner1.who, &s.token, &s.partner, None).await;
    assert_eq!(user_error_codes(&partner_id), vec!["NOT_FOUND"]);
    let unknown = decline(&t, &s.owner1.who, "no-such-token", &s.first, None).await;
    assert_eq!(user_error_codes(&unknown), vec!["NOT_FOUND"]);
    assert_eq!(unknown["userErrors"][0]["field"], json!(["input", "token"]));
    let anonymous = t.exec(&As::Anonymous, DECLINE, json!({"i": {"token": s.token, "clientAccountId": s.first}})).await;
    assert_eq!(error_codes(&anonymous), vec!["UNAUTHENTICATED"], "{anonymous}");
    assert_eq!(footprint(&t).await, before);

    t.ok(
        &s.boss.who,
        "mutation($i: RevokeAccessLinkInput!){ revokeAccessLink(input:$i){ userErrors{ code } } }",
        json!({"i": {"accessLinkId": s.link_id}}),
    )
    .await;
    let revoked = decline(&t, &s.owner1.who, &s.token, &s.first, None).await;
    assert_eq!(user_error_codes(&revoked), vec!["LINK_REVOKED"]);
    let fresh = w.access_link(&s.partner, &s.boss.who, None).await;
    let before = footprint(&t).await;
    t.advance(Duration::days(31));
    let expired = decline(&t, &s.owner1.who, fresh["token"].as_str().unwrap(), &s.first, None).await;
    assert_eq!(user_error_codes(&expired), vec!["LINK_EXPIRED"]);
    assert_eq!(footprint(&t).await, before);
}
