//! R52: a partner proves a domain with a DNS TXT record, looked up in a
//! real DNS server on loopback whose records the tests change between
//! steps; the daily check (R36) under the test clock (R35).

use cam_tests::dns_server::TestDns;
use cam_tests::*;
use serde_json::{json, Value};

const START: &str = "mutation($i: StartDomainVerificationInput!){ startDomainVerification(input:$i){
    domain{ domain status recordName recordValue verifiedAt lastCheckedAt failingSince } userErrors{ code field message } } }";
const CHECK: &str = "mutation($i: CheckDomainVerificationInput!){ checkDomainVerification(input:$i){
    domain{ domain status recordName recordValue verifiedAt lastCheckedAt failingSince } userErrors{ code field message } } }";
const DOMAINS: &str = "query($id: ID!){ partnerAccount(id:$id){ verifiedDomains
    domains{ domain status recordName recordValue verifiedAt lastCheckedAt failingSince } } }";

async fn app_with(dns: &TestDns) -> TestApp {
    let addr = dns.addr;
    TestApp::with_settings(|s| s.dns_resolver = Some(addr)).await
}

async fn start(t: &TestApp, who: &As, partner: &str, domain: &str) -> Value {
    t.payload(who, START, json!({"i": {"partnerAccountId": partner, "domain": domain}})).await
}

async fn check(t: &TestApp, who: &As, partner: &str, domain: &str) -> Value {
    t.payload(who, CHECK, json!({"i": {"partnerAccountId": partner, "domain": domain}})).await
}

async fn partner_domains(t: &TestApp, who: &As, partner: &str) -> Value {
    t.ok(who, DOMAINS, json!({ "id": partner })).await["partnerAccount"].clone()
}

/// Moves the test clock by whole days, one setTestClock (and so one sweep,
/// R36) a day.
async fn days_pass(t: &TestApp, days: i64) {
    for _ in 0..days {
        let now = t.now() + chrono::Duration::days(1);
        let p = t
            .payload(
                &As::Operator,
                "mutation($i: SetTestClockInput!){ setTestClock(input:$i){ now userErrors{ code } } }",
                json!({"i": {"now": now.to_rfc3339()}}),
            )
            .await;
        assert!(user_error_codes(&p).is_empty(), "{p}");
    }
}

async fn mail_kinds(t: &TestApp, to: &str) -> Vec<String> {
    let r = t.ok(&As::Operator, "query($to: String){ outbox(to:$to){ kind } }", json!({ "to": to })).await;
    r["outbox"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap().to_string()).collect()
}

async fn audit_actions(t: &TestApp, who: &As, partner: &str) -> Vec<String> {
    let r = t
        .ok(
            who,
            "query($id: ID!){ partnerAccount(id:$id){ auditLog(first: 100){ nodes{ action } } } }",
            json!({ "id": partner }),
        )
        .await;
    r["partnerAccount"]["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_super_admin_gets_one_txt_record_per_partner_and_domain() {
    // R52
    let dns = TestDns::start().await;
    let t = app_with(&dns).await;
    let w = World::new(&t);
    let partner = w.partner_with("SOLUTIONS_PARTNER", &[]).await;
    let boss = w.boss(&partner).await;
    let domain = w.domain("proof");
    let p = start(&t, &boss.who, &partner, &domain.to_uppercase()).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let d = &p["domain"];
    assert_eq!(d["domain"], json!(domain));
    assert_eq!(d["status"], "PENDING");
    assert_eq!(d["recordName"], json!(format!("_cam-verification.{domain}")));
    let value = d["recordValue"].as_str().unwrap().to_string();
    let random = value.strip_prefix("cam-verification=").expect("the value's prefix");
    assert!(random.len() >= 22, "at least 128 bits in base64url: {value}");
    let again = start(&t, &boss.who, &partner, &domain).await;
    assert_eq!(again["domain"]["recordValue"], json!(value), "the same record when started again");
    let other = w.partner_with("SOLUTIONS_PARTNER", &[]).await;
    let other_boss = w.worker(&other, "otherboss", "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
    let theirs = start(&t, &other_boss.who, &other, &domain).await;
    assert_ne!(theirs["domain"]["recordValue"], json!(value), "one record per partner and domain");
    // Only the partner's super admins see the value.
    let staff = w
        .worker(
            &partner,
            "staff",
            "STANDARD",
            &["PARTNER_EMPLOYEE_MANAGEMENT_VIEW", "PARTNER_EMPLOYEE_MANAGEMENT_EDIT"],
            "EMPLOYEE",
            None,
        )
        .await;
    let seen = partner_domains(&t, &staff.who, &partner).await;
    assert_eq!(seen["domains"][0]["recordValue"], Value::Null, "{seen}");
    assert_eq!(seen["domains"][0]["status"], "PENDING");
    assert_eq!(seen["verifiedDomains"], json!([]), "a pending domain is not verified");
}

#[tokio::test]
async fn only_an_active_super_admin_starts_a_proof_and_r3_still_applies() {
    // R52, R3
    let dns = TestDns::start().await;
    let t = app_with(&dns).await;
    let w = World::new(&t);
    let partner = w.partner_with("SOLUTIONS_PARTNER", &[]).await;
    let boss = w.boss(&partner).await;
    let staff = w
        .worker(
            &partner,
            "staff",
            "STANDARD",
            &["PARTNER_EMPLOYEE_MANAGEMENT_VIEW", "PARTNER_EMPLOYEE_MANAGEMENT_EDIT"],
            "EMPLOYEE",
            None,
        )
        .await;
    let r = t.exec(&staff.who, START, json!({"i": {"partnerAccountId": partner, "domain": w.domain("x")}})).await;
    assert_eq!(error_codes(&r), ["FORBIDDEN"], "{r}");
    let p = start(&t, &boss.who, &partner, "gmail.com").await;
    assert_eq!(user_error_codes(&p), ["INVALID_DOMAIN"], "{p}");
    let held = w.domain("held");
    w.partner_with("SOLUTIONS_PARTNER", std::slice::from_ref(&held)).await;
    let p = start(&t, &boss.who, &partner, &held).await;
    assert_eq!(user_error_codes(&p), ["DOMAIN_TAKEN"], "{p}");
    assert_eq!(partner_domains(&t, &boss.who, &partner).await["domains"], json!([]), "nothing changed");
}

#[tokio::test]
async fn checking_verifies_a_domain_only_when_one_txt_value_matches_exactly() {
    // R52: missing, wrong value, SERVFAIL, then the right value among others.
    let dns = TestDns::start().await;
    let t = app_with(&dns).await;
    let w = World::new(&t);
    let partner = w.partner_with("SOLUTIONS_PARTNER", &[]).await;
    let boss = w.boss(&partner).await;
    let domain = w.domain("proof");
    let value = start(&t, &boss.who, &partner, &domain).await["domain"]["recordValue"].as_str().unwrap().to_string();
    let name = format!("_cam-verification.{domain}");
    let not_proven = |p: &Value| assert_eq!(user_error_codes(p), ["DOMAIN_NOT_PROVEN"], "{p}");
    not_proven(&check(&t, &boss.who, &partner, &domain).await);
    dns.set_txt(&name, &["cam-verification=wrong"]);
    not_proven(&check(&t, &boss.who, &partner, &domain).await);
    dns.set_txt(&name, &[&format!("{value} ")]);
    not_proven(&check(&t, &boss.who, &partner, &domain).await);
    dns.set_txt(&name, &["v=spf1 -all", &value, "google-site-verification=abc"]);
    dns.set_servfail(true);
    not_proven(&check(&t, &boss.who, &partner, &domain).await);
    let shown = partner_domains(&t, &boss.who, &partner).await;
    assert_eq!(shown["domains"][0]["status"], "PENDING", "{shown}");
    assert_eq!(shown["verifiedDomains"], json!([]));
    dns.set_servfail(false);
    let p = check(&t, &boss.who, &partner, &domain).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["domain"]["status"], "VERIFIED");
    assert!(p["domain"]["verifiedAt"].is_string());
    let shown = partner_domains(&t, &boss.who, &partner).await;
    assert_eq!(shown["verifiedDomains"], json!([domain]));
    assert!(audit_actions(&t, &boss.who, &partner).await.contains(&"partner.domain_verified".to_string()));
    assert!(dns.queries() >= 5, "the real DNS server was asked");
}

#[tokio::test]
async fn a_domain_whose_record_is_gone_for_seven_days_lapses_and_partner_seats_are_refused_through_it() {
    // R52, R36, R5: first failure emailed, 7 days of failures lapse the
    // domain, new partner seats refused, seats held kept; each step audited.
    let dns = TestDns::start().await;
    let t = app_with(&dns).await;
    let w = World::new(&t);
    let partner = w.partner_with("SOLUTIONS_PARTNER", &[]).await;
    let boss = w.boss(&partner).await;
    let domain = w.domain("proof");
    let value = start(&t, &boss.who, &partner, &domain).await["domain"]["recordValue"].as_str().unwrap().to_string();
    let name = format!("_cam-verification.{domain}");
    dns.set_txt(&name, &[&value]);
    assert!(user_error_codes(&check(&t, &boss.who, &partner, &domain).await).is_empty());
    // A worker on the proven domain gets the partner seat in a first client.
    let ana = w.worker(&partner, "ana", "STANDARD", &[], "EMPLOYEE", Some(&domain)).await;
    let first = w.client("First").await;
    let owner1 = w.client_admin(&first, "owner1").await;
    let link = w.access_link(&partner, &boss.who, Some(&ana.id)).await["token"].as_str().unwrap().to_string();
    let held = w.approve(&link, &first, &owner1.who).await;
    assert!(user_error_codes(&held).is_empty(), "{held}");
    assert_eq!(held["membership"]["seat"], "PARTNER");
    // The record is there on the first daily check: nothing happens.
    days_pass(&t, 1).await;
    assert_eq!(partner_domains(&t, &boss.who, &partner).await["domains"][0]["status"], "VERIFIED");
    // Removed: the next check fails and tells the super admins once.
    dns.remove(&name);
    days_pass(&t, 1).await;
    let shown = partner_domains(&t, &boss.who, &partner).await;
    assert_eq!(shown["domains"][0]["status"], "FAILING", "{shown}");
    assert!(shown["domains"][0]["failingSince"].is_string());
    assert_eq!(shown["verifiedDomains"], json!([domain]), "still verified while failing");
    assert_eq!(mail_kinds(&t, &boss.email).await.iter().filter(|k| *k == "domain.check_failing").count(), 1);
    days_pass(&t, 6).await;
    assert_eq!(partner_domains(&t, &boss.who, &partner).await["domains"][0]["status"], "FAILING", "six days");
    assert_eq!(mail_kinds(&t, &boss.email).await.iter().filter(|k| *k == "domain.check_failing").count(), 1);
    days_pass(&t, 1).await;
    let shown = partner_domains(&t, &boss.who, &partner).await;
    assert_eq!(shown["domains"][0]["status"], "LAPSED", "{shown}");
    assert_eq!(shown["verifiedDomains"], json!([]));
    assert_eq!(mail_kinds(&t, &boss.email).await.iter().filter(|k| *k == "domain.lapsed").count(), 1);
    // R5: no new partner seat through the lapsed domain; the one held stays.
    let second = w.client("Second").await;
    let owner2 = w.client_admin(&second, "owner2").await;
    let refused = w.approve(&link, &second, &owner2.who).await;
    assert_eq!(user_error_codes(&refused), ["NOT_ELIGIBLE_FOR_PARTNER_SEAT"], "{refused}");
    let kept = t
        .ok(
            &owner1.who,
            "query($id: ID!){ node(id:$id){ ... on Membership { seat } } }",
            json!({"id": held["membership"]["id"]}),
        )
        .await;
    assert_eq!(kept["node"]["seat"], "PARTNER", "{kept}");
    let actions = audit_actions(&t, &boss.who, &partner).await;
    for a in [
        "partner.domain_verification_started",
        "partner.domain_verified",
        "partner.domain_check_failing",
        "partner.domain_lapsed",
    ] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
    // Published again and checked: verified again.
    dns.set_txt(&name, &[&value]);
    assert!(user_error_codes(&check(&t, &boss.who, &partner, &domain).await).is_empty());
    assert_eq!(partner_domains(&t, &boss.who, &partner).await["verifiedDomains"], json!([domain]));
}

#[tokio::test]
async fn resolver_errors_never_count_as_a_failed_check() {
    // R52: SERVFAIL for eight days changes nothing and emails nobody.
    let dns = TestDns::start().await;
    let t = app_with(&dns).await;
    let w = World::new(&t);
    let partner = w.partner_with("SOLUTIONS_PARTNER", &[]).await;
    let boss = w.boss(&partner).await;
    let domain = w.domain("proof");
    let value = start(&t, &boss.who, &partner, &domain).await["domain"]["recordValue"].as_str().unwrap().to_string();
    dns.set_txt(&format!("_cam-verification.{domain}"), &[&value]);
    assert!(user_error_codes(&check(&t, &boss.who, &partner, &domain).await).is_empty());
    dns.set_servfail(true);
    days_pass(&t, 8).await;
    let shown = partner_domains(&t, &boss.who, &partner).await;
    assert_eq!(shown["domains"][0]["status"], "VERIFIED", "{shown}");
    assert_eq!(shown["verifiedDomains"], json!([domain]));
    assert!(mail_kinds(&t, &boss.email).await.iter().all(|k| !k.starts_with("domain.")));
}

#[tokio::test]
async fn a_domain_the_operator_added_is_shown_verified_without_a_record() {
    // R52: addVerifiedDomain stays.
    let dns = TestDns::start().await;
    let t = app_with(&dns).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let shown = partner_domains(&t, &boss.who, &partner).await;
    assert_eq!(shown["domains"][0]["domain"], json!(w.domain("agency")), "{shown}");
    assert_eq!(shown["domains"][0]["status"], "VERIFIED");
    assert_eq!(shown["domains"][0]["recordValue"], Value::Null);
}
