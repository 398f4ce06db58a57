//! No use case needs two connections at once: with every connection of the
//! pool held by a transaction, a use case that asked the pool for a second
//! one (to check a worker's email domain, R4, R5) would wait for itself.

use std::time::Duration;

use cam_tests::*;
use futures::future::join_all;
use serde_json::json;

/// More concurrent requests than the pool has connections.
const CONCURRENT: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn more_concurrent_seat_checks_than_pool_connections_all_succeed() {
    // R5, R8, R10: create and approve checks the partner seat inside the transaction.
    let t = TestApp::with_pool(2, Duration::from_secs(3)).await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let mut workers = Vec::new();
    let mut clients = Vec::new();
    for i in 0..CONCURRENT {
        workers.push(w.worker(&partner, &format!("worker{i}"), "STANDARD", &[], "EMPLOYEE", None).await);
        let client = w.client(&format!("Client {i}")).await;
        let owner = w.client_admin(&client, &format!("owner{i}")).await;
        clients.push((client, owner));
    }

    let links = join_all(workers.iter().map(|wk| w.access_link(&partner, &boss.who, Some(&wk.id)))).await;
    for l in &links {
        assert_eq!(user_error_codes(l), Vec::<String>::new(), "{l}");
    }
    let approvals = join_all(
        links
            .iter()
            .zip(&clients)
            .map(|(l, (client, owner))| w.approve(l["token"].as_str().unwrap(), client, &owner.who)),
    )
    .await;

    for a in &approvals {
        assert_eq!(user_error_codes(a), Vec::<String>::new(), "{a}");
        assert_eq!(a["membership"]["role"], json!("PARTNER_ADMIN"), "{a}");
        assert_eq!(a["membership"]["seat"], json!("PARTNER"), "{a}");
    }
}
