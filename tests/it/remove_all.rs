//! R49: removing all partner users of a client skips those who are super
//! admins there and lists them, gives the assets to one chosen member, and
//! is open to a partner admin of that client as well as to CAM users (R28).

use cam_tests::*;
use serde_json::{json, Value};

const REMOVE_ALL: &str = "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){
    removedMemberships reassignedAssets unassignedAssets skippedSuperAdmins{ id role user{ email } }
    partnerClient{ status } userErrors{ code field message } } }";

async fn owner_of(t: &TestApp, asset: &str) -> Option<String> {
    let d = t
        .ok(
            &As::Operator,
            "query($id: ID!){ node(id:$id){ ... on Asset { id owner{ email } } } }",
            json!({ "id": asset }),
        )
        .await;
    assert_eq!(d["node"]["id"], json!(asset), "the asset still exists");
    d["node"]["owner"]["email"].as_str().map(String::from)
}

async fn remove_all(t: &TestApp, who: &As, c: &Managed, to: Option<&str>) -> Value {
    t.payload(
        who,
        REMOVE_ALL,
        json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client, "reassignToUserId": to}}),
    )
    .await
}

/// The managed client with a standard employee and a contractor who is a
/// super admin there, linked to the partner (a partner user who is super
/// admin); each partner user owns an asset.
struct Scene {
    c: Managed,
    emp: W,
    sal: W,
    sal_membership: String,
    assets: Vec<String>,
}

async fn scene(w: &World<'_>) -> Scene {
    let t = w.t;
    let c = w.managed_client().await;
    let emp = w.worker(&c.partner, "emp", "STANDARD", &[], "EMPLOYEE", None).await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Basic", &["CONTACTS_VIEW"]).await;
    assert!(user_error_codes(&w.add_workers(&c.partner, &c.client, &[&emp.id], &set, &c.admin.who).await).is_empty());
    let sal = w.worker(&c.partner, "sal", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let m = w.member(&c.client, &sal.user_id, json!({"role": "SUPER_ADMIN", "seat": "CORE"})).await;
    let sal_membership = m["membership"]["id"].as_str().unwrap().to_string();
    let linked = t
        .payload(
            &c.admin.who,
            "mutation($i: LinkWorkerToClientsInput!){ linkWorkerToClients(input:$i){ userErrors{ code } } }",
            json!({"i": {"workerId": sal.id, "clientAccountIds": [c.client]}}),
        )
        .await;
    assert!(user_error_codes(&linked).is_empty(), "{linked}");
    let assets = vec![
        w.asset(&c.client, &emp.user_id, "Emp's").await,
        w.asset(&c.client, &c.admin.user_id, "Admin's").await,
        w.asset(&c.client, &sal.user_id, "Sal's").await,
    ];
    Scene { c, emp, sal, sal_membership, assets }
}

#[tokio::test]
async fn super_admins_are_skipped_and_listed_and_the_assets_go_to_the_chosen_member() {
    // R49, R25, R26, R27, R32
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;

    let p = remove_all(&t, &s.c.admin.who, &s.c, Some(&s.c.owner.user_id)).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(
        (&p["removedMemberships"], &p["reassignedAssets"], &p["unassignedAssets"]),
        (&json!(2), &json!(2), &json!(0))
    );
    assert_eq!(
        p["skippedSuperAdmins"],
        json!([{"id": s.sal_membership, "role": "SUPER_ADMIN", "user": {"email": s.sal.email}}])
    );
    assert_eq!(p["partnerClient"]["status"], json!("ACTIVE"), "the super admin still represents the partner");
    assert_eq!(owner_of(&t, &s.assets[0]).await, Some(s.c.owner.email.clone()));
    assert_eq!(owner_of(&t, &s.assets[1]).await, Some(s.c.owner.email.clone()));
    assert_eq!(owner_of(&t, &s.assets[2]).await, Some(s.sal.email.clone()), "a skipped super admin keeps their assets");
    let members = t
        .ok(
            &s.c.owner.who,
            "query($id: ID!){ clientAccount(id:$id){ members{ edges{ node{ user{ email } } } } } }",
            json!({"id": s.c.client}),
        )
        .await;
    let mut emails: Vec<String> = members["clientAccount"]["members"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["user"]["email"].as_str().unwrap().to_string())
        .collect();
    emails.sort();
    let mut want = vec![s.c.owner.email.clone(), s.sal.email.clone()];
    want.sort();
    assert_eq!(emails, want);
    let events = "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'membership.removed'";
    assert_eq!(t.rows(events).await[0].try_get::<i64>("", "n").unwrap(), 2);
    let _ = &s.emp;
}

#[tokio::test]
async fn a_partner_admin_of_the_client_who_is_no_cam_user_may_remove_all() {
    // R49, R28, R1
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    // Pam is a plain worker of the partner (no CAM) and a partner admin of the client.
    let pam = w.worker(&s.c.partner, "pam", "STANDARD", &[], "EMPLOYEE", None).await;
    let link = w.access_link(&s.c.partner, &s.c.admin.who, Some(&pam.id)).await;
    assert!(user_error_codes(&w.approve(link["token"].as_str().unwrap(), &s.c.client, &s.c.owner.who).await).is_empty());
    let before = t.count("memberships").await;

    // A standard partner user there may not.
    let refused = t
        .exec(&s.emp.who, REMOVE_ALL, json!({"i": {"partnerAccountId": s.c.partner, "clientAccountId": s.c.client}}))
        .await;
    assert_eq!(error_codes(&refused), vec!["FORBIDDEN"], "{refused}");
    assert_eq!(t.count("memberships").await, before);

    let p = remove_all(&t, &pam.who, &s.c, None).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!((&p["removedMemberships"], &p["unassignedAssets"]), (&json!(3), &json!(2)));
    assert_eq!(owner_of(&t, &s.assets[0]).await, None);
}

#[tokio::test]
async fn assets_go_only_to_an_active_member_who_stays() {
    // R49, R25, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let (stranger, _) = w.user("stranger", &w.domain("client")).await;
    let before = t.count("memberships").await;

    for to in [&s.emp.user_id, &stranger] {
        let p = remove_all(&t, &s.c.admin.who, &s.c, Some(to)).await;
        assert_eq!(user_error_codes(&p), vec!["NOT_A_MEMBER"], "{p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "reassignToUserId"]));
    }
    assert_eq!(t.count("memberships").await, before, "nothing was removed");
    assert_eq!(owner_of(&t, &s.assets[0]).await, Some(s.emp.email.clone()));

    // The super admin who stays may receive them.
    let p = remove_all(&t, &s.c.admin.who, &s.c, Some(&s.sal.user_id)).await;
    assert_eq!(p["reassignedAssets"], json!(2), "{p}");
    assert_eq!(owner_of(&t, &s.assets[0]).await, Some(s.sal.email.clone()));
}
