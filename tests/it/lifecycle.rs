//! Time-driven work through the test clock, end to end: `setTestClock`
//! runs every piece of work that became due before it answers (R36).
//! Time-boxed access (R39), the relationship's warnings and end (R37), and
//! the offboarding notice to the client's super admins (R38).

use cam_tests::*;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

const REMOVE_ALL: &str = "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){
    partnerClient{ status endsAt } userErrors{ code } } }";
const SET_EXPIRY: &str = "mutation($i: SetMembershipExpiryInput!){ setMembershipExpiry(input:$i){
    membership{ id status expiresAt } userErrors{ code field message } } }";

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a DateTime, not {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// The operator sets the clock; due work runs before the answer (R36).
pub async fn set_clock(t: &TestApp, when: DateTime<Utc>) {
    let p = t
        .payload(
            &As::Operator,
            "mutation($i: SetTestClockInput!){ setTestClock(input:$i){ now userErrors{ code } } }",
            json!({"i": {"now": iso(when)}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
}

/// Emails to `to`, oldest first: (kind, subject, body).
pub async fn mails(t: &TestApp, to: &str) -> Vec<(String, String, String)> {
    let d = t
        .ok(&As::Operator, "query($to: String){ outbox(to:$to, first: 100){ kind subject body } }", json!({"to": to}))
        .await;
    let mut v: Vec<(String, String, String)> = d["outbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap().to_string(),
                m["subject"].as_str().unwrap().to_string(),
                m["body"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.reverse();
    v
}

async fn kinds(t: &TestApp, to: &str, kind: &str) -> Vec<(String, String)> {
    mails(t, to).await.into_iter().filter(|m| m.0 == kind).map(|m| (m.1, m.2)).collect()
}

async fn audit_actions(t: &TestApp, who: &As, field: &str, id: &str) -> Vec<(String, Value)> {
    let q = format!(
        "query($id: ID!){{ {field}(id:$id){{ auditLog(first: 50){{ edges{{ node{{ action actor{{ email }} before after }} }} }} }} }}"
    );
    let d = t.ok(who, &q, json!({"id": id})).await;
    d[field]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["action"].as_str().unwrap().to_string(), e["node"].clone()))
        .collect()
}

/// A standard partner user added by the partner admin, optionally time-boxed.
async fn added(w: &World<'_>, c: &Managed, local: &str, expires: Option<DateTime<Utc>>) -> (W, Value) {
    let set = w.permission_set(&c.partner, &c.admin.who, &format!("Set {local}"), &["CONTACTS_VIEW"]).await;
    let worker = w.worker(&c.partner, local, "STANDARD", &[], "EMPLOYEE", None).await;
    let mut i = json!({"partnerAccountId": c.partner, "clientAccountId": c.client, "workerIds": [worker.id],
        "permissionSetId": set});
    if let Some(e) = expires {
        i["expiresAt"] = json!(iso(e));
    }
    let p =
        w.t.payload(
            &c.admin.who,
            "mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){
                memberships{ id status expiresAt } userErrors{ code field message } } }",
            json!({ "i": i }),
        )
        .await;
    (worker, p)
}

#[tokio::test]
async fn time_boxed_access_is_warned_a_week_before_and_ends_by_itself() {
    // R39, R36, R38
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let ends = t.now() + Duration::days(10);
    let (temp, p) = added(&w, &c, "temp", Some(ends)).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = p["memberships"][0].clone();
    assert_eq!(at(&m["expiresAt"]), ends);

    // Seven days before: one email to the worker, never twice.
    set_clock(&t, ends - Duration::days(7) + Duration::hours(1)).await;
    set_clock(&t, ends - Duration::days(6)).await;
    let warned = kinds(&t, &temp.email, "membership.expiring").await;
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].1.contains("Client") && warned[0].1.contains("Agency"), "names the accounts: {warned:?}");

    // At the end: deactivated by the system, assets kept, audited without actor.
    set_clock(&t, ends + Duration::minutes(1)).await;
    let node = t
        .ok(
            &As::Operator,
            "query($id: ID!){ node(id:$id){ ... on Membership { status expiresAt } } }",
            json!({"id": m["id"]}),
        )
        .await;
    assert_eq!(node["node"]["status"], json!("DEACTIVATED"));
    let log = audit_actions(&t, &c.owner.who, "clientAccount", &c.client).await;
    let (_, expired) =
        log.iter().find(|(a, _)| a == "membership.expired").expect("membership.expired in the client's log");
    assert!(expired["actor"].is_null(), "the system acted: {expired}");
    assert_eq!(expired["after"]["status"], json!("DEACTIVATED"));
    // R38: the client's super admin is told, naming partner and worker.
    let notices = kinds(&t, &c.owner.email, "offboarding.notice").await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].1.contains(&temp.email) && notices[0].1.contains("Agency"), "{notices:?}");
    // R27: the partner admin is still active there: the relationship stays.
    assert_eq!(w.partner_client(&c.partner_client, &c.admin.who).await["status"], json!("ACTIVE"));
    set_clock(&t, ends + Duration::days(1)).await;
    assert_eq!(kinds(&t, &c.owner.email, "offboarding.notice").await.len(), 1, "never twice");
}

#[tokio::test]
async fn an_expiry_lies_ahead_at_most_730_days_and_only_a_partner_admin_sets_it_for_partner_users() {
    // R39, R34, R12
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let now = t.now();
    for bad in [now - Duration::hours(1), now + Duration::days(731)] {
        let (_, p) = added(&w, &c, &format!("w{}", bad.timestamp()), Some(bad)).await;
        assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "{p}");
    }
    let (_, p) = added(&w, &c, "later", None).await;
    let m = p["memberships"][0]["id"].as_str().unwrap().to_string();
    assert!(p["memberships"][0]["expiresAt"].is_null());

    let set = |id: &str, e: Option<DateTime<Utc>>| json!({"membershipId": id, "expiresAt": e.map(iso)});
    let p = t.payload(&c.admin.who, SET_EXPIRY, json!({"i": set(&m, Some(now + Duration::days(30)))})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(at(&p["membership"]["expiresAt"]), now + Duration::days(30));
    let p = t.payload(&c.admin.who, SET_EXPIRY, json!({"i": set(&m, None)})).await;
    assert!(p["membership"]["expiresAt"].is_null(), "null clears it: {p}");
    let p = t.payload(&c.admin.who, SET_EXPIRY, json!({"i": set(&m, Some(now + Duration::days(800)))})).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"]);

    // Only partner users have one: not the client's own super admin.
    let owner_m = w.membership_of(&c.client, &c.owner.email, &c.owner.who).await;
    let p = t.payload(&c.admin.who, SET_EXPIRY, json!({"i": set(&owner_m, Some(now + Duration::days(3)))})).await;
    assert_eq!(user_error_codes(&p), vec!["INVALID_INPUT"], "{p}");
    // A client super admin is no partner admin (R12).
    let r = t.exec(&c.owner.who, SET_EXPIRY, json!({"i": set(&m, Some(now + Duration::days(3)))})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    // Someone who cannot see the client gets NOT_FOUND (R33).
    let outsider = World::new(&t).managed_client().await;
    let p = t.payload(&outsider.admin.who, SET_EXPIRY, json!({"i": set(&m, Some(now + Duration::days(3)))})).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_FOUND"], "{p}");
    let log = audit_actions(&t, &c.admin.who, "partnerAccount", &c.partner).await;
    assert_eq!(log.iter().filter(|(a, _)| a == "membership.expiry_changed").count(), 2);
}

async fn ending(t: &TestApp, c: &Managed) -> DateTime<Utc> {
    let p = t
        .payload(&c.admin.who, REMOVE_ALL, json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}))
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["partnerClient"]["status"], json!("ENDING"));
    at(&p["partnerClient"]["endsAt"])
}

#[tokio::test]
async fn cam_users_are_warned_30_7_and_1_days_before_the_end_once_each_then_both_sides_are_told() {
    // R37, R36
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let ends = ending(&t, &c).await;
    for (days, expected) in [(30, 1), (7, 2), (7, 2), (1, 3)] {
        set_clock(&t, ends - Duration::days(days) + Duration::hours(1)).await;
        let warnings = kinds(&t, &c.admin.email, "relationship.ending_warning").await;
        assert_eq!(warnings.len(), expected, "{days} days before: {warnings:?}");
        let left = if days == 1 { "1 day".to_string() } else { format!("{days} days") };
        assert!(warnings.last().unwrap().0.contains(&left), "{warnings:?}");
    }
    assert_eq!(w.partner_client(&c.partner_client, &c.admin.who).await["status"], json!("ENDING"));
    set_clock(&t, ends + Duration::minutes(1)).await;
    assert_eq!(kinds(&t, &c.admin.email, "relationship.ended").await.len(), 1);
    let told = kinds(&t, &c.owner.email, "relationship.ended").await;
    assert_eq!(told.len(), 1, "the client's super admin is told");
    assert!(told[0].1.contains("Agency"), "{told:?}");
    for (who, field, id) in [(&c.admin.who, "partnerAccount", &c.partner), (&c.owner.who, "clientAccount", &c.client)] {
        let log = audit_actions(&t, who, field, id).await;
        let ended: Vec<_> = log.iter().filter(|(a, _)| a == "relationship.ended").collect();
        assert_eq!(ended.len(), 1, "{field}'s log: {log:?}");
        assert!(ended[0].1["actor"].is_null());
    }
    set_clock(&t, ends + Duration::days(3)).await;
    assert_eq!(kinds(&t, &c.admin.email, "relationship.ended").await.len(), 1, "never twice");
    assert_eq!(kinds(&t, &c.admin.email, "relationship.ending_warning").await.len(), 3);
}

#[tokio::test]
async fn a_jump_past_several_thresholds_sends_only_the_latest_warning() {
    // R37
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let ends = ending(&t, &c).await;
    set_clock(&t, ends - Duration::hours(12)).await;
    let warnings = kinds(&t, &c.admin.email, "relationship.ending_warning").await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].0.contains("1 day"), "{warnings:?}");
}

#[tokio::test]
async fn new_activity_cancels_the_remaining_warnings() {
    // R37, R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let ends = ending(&t, &c).await;
    set_clock(&t, ends - Duration::days(30) + Duration::hours(1)).await;
    assert_eq!(kinds(&t, &c.admin.email, "relationship.ending_warning").await.len(), 1);
    let p = t
        .payload(
            &As::Operator,
            "mutation($i: RecordPartnerActivityInput!){ recordPartnerActivity(input:$i){ partnerClient{ endsAt } userErrors{ code } } }",
            json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}),
        )
        .await;
    assert!(at(&p["partnerClient"]["endsAt"]) > ends, "{p}");
    set_clock(&t, ends - Duration::hours(1)).await;
    assert_eq!(kinds(&t, &c.admin.email, "relationship.ending_warning").await.len(), 1, "the old period's are gone");
    assert_eq!(w.partner_client(&c.partner_client, &c.admin.who).await["status"], json!("ENDING"));
}

#[tokio::test]
async fn two_sweeps_at_once_do_each_piece_of_work_once() {
    // R36: claimed in the transaction that records it.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let ends = ending(&t, &c).await;
    t.advance(ends - t.now() + Duration::minutes(1));
    let (a, b) = tokio::join!(t.app.cam.schedule.sweep(), t.app.cam.schedule.sweep());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.ended + b.ended, 1, "{a:?} {b:?}");
    assert_eq!(kinds(&t, &c.admin.email, "relationship.ended").await.len(), 1);
    assert_eq!(kinds(&t, &c.owner.email, "relationship.ended").await.len(), 1);
}

#[tokio::test]
async fn the_partners_offboarding_notice_names_partner_users_and_assets_and_the_clients_own_changes_send_none() {
    // R38
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let (leaver, _) = added(&w, &c, "leaver", None).await;
    let (stayer, p) = added(&w, &c, "stayer", None).await;
    let stayer_m = p["memberships"][0]["id"].as_str().unwrap().to_string();
    let a = t
        .payload(
            &As::Operator,
            "mutation($i: CreateAssetInput!){ createAsset(input:$i){ asset{ id } userErrors{ code } } }",
            json!({"i": {"clientAccountId": c.client, "ownerUserId": leaver.user_id, "kind": "DEAL", "name": "Big"}}),
        )
        .await;
    assert!(user_error_codes(&a).is_empty(), "{a}");
    let p = t
        .payload(
            &c.admin.who,
            "mutation($i: RemoveWorkerFromClientsInput!){ removeWorkerFromClients(input:$i){ removedMemberships userErrors{ code } } }",
            json!({"i": {"workerId": leaver.id}}),
        )
        .await;
    assert_eq!(p["removedMemberships"], json!(1), "{p}");
    let notices = kinds(&t, &c.owner.email, "offboarding.notice").await;
    assert_eq!(notices.len(), 1, "one per request and client: {notices:?}");
    let body = &notices[0].1;
    assert!(body.contains("Agency") && body.contains(&leaver.email) && body.contains("removed"), "{body}");
    assert!(body.contains("0 reassigned") && body.contains("1 left without an owner"), "{body}");

    // The client's own super admin deactivating a partner user: no notice.
    let p = t
        .payload(
            &c.owner.who,
            "mutation($i: SetMemberStatusInput!){ deactivateMemberships(input:$i){ userErrors{ code } } }",
            json!({"i": {"membershipIds": [stayer_m]}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(kinds(&t, &c.owner.email, "offboarding.notice").await.len(), 1);
    assert!(!stayer.email.is_empty());

    // The partner deactivating its worker everywhere: one more notice.
    let (third, _) = added(&w, &c, "third", None).await;
    let p = t
        .payload(
            &c.admin.who,
            "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){ userErrors{ code } } }",
            json!({"i": {"workerId": third.id}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let notices = kinds(&t, &c.owner.email, "offboarding.notice").await;
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[1].1.contains("deactivated"), "{notices:?}");
}
