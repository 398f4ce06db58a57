//! The access link: R8–R11, R20, R35.

use cam_tests::*;
use chrono::Duration;
use serde_json::json;

const PREVIEW: &str = "query($t: String!){ accessLinkPreview(token:$t){ partnerName partnerTier workerName workerEmail expiresAt problem } }";

#[tokio::test]
async fn approving_makes_the_worker_partner_admin_with_partner_seat_and_the_built_in_permissions() {
    // R10, R20
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let link = w.access_link(&partner, &ana.who, None).await;
    let ap = w.approve(link["token"].as_str().unwrap(), &client, &owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    let m = &ap["membership"];
    assert_eq!(
        (m["role"].as_str(), m["seat"].as_str(), m["status"].as_str()),
        (Some("PARTNER_ADMIN"), Some("PARTNER"), Some("ACTIVE"))
    );
    assert_eq!(m["partner"]["id"], json!(partner));
    assert_eq!(m["managedCredit"], json!(true));
    assert_eq!(m["permissionSet"]["builtIn"], json!(true));
    let perms = strs(&m["permissions"]);
    assert_eq!(perms.len(), 25 - 7);
    for excluded in PA_EXCLUDED {
        assert!(!perms.contains(&excluded.to_string()), "{excluded}");
    }
    assert_eq!(ap["partnerClient"]["status"], json!("ACTIVE"));
    assert_eq!(ap["partnerClient"]["accessTypes"], json!(["PARTNER_ADMIN"]));
}

#[tokio::test]
async fn approval_queues_an_email_to_the_worker_and_writes_an_audit_event() {
    // R10, R32
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let mails = t
        .ok(
            &As::Operator,
            "query($to: String){ outbox(to:$to){ to subject body } }",
            json!({"to": c.admin.email.to_uppercase()}),
        )
        .await;
    let mails = mails["outbox"].as_array().unwrap();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0]["subject"].as_str().unwrap().contains("approved"));
    let log = t
        .ok(&c.owner.who, "query($id: ID!){ clientAccount(id:$id){ auditLog(first:10){ edges{ node{ action actor{ email } subject{ email } before after } } } } }", json!({"id": c.client}))
        .await;
    let events = log["clientAccount"]["auditLog"]["edges"].as_array().unwrap();
    let approved = events.iter().find(|e| e["node"]["action"] == "access_link.approved").expect("approval event");
    assert_eq!(approved["node"]["actor"]["email"], json!(c.owner.email));
    assert_eq!(approved["node"]["subject"]["email"], json!(c.admin.email));
    assert_eq!(approved["node"]["after"]["role"], json!("PARTNER_ADMIN"));
}

#[tokio::test]
async fn the_token_is_shown_once_and_only_its_hash_is_stored() {
    // R8
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let link = w.access_link(&partner, &ana.who, None).await;
    let token = link["token"].as_str().unwrap();
    assert!(token.len() >= 22, "at least 128 bits");
    assert_eq!(link["url"], json!(format!("https://cam.test/access/{token}")));
    let rows = t.rows("SELECT token_hash FROM access_links").await;
    assert_eq!(rows.len(), 1);
    let stored: String = rows[0].try_get("", "token_hash").unwrap();
    assert_ne!(stored, token);
    assert!(!stored.contains(token));
    // The link read back never shows a token.
    let r = t
        .exec(
            &ana.who,
            "query($id: ID!){ node(id:$id){ ... on AccessLink { token } } }",
            json!({"id": link["accessLink"]["id"]}),
        )
        .await;
    assert!(!r["errors"].as_array().unwrap().is_empty(), "AccessLink has no token field: {r}");
}

#[tokio::test]
async fn links_expire_after_the_configured_days_by_the_clock_port() {
    // R8, R35
    let t = TestApp::with_settings(|s| s.link_ttl_days = 7).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let link = w.access_link(&partner, &ana.who, None).await;
    let token = link["token"].as_str().unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(link["accessLink"]["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(expires, t.now() + Duration::days(7));
    t.advance(Duration::days(7));
    let ap = w.approve(token, &client, &owner.who).await;
    assert_eq!(user_error_codes(&ap), vec!["LINK_EXPIRED"]);
    let prev = t.ok(&As::Anonymous, PREVIEW, json!({"t": token})).await;
    assert_eq!(prev["accessLinkPreview"]["problem"], json!("LINK_EXPIRED"));
    assert_eq!(t.count("memberships WHERE role = 'PARTNER_ADMIN'").await, 0, "a refused approval changes nothing");
}

#[tokio::test]
async fn a_new_link_revokes_the_previous_one() {
    // R8
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let first = w.access_link(&partner, &ana.who, None).await;
    let second = w.access_link(&partner, &ana.who, None).await;
    assert_eq!(
        user_error_codes(&w.approve(first["token"].as_str().unwrap(), &client, &owner.who).await),
        vec!["LINK_REVOKED"]
    );
    assert!(user_error_codes(&w.approve(second["token"].as_str().unwrap(), &client, &owner.who).await).is_empty());
}

#[tokio::test]
async fn a_revoked_link_is_refused_and_previews_its_problem() {
    // R10, R9
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let link = w.access_link(&partner, &ana.who, None).await;
    let rv = t
        .payload(&ana.who, "mutation($i: RevokeAccessLinkInput!){ revokeAccessLink(input:$i){ accessLink{ revokedAt } userErrors{ code } } }", json!({"i": {"accessLinkId": link["accessLink"]["id"]}}))
        .await;
    assert!(rv["accessLink"]["revokedAt"].is_string(), "{rv}");
    let token = link["token"].as_str().unwrap();
    assert_eq!(user_error_codes(&w.approve(token, &client, &owner.who).await), vec!["LINK_REVOKED"]);
    let prev = t.ok(&As::Anonymous, PREVIEW, json!({"t": token})).await;
    assert_eq!(prev["accessLinkPreview"]["problem"], json!("LINK_REVOKED"));
}

#[tokio::test]
async fn an_unknown_token_is_not_found_and_previews_as_null() {
    // R10, R9
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let ap = w.approve("no-such-token", &client, &owner.who).await;
    assert_eq!(user_error_codes(&ap), vec!["NOT_FOUND"]);
    assert_eq!(ap["userErrors"][0]["field"], json!(["input", "token"]));
    assert_eq!(t.ok(&As::Anonymous, PREVIEW, json!({"t": "no-such-token"})).await["accessLinkPreview"], json!(null));
}

#[tokio::test]
async fn anyone_with_the_token_sees_the_preview_and_nothing_else() {
    // R9
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let link = w.access_link(&partner, &ana.who, None).await;
    let prev = t.ok(&As::Anonymous, PREVIEW, json!({"t": link["token"]})).await["accessLinkPreview"].clone();
    assert_eq!(prev["workerEmail"], json!(ana.email));
    assert_eq!(prev["workerName"], json!("boss"));
    assert_eq!(prev["partnerTier"], json!("SOLUTIONS_PARTNER"));
    assert_eq!(prev["problem"], json!(null));
    // Signed out, the rest of the graph stays closed.
    let r =
        t.exec(&As::Anonymous, "query($id: ID!){ node(id:$id){ id } }", json!({"id": link["accessLink"]["id"]})).await;
    assert_eq!(error_codes(&r), vec!["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn a_link_is_approved_once_per_client_and_by_many_clients() {
    // R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let (a, b) = (w.client("A").await, w.client("B").await);
    let (oa, ob) = (w.client_admin(&a, "owner-a").await, w.client_admin(&b, "owner-b").await);
    let token = w.access_link(&partner, &ana.who, None).await["token"].as_str().unwrap().to_string();
    assert!(user_error_codes(&w.approve(&token, &a, &oa.who).await).is_empty());
    assert!(user_error_codes(&w.approve(&token, &b, &ob.who).await).is_empty());
    assert_eq!(user_error_codes(&w.approve(&token, &a, &oa.who).await), vec!["ALREADY_APPROVED"]);
    assert_eq!(t.count("memberships WHERE role = 'PARTNER_ADMIN'").await, 2);
}

#[tokio::test]
async fn an_approver_needs_super_admin_or_users_add_edit() {
    // R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let (plain_id, plain) = w.user("plain", &w.domain("client")).await;
    w.member(&client, &plain_id, json!({"role": "STANDARD", "permissions": ["CONTACTS_VIEW"]})).await;
    let (mgr_id, mgr) = w.user("mgr", &w.domain("client")).await;
    w.member(&client, &mgr_id, json!({"role": "STANDARD", "permissions": ["USERS_ADD_EDIT"]})).await;
    let token = w.access_link(&partner, &ana.who, None).await["token"].as_str().unwrap().to_string();
    let r = t
        .exec(
            &user(&plain),
            "mutation($i: ApproveAccessLinkInput!){ approveAccessLink(input:$i){ userErrors{ code } } }",
            json!({"i": {"token": token, "clientAccountId": client}}),
        )
        .await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"]);
    assert_eq!(t.count("access_link_approvals").await, 0);
    assert!(user_error_codes(&w.approve(&token, &client, &user(&mgr)).await).is_empty());
}

#[tokio::test]
async fn the_approval_page_offers_only_the_accounts_where_the_viewer_may_approve() {
    // R10: the page's account list (viewer.approvableClientAccounts) keeps
    // the accounts where the member is an active super admin or holds
    // USERS_ADD_EDIT, and leaves out the others.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (owned, managed, plain) = (w.client("Owned").await, w.client("Managed").await, w.client("Plain").await);
    let (id, email) = w.user("olivia", &w.domain("client")).await;
    w.member(&owned, &id, json!({"role": "SUPER_ADMIN", "seat": "CORE"})).await;
    w.member(&managed, &id, json!({"role": "STANDARD", "permissions": ["USERS_ADD_EDIT"]})).await;
    w.member(&plain, &id, json!({"role": "STANDARD", "permissions": ["CONTACTS_VIEW"]})).await;
    let v =
        t.ok(&user(&email), "{ viewer { clientAccounts { id } approvableClientAccounts { id } } }", json!({})).await;
    let ids = |f: &str| {
        let mut v: Vec<String> =
            v["viewer"][f].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
        v.sort();
        v
    };
    let mut all = vec![owned.clone(), managed.clone(), plain.clone()];
    all.sort();
    let mut approvable = vec![owned, managed];
    approvable.sort();
    assert_eq!(ids("clientAccounts"), all);
    assert_eq!(ids("approvableClientAccounts"), approvable, "not the account where she only views contacts");
}

#[tokio::test]
async fn a_membership_is_created_at_the_clock_ports_time() {
    // R35: the membership a client approves shows the time of the clock
    // port (here a test clock at t0, then moved), not the machine's clock.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    t.advance(chrono::Duration::days(3));
    let token = w.access_link(&partner, &ana.who, None).await["token"].as_str().unwrap().to_string();
    let approved = w.approve(&token, &client, &owner.who).await;
    let id = approved["membership"]["id"].as_str().unwrap().to_string();
    let m =
        t.ok(&owner.who, "query($id: ID!){ node(id:$id){ ... on Membership { createdAt } } }", json!({"id": id})).await;
    let expected = (t0() + chrono::Duration::days(3)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    assert_eq!(m["node"]["createdAt"], json!(expected), "{m}");
}

#[tokio::test]
async fn someone_outside_the_client_cannot_approve_for_it() {
    // R10, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    w.client_admin(&client, "owner").await;
    let token = w.access_link(&partner, &ana.who, None).await["token"].as_str().unwrap().to_string();
    // The worker tries to approve their own link for a client they are not in.
    let ap = w.approve(&token, &client, &ana.who).await;
    assert_eq!(user_error_codes(&ap), vec!["NOT_FOUND"]);
    assert_eq!(ap["userErrors"][0]["field"], json!(["input", "clientAccountId"]));
}

#[tokio::test]
async fn a_worker_who_is_super_admin_of_the_client_is_refused() {
    // R11
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    w.member(&client, &ana.user_id, json!({"role": "SUPER_ADMIN"})).await;
    let token = w.access_link(&partner, &ana.who, None).await["token"].as_str().unwrap().to_string();
    assert_eq!(user_error_codes(&w.approve(&token, &client, &owner.who).await), vec!["ALREADY_SUPER_ADMIN"]);
}

#[tokio::test]
async fn a_standard_member_is_upgraded_in_place() {
    // R11
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let before = w.member(&client, &ana.user_id, json!({"role": "STANDARD", "permissions": ["BILLING_VIEW"]})).await;
    let token = w.access_link(&partner, &ana.who, None).await["token"].as_str().unwrap().to_string();
    let ap = w.approve(&token, &client, &owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    assert_eq!(ap["membership"]["id"], before["membership"]["id"], "the same membership");
    assert_eq!(ap["membership"]["role"], json!("PARTNER_ADMIN"));
    assert!(
        strs(&ap["membership"]["permissions"]).contains(&"BILLING_VIEW".to_string()),
        "a super admin's grant stays"
    );
    assert_eq!(t.count("memberships").await, 3, "no second membership");
}

#[tokio::test]
async fn links_are_refused_for_ineligible_workers() {
    // R8, R5
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let outsider = w.worker(&partner, "dev", "STANDARD", &[], "CONTRACTOR", Some("freelance.io")).await;
    let link = w.access_link(&partner, &ana.who, Some(&outsider.id)).await;
    assert_eq!(user_error_codes(&link), vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"]);
    assert_eq!(link["token"], json!(null));
    assert_eq!(t.count("access_links").await, 0);
}

#[tokio::test]
async fn a_cam_user_creates_a_link_on_behalf_of_another_worker_of_the_partner_only() {
    // R8, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    let carl = w.worker(&partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let link = w.access_link(&partner, &ana.who, Some(&carl.id)).await;
    assert!(user_error_codes(&link).is_empty(), "{link}");
    let prev = t.ok(&As::Anonymous, PREVIEW, json!({"t": link["token"]})).await;
    assert_eq!(prev["accessLinkPreview"]["workerEmail"], json!(carl.email));
    let other = w.partner_with("PROVIDER", &[w.domain("other")]).await;
    let stranger = w.worker(&other, "x", "STANDARD", &[], "EMPLOYEE", Some(&w.domain("other"))).await;
    let refused = w.access_link(&partner, &ana.who, Some(&stranger.id)).await;
    assert_eq!(user_error_codes(&refused), vec!["NOT_FOUND"]);
}

#[tokio::test]
async fn a_deactivated_worker_cannot_be_approved() {
    // R5, R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let carl = w.worker(&c.partner, "carl", "STANDARD", &[], "EMPLOYEE", None).await;
    let token = w.access_link(&c.partner, &c.admin.who, Some(&carl.id)).await["token"].as_str().unwrap().to_string();
    let d = t
        .payload(
            &c.admin.who,
            "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){ userErrors{ code } } }",
            json!({"i": {"workerId": carl.id}}),
        )
        .await;
    assert!(user_error_codes(&d).is_empty(), "{d}");
    assert_eq!(
        user_error_codes(&w.approve(&token, &c.client, &c.owner.who).await),
        vec!["NOT_ELIGIBLE_FOR_PARTNER_SEAT"]
    );
}

#[tokio::test]
async fn approving_after_the_relationship_ended_starts_it_anew() {
    // R10, R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let started = w.partner_client(&c.partner_client, &c.admin.who).await["startedAt"].clone();
    let removed = t
        .payload(&c.admin.who, "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){ removedMemberships userErrors{ code } } }", json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}))
        .await;
    assert_eq!(removed["removedMemberships"], json!(1), "{removed}");
    t.advance(Duration::days(61));
    assert_eq!(w.partner_client(&c.partner_client, &c.admin.who).await["status"], json!("ENDED"));
    let token = w.access_link(&c.partner, &c.admin.who, None).await["token"].as_str().unwrap().to_string();
    let ap = w.approve(&token, &c.client, &c.owner.who).await;
    assert!(user_error_codes(&ap).is_empty(), "{ap}");
    let pc = w.partner_client(&c.partner_client, &c.admin.who).await;
    assert_eq!(pc["status"], json!("ACTIVE"));
    assert_ne!(pc["startedAt"], started, "an ended relationship starts anew");
    assert_eq!(pc["startedAt"], pc["lastQualifyingActivityAt"]);
}
