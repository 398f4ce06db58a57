//! Every time the server stores comes from its clock (R35): under the test
//! clock, the rows a use case writes carry the clock's time, never the
//! machine's, so that what an operator reads in the database agrees with
//! the audit log and the sweeps.

use cam_tests::*;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// Every value of `column` in `table`.
async fn times(t: &TestApp, table: &str, column: &str) -> Vec<DateTime<Utc>> {
    t.rows(&format!("SELECT {column} AS at FROM {table}"))
        .await
        .iter()
        .map(|r| r.try_get::<DateTime<Utc>>("", "at").unwrap())
        .collect()
}

#[tokio::test]
async fn every_time_a_write_stores_is_the_clocks() {
    // R35
    let t = TestApp::new().await;
    // Far from the machine's own date, so that a time taken from it shows.
    t.advance(Duration::days(-400));
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let set = w.permission_set(&partner, &boss.who, "Editors", &["CONTACTS_VIEW"]).await;
    let p = t
        .payload(
            &boss.who,
            "mutation($i: UpdatePermissionSetInput!){ updatePermissionSet(input:$i){ userErrors{ code } } }",
            json!({"i": {"permissionSetId": set, "permissions": ["CONTACTS_VIEW", "CONTACTS_EDIT"]}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    w.asset(&client, &owner.user_id, "Lead").await;
    let (uid, _) = w.user("standard", &w.domain("client")).await;
    let m =
        w.member(&client, &uid, json!({"role": "STANDARD", "seat": "CORE", "permissions": ["CONTACTS_VIEW"]})).await;
    let p = t
        .payload(
            &owner.who,
            "mutation($i: ChangeMemberPermissionsInput!){ changeMemberPermissions(input:$i){ userErrors{ code } } }",
            json!({"i": {"membershipId": m["membership"]["id"], "grant": ["CONTACTS_EDIT"]}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let worker = w.worker(&partner, "ana", "STANDARD", &[], "EMPLOYEE", None).await;
    let p = t
        .payload(
            &boss.who,
            "mutation($i: DeactivateWorkerInput!){ deactivateWorker(input:$i){ userErrors{ code } } }",
            json!({"i": {"workerId": worker.id}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");

    let now = t.now();
    for (table, column) in [
        ("accounts", "created_at"),
        ("users", "created_at"),
        ("verified_domains", "created_at"),
        ("assets", "created_at"),
        ("permission_sets", "created_at"),
        ("permission_sets", "updated_at"),
        ("memberships", "created_at"),
        ("memberships", "updated_at"),
    ] {
        let stored = times(&t, table, column).await;
        assert!(!stored.is_empty(), "{table} has rows");
        assert!(stored.iter().all(|at| *at == now), "{table}.{column}: {stored:?}, the clock says {now}");
    }
}
