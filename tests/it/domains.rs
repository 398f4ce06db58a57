//! Partner email domains: R3, R4.

use cam_tests::*;
use serde_json::json;

#[tokio::test]
async fn public_mail_domains_are_never_partner_domains() {
    // R3
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner_with("SOLUTIONS_PARTNER", &[]).await;
    for d in ["gmail.com", "Outlook.com", "yahoo.co.uk", "hotmail.fr"] {
        assert_eq!(user_error_codes(&w.add_domain(&partner, d).await), vec!["INVALID_DOMAIN"], "{d}");
    }
    assert_eq!(user_error_codes(&w.add_domain(&partner, "not a domain").await), vec!["INVALID_DOMAIN"]);
    assert_eq!(t.count("verified_domains").await, 0);
}

#[tokio::test]
async fn a_domain_belongs_to_one_partner_only() {
    // R3
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = w.partner_with("SOLUTIONS_PARTNER", &[]).await;
    let b = w.partner_with("PROVIDER", &[]).await;
    let ok = w.add_domain(&a, "Agency.COM").await;
    assert_eq!(ok["partnerAccount"]["verifiedDomains"], json!(["agency.com"]));
    assert_eq!(user_error_codes(&w.add_domain(&b, "agency.com").await), vec!["DOMAIN_TAKEN"]);
    assert_eq!(user_error_codes(&w.add_domain(&a, "AGENCY.com").await), vec!["ALREADY_EXISTS"]);
}

#[tokio::test]
async fn the_check_mark_is_an_exact_case_insensitive_domain_match() {
    // R4
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner_with("SOLUTIONS_PARTNER", &["agency.com".to_string()]).await;
    let boss = w.worker(&partner, "boss", "SUPER_ADMIN", &[], "EMPLOYEE", Some("AGENCY.com")).await;
    let sub = w.worker(&partner, "sub", "STANDARD", &[], "EMPLOYEE", Some("mail.agency.com")).await;
    let trick = w.worker(&partner, "trick", "STANDARD", &[], "EMPLOYEE", Some("agency.com.evil.io")).await;
    let q = "query($id: ID!){ node(id:$id){ ... on Worker { emailDomainVerified partnerSeatEligible } } }";
    for (wk, expected) in [(&boss, true), (&sub, false), (&trick, false)] {
        let d = t.ok(&boss.who, q, json!({"id": wk.id})).await;
        assert_eq!(d["node"]["emailDomainVerified"], json!(expected), "{}", wk.email);
        assert_eq!(d["node"]["partnerSeatEligible"], json!(expected), "{}", wk.email);
    }
}
