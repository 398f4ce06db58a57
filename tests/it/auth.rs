//! Who may do what: R1 (the Client Access Manager), R2 (tiers), R33
//! (invisible accounts), and the token rules of the contract.

use cam_tests::*;
use serde_json::json;

#[tokio::test]
async fn signed_out_callers_get_unauthenticated_on_protected_fields() {
    let t = TestApp::new().await;
    let r = t.exec(&As::Anonymous, "query($id: ID!){ partnerAccount(id:$id){ name } }", json!({"id": "x"})).await;
    assert_eq!(error_codes(&r), vec!["UNAUTHENTICATED"]);
    let r = t.exec(&As::Anonymous, "{ viewer { user { email } } now }", json!({})).await;
    assert_eq!(r["data"]["viewer"], json!(null), "viewer is null when signed out");
    assert!(r["data"]["now"].is_string());
}

#[tokio::test]
async fn cam_needs_an_active_super_admin_or_both_management_permissions() {
    // R1
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let plain = w.worker(&partner, "plain", "STANDARD", &[], "EMPLOYEE", None).await;
    let view = w.worker(&partner, "view", "STANDARD", &["PARTNER_EMPLOYEE_MANAGEMENT_VIEW"], "EMPLOYEE", None).await;
    let edit = w.worker(&partner, "edit", "STANDARD", &["PARTNER_EMPLOYEE_MANAGEMENT_EDIT"], "EMPLOYEE", None).await;
    let both = w
        .worker(
            &partner,
            "both",
            "STANDARD",
            &["PARTNER_EMPLOYEE_MANAGEMENT_VIEW", "PARTNER_EMPLOYEE_MANAGEMENT_EDIT"],
            "EMPLOYEE",
            None,
        )
        .await;
    let boss = w.boss(&partner).await;
    let q = "query($id: ID!){ partnerAccount(id:$id){ canManageAccess } }";
    for (who, expected) in [(&plain, false), (&view, false), (&edit, false), (&both, true), (&boss, true)] {
        let d = t.ok(&who.who, q, json!({"id": partner})).await;
        assert_eq!(d["partnerAccount"]["canManageAccess"], json!(expected), "{}", who.email);
    }
    let m = "mutation($i: CreateAccessLinkInput!){ createAccessLink(input:$i){ token } }";
    let r = t.exec(&view.who, m, json!({"i": {"partnerAccountId": partner}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"]);
    let r = t
        .exec(
            &plain.who,
            "query($id: ID!){ partnerAccount(id:$id){ employees{ totalCount } } }",
            json!({"id": partner}),
        )
        .await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(t.count("access_links").await, 0);
}

#[tokio::test]
async fn app_partners_get_no_access_links() {
    // R2
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner_with("APP_PARTNER", &[w.domain("agency")]).await;
    let boss = w.boss(&partner).await;
    let link = w.access_link(&partner, &boss.who, None).await;
    assert_eq!(user_error_codes(&link), vec!["PARTNER_TIER_NOT_ALLOWED"]);
    assert_eq!(link["token"], json!(null));
    let d = t
        .ok(
            &boss.who,
            "query($id: ID!){ node(id:$id){ ... on Worker { partnerSeatEligible emailDomainVerified } } }",
            json!({"id": boss.id}),
        )
        .await;
    assert_eq!(d["node"], json!({"partnerSeatEligible": false, "emailDomainVerified": true}));
}

#[tokio::test]
async fn accounts_and_objects_of_others_are_not_found_never_forbidden() {
    // R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let other = w.partner_with("SOLUTIONS_PARTNER", &[w.domain("other")]).await;
    let spy = w.worker(&other, "spy", "SUPER_ADMIN", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    let d = t
        .ok(
            &spy.who,
            "query($a: ID!, $b: ID!){ partnerAccount(id:$a){ name } clientAccount(id:$b){ name } }",
            json!({"a": c.partner, "b": c.client}),
        )
        .await;
    assert_eq!(d, json!({"partnerAccount": null, "clientAccount": null}));
    for id in [&c.admin_membership, &c.partner_client, &c.admin.id, &c.owner.user_id, &c.partner, &c.client] {
        let d = t.ok(&spy.who, "query($id: ID!){ node(id:$id){ id } }", json!({"id": id})).await;
        assert_eq!(d["node"], json!(null), "{id} leaked");
    }
    // Mutations on invisible objects answer NOT_FOUND, not FORBIDDEN.
    let link = w.access_link(&c.partner, &spy.who, None).await;
    assert_eq!(user_error_codes(&link), vec!["NOT_FOUND"]);
}

#[tokio::test]
async fn malformed_and_foreign_kind_ids_are_not_found() {
    // R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let d = t
        .ok(
            &c.admin.who,
            "query($a: ID!, $b: ID!){ partnerAccount(id:$a){ id } node(id:$b){ id } }",
            json!({"a": c.client, "b": "%%%"}),
        )
        .await;
    assert_eq!(d, json!({"partnerAccount": null, "node": null}));
}

#[tokio::test]
async fn a_mutation_refuses_malformed_ids_at_their_field_and_changes_nothing() {
    // R34: input is checked before storage; garbage is INVALID_INPUT and an
    // id of another type NOT_FOUND (R33), each at its field and index.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let p = t
        .payload(
            &c.owner.who,
            "mutation($i: SetMemberStatusInput!){ deactivateMemberships(input:$i){ memberships{ id } userErrors{ code field } } }",
            json!({"i": {"membershipIds": [c.admin_membership, "%%%", c.client]}}),
        )
        .await;
    assert_eq!(
        p["userErrors"],
        json!([
            {"code": "INVALID_INPUT", "field": ["input", "membershipIds", "1"]},
            {"code": "NOT_FOUND", "field": ["input", "membershipIds", "2"]},
        ]),
        "{p}"
    );
    assert_eq!(t.count("memberships WHERE status = 'DEACTIVATED'").await, 0, "nothing changed");
    let p = t
        .payload(
            &c.owner.who,
            "mutation($i: ChangeToPartnerAdminInput!){ changeToPartnerAdmin(input:$i){ userErrors{ code field } } }",
            json!({"i": {"clientAccountId": "bm90LWFuLWlk"}}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([{"code": "INVALID_INPUT", "field": ["input", "clientAccountId"]}]), "{p}");
}

#[tokio::test]
async fn the_viewer_sees_their_accounts() {
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let d = t
        .ok(&c.admin.who, "{ viewer { user { email } partnerAccounts { id } clientAccounts { id name } } }", json!({}))
        .await;
    assert_eq!(d["viewer"]["user"]["email"], json!(c.admin.email));
    assert_eq!(d["viewer"]["partnerAccounts"], json!([{"id": c.partner}]));
    assert_eq!(d["viewer"]["clientAccounts"][0]["id"], json!(c.client));
}

#[tokio::test]
async fn operator_mutations_are_refused_to_users_and_user_mutations_to_the_operator() {
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let r = t
        .exec(
            &c.admin.who,
            "mutation{ createUser(input:{email:\"x@y.com\", name:\"X\"}){ userErrors{ code } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"]);
    let r = t.exec(&c.admin.who, "{ outbox { to } }", json!({})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"]);
    let r = t
        .exec(
            &As::Operator,
            "mutation($i: CreateAccessLinkInput!){ createAccessLink(input:$i){ token } }",
            json!({"i": {"partnerAccountId": c.partner}}),
        )
        .await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"]);
}

#[tokio::test]
async fn the_operator_reads_every_object() {
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let d = t
        .ok(
            &As::Operator,
            "query($id: ID!){ node(id:$id){ ... on Membership { role } } }",
            json!({"id": c.admin_membership}),
        )
        .await;
    assert_eq!(d["node"]["role"], json!("PARTNER_ADMIN"));
}

#[tokio::test]
async fn the_clock_can_be_set_only_in_test_clock_mode_and_only_by_the_operator() {
    // R35
    let set = "mutation($i: SetTestClockInput!){ setTestClock(input:$i){ now userErrors{ code } } }";
    let later = json!({"i": {"now": "2027-01-01T00:00:00Z"}});
    let off = TestApp::with_settings(|s| s.test_clock = false).await;
    let before = off.now();
    let p = off.payload(&As::Operator, set, later.clone()).await;
    assert_eq!(user_error_codes(&p), vec!["TEST_CLOCK_DISABLED"]);
    assert_eq!(off.now(), before);

    let on = TestApp::new().await;
    let w = World::new(&on);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let r = on.exec(&boss.who, set, later.clone()).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"]);
    let p = on.payload(&As::Operator, set, later).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let now = on.ok(&As::Anonymous, "{ now }", json!({})).await;
    assert!(now["now"].as_str().unwrap().starts_with("2027-01-01T00:00:00"), "{now}");
}
