//! The audit log: R32.

use cam_tests::*;
use serde_json::json;

#[tokio::test]
async fn cam_users_read_their_partners_log_and_super_admins_their_clients() {
    // R32
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let partner_log = t
        .ok(&c.admin.who, "query($id: ID!){ partnerAccount(id:$id){ auditLog(first:50){ totalCount edges{ node{ action accountId } } } } }", json!({"id": c.partner}))
        .await;
    let actions: Vec<_> = partner_log["partnerAccount"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap().to_string())
        .collect();
    assert!(actions.contains(&"access_link.created".to_string()), "{actions:?}");
    assert!(actions.contains(&"access_link.approved".to_string()), "{actions:?}");
    assert_eq!(actions[0], "access_link.approved", "newest first");
    // A standard member of the client may not read the client's log.
    let (uid, email) = w.user("plain", &w.domain("client")).await;
    w.member(&c.client, &uid, json!({"role": "STANDARD"})).await;
    let r = t
        .exec(
            &user(&email),
            "query($id: ID!){ clientAccount(id:$id){ auditLog{ totalCount } } }",
            json!({"id": c.client}),
        )
        .await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"]);
}

#[tokio::test]
async fn a_refused_change_writes_no_audit_event() {
    // R32, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let before = t.count("audit_events").await;
    assert_eq!(user_error_codes(&w.add_domain(&partner, "gmail.com").await), vec!["INVALID_DOMAIN"]);
    assert_eq!(t.count("audit_events").await, before);
}
