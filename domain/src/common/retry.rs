//! Bounded reruns of a use case that the database rolled back because of a
//! deadlock or a serialization failure (`StorageError::Transient`). Every
//! state-changing use case runs in `Store::transaction`, which asks
//! `Attempts` whether to run it again: its transaction is gone, so running
//! the whole body again (fresh reads, fresh locks) is safe, and usually
//! passes once the other transaction has committed.

use crate::common::error::{chain, Error};

/// How many times a use case runs at most.
pub const ATTEMPTS: u32 = 3;

/// The runs of one use case so far.
#[derive(Debug)]
pub struct Attempts(u32);

impl Default for Attempts {
    fn default() -> Self {
        Self(1)
    }
}

impl Attempts {
    /// Whether a run that ended in `error` is run again: only a transient
    /// storage failure, and only while fewer than `ATTEMPTS` runs were
    /// made (then that last error is the answer). No back-off sleep: the
    /// domain has no timer, and the transaction that won the conflict has
    /// committed or rolled back by the time ours is told.
    pub fn again(&mut self, error: &Error) -> bool {
        match error {
            Error::Storage(e) if e.is_transient() && self.0 < ATTEMPTS => {
                tracing::info!(attempt = self.0, error = %chain(e), "running the use case again after a transient storage failure");
                self.0 += 1;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::error::{Code, StorageError};

    fn deadlock() -> Error {
        Error::Storage(StorageError::Transient("deadlock detected".into()))
    }

    /// How many runs a use case gets that fails with `failure` every time.
    fn runs_of(failure: fn() -> Error) -> u32 {
        let mut attempts = Attempts::default();
        let mut runs = 1;
        while attempts.again(&failure()) {
            runs += 1;
        }
        runs
    }

    #[test]
    fn a_use_case_that_fails_transiently_runs_again() {
        let mut attempts = Attempts::default();
        assert!(attempts.again(&deadlock()));
    }

    #[test]
    fn reruns_are_bounded() {
        assert_eq!(runs_of(deadlock), ATTEMPTS);
    }

    #[test]
    fn refusals_and_other_failures_are_not_rerun() {
        for failure in [
            (|| Error::refused(Code::NotFound, "no")) as fn() -> Error,
            || Error::forbidden("no"),
            || Error::Storage(StorageError::Unavailable("pool timed out".into())),
            || Error::Storage(StorageError::Other("broken".into())),
            || Error::Storage(StorageError::Conflict("unique".into())),
        ] {
            assert_eq!(runs_of(failure), 1);
        }
    }
}
