//! The one transaction runner (`Store::transaction`, issue 26), on the real
//! database: a body that a deadlock or a serialization failure rolled back
//! runs again in a new transaction and only what its last run wrote is
//! kept; reruns are bounded; a refusal is never rerun and leaves nothing.

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Arc;

use cam_adapters::storage::SeaOrmStore;
use cam_domain::store::{body, Store};
use cam_domain::user::model::Email;
use cam_domain::{Code, Error, StorageError};
use cam_tests::*;

async fn store(db: &TestDb) -> Arc<dyn Store> {
    let store = SeaOrmStore::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    Arc::new(store)
}

fn email(run: u32) -> Email {
    Email::parse(&format!("run{run}@client.test")).expect("an email")
}

fn deadlock() -> Error {
    Error::Storage(StorageError::Transient("deadlock detected".into()))
}

/// Runs a body that writes a user named after its run, then fails with
/// `fails(run)` or succeeds; returns the outcome and the number of runs.
async fn run(store: &dyn Store, fails: fn(u32) -> Option<Error>) -> (Result<String, Error>, u32) {
    let runs = AtomicU32::new(0);
    let runs_ref = &runs;
    let outcome = store
        .transaction(|tx| {
            body(async move {
                let run = runs_ref.fetch_add(1, SeqCst) + 1;
                let u = tx.insert_user(&email(run), "Run", t0()).await?;
                match fails(run) {
                    Some(e) => Err(e),
                    None => Ok(u.email.as_str().to_string()),
                }
            })
        })
        .await;
    (outcome, runs.load(SeqCst))
}

async fn kept(store: &dyn Store, run: u32) -> bool {
    store.find_user_by_email(&email(run)).await.expect("read").is_some()
}

#[tokio::test]
async fn a_body_rolled_back_by_a_deadlock_runs_again_and_only_its_last_run_is_kept() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let (outcome, runs) = run(store.as_ref(), |run| (run == 1).then(deadlock)).await;
    assert_eq!(outcome.expect("the second run succeeds"), "run2@client.test");
    assert_eq!(runs, 2);
    assert!(!kept(store.as_ref(), 1).await, "the first run's write was rolled back");
    assert!(kept(store.as_ref(), 2).await, "the second run's write was committed");
}

#[tokio::test]
async fn a_body_that_keeps_failing_transiently_runs_three_times_and_leaves_nothing() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let (outcome, runs) = run(store.as_ref(), |_| Some(deadlock())).await;
    assert!(matches!(outcome, Err(Error::Storage(StorageError::Transient(_)))), "{outcome:?}");
    assert_eq!(runs, 3);
    for run in 1..=3 {
        assert!(!kept(store.as_ref(), run).await, "run {run} was rolled back");
    }
}

#[tokio::test]
async fn a_refused_body_runs_once_and_changes_nothing() {
    let db = TestDb::new().await;
    let store = store(&db).await;
    let (outcome, runs) = run(store.as_ref(), |_| Some(Error::refused(Code::NotAllowed, "no"))).await;
    assert!(matches!(outcome, Err(Error::Refused(_))), "{outcome:?}");
    assert_eq!(runs, 1);
    assert!(!kept(store.as_ref(), 1).await);
}
