//! Requests racing each other inside one server: no update is lost (every
//! read-modify-write of a membership happens under its account's lock) and
//! a worker never has two live access links (R8).

use cam_api::graphql::ids::{decode, Kind};
use cam_domain::access_link::model::NewAccessLink;
use cam_domain::store::Store;
use cam_domain::{AccountId, MembershipId, StorageError};
use cam_tests::*;
use futures::future::join_all;
use serde_json::json;

const ROUNDS: usize = 8;

fn raw(kind: Kind, id: &str) -> i64 {
    decode(kind, id).expect("an id of this kind")
}

async fn live_links(t: &TestApp, worker: i64) -> i64 {
    let rows = t
        .rows(&format!("SELECT COUNT(*) AS n FROM access_links WHERE worker_id = {worker} AND revoked_at IS NULL"))
        .await;
    rows[0].try_get::<i64>("", "n").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn links_created_at_once_for_one_worker_leave_exactly_one_live_link() {
    // R8: creating a link revokes the previous one, also under races.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let ana = w.worker(&partner, "ana", "STANDARD", &[], "EMPLOYEE", None).await;
    for round in 0..ROUNDS {
        let links = join_all((0..4).map(|_| w.access_link(&partner, &boss.who, Some(&ana.id)))).await;
        for l in &links {
            assert_eq!(user_error_codes(l), Vec::<String>::new(), "round {round}: {l}");
        }
        assert_eq!(live_links(&t, raw(Kind::Worker, &ana.id)).await, 1, "round {round}");
    }
}

#[tokio::test]
async fn the_database_refuses_a_second_live_link_for_a_worker() {
    // R8: the unique index behind the lock.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.worker(&partner, "ana", "STANDARD", &[], "EMPLOYEE", None).await;
    let new = |hash: &str| NewAccessLink {
        partner_id: AccountId::new(raw(Kind::PartnerAccount, &partner)),
        worker_id: MembershipId::new(raw(Kind::Worker, &ana.id)),
        created_by: None,
        token_hash: hash.to_string(),
        created_at: t.now(),
        expires_at: t.now() + chrono::Duration::days(1),
    };
    let tx = t.app.store.begin().await.unwrap();
    tx.insert_link(new("first")).await.unwrap();
    let second = tx.insert_link(new("second")).await;
    assert!(matches!(second, Err(StorageError::Conflict(_))), "{second:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn linking_a_worker_while_their_permissions_change_loses_neither_change() {
    // R14, R15: both writes of one membership survive, whichever runs first.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Deals", &["DEALS_VIEW"]).await;
    let basic = w.permission_set(&c.partner, &c.admin.who, "Basic", &["CONTACTS_VIEW"]).await;
    let elsewhere = w.domain("elsewhere");
    for round in 0..ROUNDS {
        // A partner user without domain verification: no managed credit yet (R14).
        let carl = w.worker(&c.partner, &format!("carl{round}"), "STANDARD", &[], "EMPLOYEE", Some(&elsewhere)).await;
        let added = w.add_workers(&c.partner, &c.client, &[&carl.id], &basic, &c.admin.who).await;
        let m = added["memberships"][0]["id"].as_str().unwrap().to_string();
        assert_eq!(added["memberships"][0]["managedCredit"], json!(false), "{added}");

        let (linked, changed) = tokio::join!(
            t.exec(
                &c.admin.who,
                "mutation($i: LinkWorkerToClientsInput!){ linkWorkerToClients(input:$i){ userErrors{ code } } }",
                json!({"i": {"workerId": carl.id, "clientAccountIds": [c.client]}}),
            ),
            t.exec(
                &c.admin.who,
                "mutation($i: ChangePermissionSetInput!){ changePermissionSet(input:$i){ userErrors{ code } } }",
                json!({"i": {"membershipId": m, "permissionSetId": set}}),
            ),
        );
        assert!(linked.get("errors").is_none() && changed.get("errors").is_none(), "{linked} {changed}");

        let now = t
            .ok(
                &As::Operator,
                "query($id: ID!){ node(id:$id){ ... on Membership { managedCredit permissions permissionSet{ id } } } }",
                json!({"id": m}),
            )
            .await;
        assert_eq!(now["node"]["managedCredit"], json!(true), "round {round}: the link was lost: {now}");
        assert_eq!(now["node"]["permissionSet"]["id"], json!(set), "round {round}: the change was lost: {now}");
        assert_eq!(now["node"]["permissions"], json!(["DEALS_VIEW"]), "round {round}: {now}");
    }
}
