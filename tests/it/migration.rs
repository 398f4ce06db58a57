//! Migrating a super admin to partner admin: R29–R31 (with R5 eligibility).

use cam_tests::*;
use serde_json::{json, Value};

const MIGRATE: &str = "mutation($i: ChangeToPartnerAdminInput!){ changeToPartnerAdmin(input:$i){
    membership{ id role seat status permissions managedCredit partner{ id } permissionSet{ builtIn } }
    userErrors{ code field message } } }";

/// A partner with a CAM super admin, and a client with its own super admin.
struct Setup {
    partner: String,
    boss: W,
    client: String,
    owner: W,
}

async fn setup(w: &World<'_>) -> Setup {
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    Setup { partner, boss, client, owner }
}

/// A worker of `partner` (on its verified domain unless `domain` is given)
/// who is a super admin of `client`; returns the worker and the client
/// membership's id.
async fn super_admin_worker(
    w: &World<'_>,
    partner: &str,
    client: &str,
    local: &str,
    domain: Option<&str>,
) -> (W, String) {
    let worker = w.worker(partner, local, "STANDARD", &[], "EMPLOYEE", domain).await;
    let m = w.member(client, &worker.user_id, json!({"role": "SUPER_ADMIN", "seat": "CORE"})).await;
    assert!(user_error_codes(&m).is_empty(), "{m}");
    (worker, m["membership"]["id"].as_str().unwrap().to_string())
}

async fn migrate(t: &TestApp, who: &As, client: &str, membership: Option<&str>, keep_billing: Option<bool>) -> Value {
    let mut i = json!({ "clientAccountId": client });
    if let Some(m) = membership {
        i["membershipId"] = json!(m);
    }
    if let Some(k) = keep_billing {
        i["keepBillingPermissions"] = json!(k);
    }
    t.payload(who, MIGRATE, json!({ "i": i })).await
}

async fn membership(t: &TestApp, id: &str) -> Value {
    t.ok(
        &As::Operator,
        "query($id: ID!){ node(id:$id){ ... on Membership { role seat status partner{ id } } } }",
        json!({ "id": id }),
    )
    .await["node"]
        .clone()
}

async fn super_admin_count(t: &TestApp, client: &str) -> i64 {
    t.ok(&As::Operator, "query($id: ID!){ clientAccount(id:$id){ superAdminCount } }", json!({ "id": client })).await
        ["clientAccount"]["superAdminCount"]
        .as_i64()
        .unwrap()
}

/// The partner's Clients tab, as its CAM super admin sees it.
async fn clients_tab(t: &TestApp, partner: &str, boss: &W) -> Vec<Value> {
    let d = t
        .ok(
            &boss.who,
            "query($id: ID!){ partnerAccount(id:$id){ clients{ edges{ node{
                id client{ id } status accessTypes lastQualifyingActivityAt activePartnerUserCount } } } } }",
            json!({ "id": partner }),
        )
        .await;
    d["partnerAccount"]["clients"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

#[tokio::test]
async fn a_super_admin_worker_changes_themselves_to_partner_admin() {
    // R29, R5, R20
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = setup(&w).await;
    let (sam, sam_m) = super_admin_worker(&w, &s.partner, &s.client, "sam", None).await;
    assert_eq!(super_admin_count(&t, &s.client).await, 2);

    let p = migrate(&t, &sam.who, &s.client, None, None).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = &p["membership"];
    assert_eq!(m["id"], json!(sam_m), "the same membership");
    assert_eq!((m["role"].as_str(), m["seat"].as_str()), (Some("PARTNER_ADMIN"), Some("PARTNER")));
    assert_eq!(m["partner"]["id"], json!(s.partner));
    assert_eq!(m["managedCredit"], json!(true));
    let perms = strs(&m["permissions"]);
    for excluded in PA_EXCLUDED {
        assert!(!perms.contains(&excluded.to_string()), "{excluded} kept");
    }
    assert_eq!(perms.len(), 25 - 7, "{perms:?}");
    assert_eq!(super_admin_count(&t, &s.client).await, 1);

    // The managed relationship exists and is active.
    let rows = clients_tab(&t, &s.partner, &s.boss).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["client"]["id"], json!(s.client));
    assert_eq!(rows[0]["status"], json!("ACTIVE"));
    assert_eq!(rows[0]["accessTypes"], json!(["PARTNER_ADMIN"]));
    let last = chrono::DateTime::parse_from_rfc3339(rows[0]["lastQualifyingActivityAt"].as_str().unwrap()).unwrap();
    assert_eq!(last, t.now(), "the migration is qualifying activity");

    // Sam now acts as a partner admin there (R12).
    let set = w.permission_set(&s.partner, &s.boss.who, "Std", &["CONTACTS_VIEW"]).await;
    let carl = w.worker(&s.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let added = w.add_workers(&s.partner, &s.client, &[&carl.id], &set, &sam.who).await;
    assert!(user_error_codes(&added).is_empty(), "{added}");
}

#[tokio::test]
async fn billing_permissions_are_kept_only_when_asked() {
    // R29, R20
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = setup(&w).await;
    let other = w.client("Other").await;
    w.client_admin(&other, "owner-other").await;
    let sam = w.worker(&s.partner, "sam", "STANDARD", &[], "EMPLOYEE", None).await;
    for c in [&s.client, &other] {
        let m = w.member(c, &sam.user_id, json!({"role": "SUPER_ADMIN"})).await;
        assert!(user_error_codes(&m).is_empty(), "{m}");
    }

    let kept = migrate(&t, &sam.who, &s.client, None, Some(true)).await;
    assert!(user_error_codes(&kept).is_empty(), "{kept}");
    let perms = strs(&kept["membership"]["permissions"]);
    assert!(perms.contains(&"BILLING_VIEW".to_string()) && perms.contains(&"BILLING_EDIT".to_string()), "{perms:?}");
    for excluded in PA_EXCLUDED.iter().filter(|p| !p.starts_with("BILLING")) {
        assert!(!perms.contains(&excluded.to_string()), "{excluded} kept");
    }
    assert_eq!(kept["membership"]["role"], json!("PARTNER_ADMIN"));

    let lost = migrate(&t, &sam.who, &other, None, Some(false)).await;
    assert!(user_error_codes(&lost).is_empty(), "{lost}");
    let perms = strs(&lost["membership"]["permissions"]);
    assert!(!perms.contains(&"BILLING_VIEW".to_string()) && !perms.contains(&"BILLING_EDIT".to_string()), "{perms:?}");
    assert_eq!(lost["membership"]["role"], json!("PARTNER_ADMIN"));
}

#[tokio::test]
async fn the_only_super_admin_cannot_change_to_partner_admin() {
    // R29, R31, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let client = w.client("Solo").await;
    let (sam, sam_m) = super_admin_worker(&w, &partner, &client, "sam", None).await;
    assert_eq!(super_admin_count(&t, &client).await, 1);

    let p = migrate(&t, &sam.who, &client, None, Some(true)).await;
    assert_eq!(user_error_codes(&p), vec!["LAST_SUPER_ADMIN"], "{p}");
    assert_eq!(p["membership"], json!(null));
    assert_eq!(super_admin_count(&t, &client).await, 1);
    let m = membership(&t, &sam_m).await;
    assert_eq!(
        (m["role"].as_str(), m["seat"].as_str(), &m["partner"]),
        (Some("SUPER_ADMIN"), Some("CORE"), &json!(null))
    );
    assert!(clients_tab(&t, &partner, &boss).await.is_empty(), "no relationship was created");
}

#[tokio::test]
async fn an_ineligible_worker_cannot_change_to_partner_admin() {
    // R29, R5
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = setup(&w).await;
    // Unverified email domain.
    let (dev, dev_m) = super_admin_worker(&w, &s.partner, &s.client, "dev", Some("freelance.io")).await;
    let p = migrate(&t, &dev.who, &s.client, None, None).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{p}");
    assert_eq!(membership(&t, &dev_m).await["role"], json!("SUPER_ADMIN"));
    // A worker of an app partner (R2).
    let app = w.partner_with("APP_PARTNER", &[w.domain("apps")]).await;
    let (ann, ann_m) = super_admin_worker(&w, &app, &s.client, "ann", Some(&w.domain("apps"))).await;
    let p = migrate(&t, &ann.who, &s.client, None, None).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{p}");
    assert_eq!(membership(&t, &ann_m).await["role"], json!("SUPER_ADMIN"));
    // No partner's worker at all.
    let p = migrate(&t, &s.owner.who, &s.client, None, None).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{p}");
    assert_eq!(super_admin_count(&t, &s.client).await, 3);
    assert!(clients_tab(&t, &s.partner, &s.boss).await.is_empty());
}

#[tokio::test]
async fn a_member_who_is_not_super_admin_cannot_change_to_partner_admin() {
    // R29
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = setup(&w).await;
    let sam = w.worker(&s.partner, "sam", "STANDARD", &[], "EMPLOYEE", None).await;
    let m = w.member(&s.client, &sam.user_id, json!({"role": "STANDARD", "permissions": ["CONTACTS_VIEW"]})).await;
    let p = migrate(&t, &sam.who, &s.client, None, None).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_SUPER_ADMIN"], "{p}");
    let after = membership(&t, m["membership"]["id"].as_str().unwrap()).await;
    assert_eq!((after["role"].as_str(), after["seat"].as_str()), (Some("STANDARD"), Some("CORE")));
}

#[tokio::test]
async fn a_partner_admin_changes_another_super_admin_of_the_same_partner() {
    // R30, R31
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = setup(&w).await;
    let (sam, _) = super_admin_worker(&w, &s.partner, &s.client, "sam", None).await;
    let (_tom, tom_m) = super_admin_worker(&w, &s.partner, &s.client, "tom", None).await;
    let p = migrate(&t, &sam.who, &s.client, None, None).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(super_admin_count(&t, &s.client).await, 2);

    let p = migrate(&t, &sam.who, &s.client, Some(&tom_m), Some(true)).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let m = &p["membership"];
    assert_eq!(m["id"], json!(tom_m));
    assert_eq!((m["role"].as_str(), m["seat"].as_str()), (Some("PARTNER_ADMIN"), Some("PARTNER")));
    assert_eq!(m["partner"]["id"], json!(s.partner));
    assert!(strs(&m["permissions"]).contains(&"BILLING_EDIT".to_string()));
    assert_eq!(super_admin_count(&t, &s.client).await, 1);
    let rows = clients_tab(&t, &s.partner, &s.boss).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["activePartnerUserCount"], json!(2));
}

#[tokio::test]
async fn a_partner_admin_cannot_change_a_super_admin_who_is_not_a_worker_of_their_partner() {
    // R30, R5
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = setup(&w).await;
    let (sam, _) = super_admin_worker(&w, &s.partner, &s.client, "sam", None).await;
    // A worker of another partner, eligible there.
    let other = w.partner_with("PROVIDER", &[w.domain("other")]).await;
    let (_vic, vic_m) = super_admin_worker(&w, &other, &s.client, "vic", Some(&w.domain("other"))).await;
    // Two other super admins remain whichever is asked: only R30 can refuse.
    w.client_admin(&s.client, "second").await;
    let p = migrate(&t, &sam.who, &s.client, None, None).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let count = super_admin_count(&t, &s.client).await;

    let p = migrate(&t, &sam.who, &s.client, Some(&s.owner.id), None).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{p}");
    let p = migrate(&t, &sam.who, &s.client, Some(&vic_m), None).await;
    assert_eq!(user_error_codes(&p), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{p}");
    assert_eq!(membership(&t, &vic_m).await["role"], json!("SUPER_ADMIN"));
    assert_eq!(membership(&t, &s.owner.id).await["role"], json!("SUPER_ADMIN"));
    assert_eq!(super_admin_count(&t, &s.client).await, count);
}

#[tokio::test]
async fn only_a_partner_admin_changes_someone_else() {
    // R30
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = setup(&w).await;
    let (_sam, sam_m) = super_admin_worker(&w, &s.partner, &s.client, "sam", None).await;
    let (tom, tom_m) = super_admin_worker(&w, &s.partner, &s.client, "tom", None).await;
    let q = w.worker(&s.partner, "quinn", "STANDARD", &[], "EMPLOYEE", None).await;
    w.member(&s.client, &q.user_id, json!({"role": "STANDARD", "permissions": ["USERS_ADD_EDIT"]})).await;

    // A super admin who is not (yet) a partner admin.
    let r = t.exec(&tom.who, MIGRATE, json!({"i": {"clientAccountId": s.client, "membershipId": sam_m}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    // A standard member.
    let r = t.exec(&q.who, MIGRATE, json!({"i": {"clientAccountId": s.client, "membershipId": sam_m}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    // The client's own super admin.
    let r = t.exec(&s.owner.who, MIGRATE, json!({"i": {"clientAccountId": s.client, "membershipId": tom_m}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(membership(&t, &sam_m).await["role"], json!("SUPER_ADMIN"));
    assert_eq!(membership(&t, &tom_m).await["role"], json!("SUPER_ADMIN"));
    assert_eq!(super_admin_count(&t, &s.client).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_self_migrations_of_the_last_two_super_admins_leave_one() {
    // R31
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let sam = w.worker(&partner, "sam", "STANDARD", &[], "EMPLOYEE", None).await;
    let tom = w.worker(&partner, "tom", "STANDARD", &[], "EMPLOYEE", None).await;
    for round in 0..20 {
        let client = w.client(&format!("Race {round}")).await;
        for u in [&sam, &tom] {
            let m = w.member(&client, &u.user_id, json!({"role": "SUPER_ADMIN"})).await;
            assert!(user_error_codes(&m).is_empty(), "{m}");
        }
        let vars = json!({"i": {"clientAccountId": client}});
        let (a, b) = tokio::join!(t.exec(&sam.who, MIGRATE, vars.clone()), t.exec(&tom.who, MIGRATE, vars.clone()));
        let mut outcomes: Vec<String> = [&a, &b]
            .iter()
            .map(|r| {
                assert!(r.get("errors").is_none(), "round {round}: top-level error {r}");
                let p = &r["data"]["changeToPartnerAdmin"];
                match user_error_codes(p).as_slice() {
                    [] => {
                        assert_eq!(p["membership"]["role"], json!("PARTNER_ADMIN"), "round {round}: {p}");
                        "MIGRATED".to_string()
                    }
                    [code] => code.clone(),
                    _ => panic!("round {round}: {p}"),
                }
            })
            .collect();
        outcomes.sort();
        assert_eq!(outcomes, vec!["LAST_SUPER_ADMIN", "MIGRATED"], "round {round}: {a} / {b}");
        assert_eq!(super_admin_count(&t, &client).await, 1, "round {round}");
    }
}

#[tokio::test]
async fn a_partner_admin_cannot_change_the_last_super_admin() {
    // R30, R31
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let client = w.client("Pair").await;
    let (sam, _) = super_admin_worker(&w, &partner, &client, "sam", None).await;
    let (_tom, tom_m) = super_admin_worker(&w, &partner, &client, "tom", None).await;
    let p = migrate(&t, &sam.who, &client, None, None).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");

    let p = migrate(&t, &sam.who, &client, Some(&tom_m), None).await;
    assert_eq!(user_error_codes(&p), vec!["LAST_SUPER_ADMIN"], "{p}");
    assert_eq!(membership(&t, &tom_m).await["role"], json!("SUPER_ADMIN"));
    assert_eq!(super_admin_count(&t, &client).await, 1);
}

#[tokio::test]
async fn the_migration_revives_an_ended_relationship() {
    // R29, R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let p = t
        .payload(
            &c.admin.who,
            "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){ userErrors{ code } } }",
            json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    t.advance(chrono::Duration::days(61));
    assert_eq!(w.partner_client(&c.partner_client, &As::Operator).await["status"], json!("ENDED"));

    let (sam, _) = super_admin_worker(&w, &c.partner, &c.client, "sam", None).await;
    let p = migrate(&t, &sam.who, &c.client, None, None).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let pc = w.partner_client(&c.partner_client, &As::Operator).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_eq!(pc["endsAt"], json!(null));
    assert_eq!(pc["accessTypes"], json!(["PARTNER_ADMIN"]));
    let last = chrono::DateTime::parse_from_rfc3339(pc["lastQualifyingActivityAt"].as_str().unwrap()).unwrap();
    assert_eq!(last, t.now());
    let started = chrono::DateTime::parse_from_rfc3339(pc["startedAt"].as_str().unwrap()).unwrap();
    assert_eq!(started, t.now(), "an ended relationship starts anew");
    assert_eq!(clients_tab(&t, &c.partner, &c.admin).await.len(), 1, "the same relationship, revived");
}
