//! The clock port (R35). Domain time (links, relationships, audit) is read
//! from here, never from the system directly, so that a test clock can move it.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Sets the time of a test clock. Errors: `false` when this clock cannot
    /// be set (the system clock).
    fn set(&self, _now: DateTime<Utc>) -> bool {
        false
    }
}
