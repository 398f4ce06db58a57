//! Bounded reruns of a use case that the database rolled back because of a
//! deadlock or a serialization failure (`StorageError::Transient`). Every
//! state-changing use case runs through `Cam::retrying`: its transaction is
//! gone, so running the whole use case again (fresh reads, fresh locks) is
//! safe, and usually passes once the other transaction has committed.

use std::future::Future;

use crate::common::error::{Error, Result};

/// How many times a use case runs at most.
pub const ATTEMPTS: u32 = 3;

/// Runs `body` until it succeeds, fails for another reason, or has failed
/// transiently `ATTEMPTS` times (then that last error is returned). No
/// back-off sleep: the domain has no timer, and the transaction that won
/// the conflict has committed or rolled back by the time ours is told.
pub async fn rerun_transient<T, F, Fut>(mut body: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempt = 1;
    loop {
        match body().await {
            Err(Error::Storage(e)) if e.is_transient() && attempt < ATTEMPTS => {
                tracing::info!(attempt, error = %crate::common::error::chain(&e), "running the use case again after a transient storage failure");
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::common::error::{Code, StorageError};

    /// A use case body that fails with `failure` the first `n` times.
    async fn flaky(runs: &Cell<u32>, n: u32, failure: fn() -> Error) -> Result<&'static str> {
        runs.set(runs.get() + 1);
        if runs.get() <= n {
            Err(failure())
        } else {
            Ok("done")
        }
    }

    fn deadlock() -> Error {
        Error::Storage(StorageError::Transient("deadlock detected".into()))
    }

    #[tokio::test]
    async fn a_use_case_that_fails_transiently_once_runs_again_and_succeeds() {
        let runs = Cell::new(0);
        let out = rerun_transient(|| flaky(&runs, 1, deadlock)).await;
        assert_eq!(out.unwrap(), "done");
        assert_eq!(runs.get(), 2);
    }

    #[tokio::test]
    async fn reruns_are_bounded_and_the_last_transient_error_is_returned() {
        let runs = Cell::new(0);
        let out = rerun_transient(|| flaky(&runs, 10, deadlock)).await;
        assert!(matches!(out, Err(Error::Storage(StorageError::Transient(_)))));
        assert_eq!(runs.get(), ATTEMPTS);
    }

    #[tokio::test]
    async fn refusals_and_other_failures_are_not_rerun() {
        for failure in [
            (|| Error::refused(Code::NotFound, "no")) as fn() -> Error,
            || Error::forbidden("no"),
            || Error::Storage(StorageError::Unavailable("pool timed out".into())),
            || Error::Storage(StorageError::Other("broken".into())),
            || Error::Storage(StorageError::Conflict("unique".into())),
        ] {
            let runs = Cell::new(0);
            assert!(rerun_transient(|| flaky(&runs, 1, failure)).await.is_err());
            assert_eq!(runs.get(), 1);
        }
    }
}
