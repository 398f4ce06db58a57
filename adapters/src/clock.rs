//! Clocks (R35): the system clock, and a test clock the operator can set.

use std::sync::RwLock;

use cam_domain::Clock;
use chrono::{DateTime, Utc};

/// Real time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until set, starting at the time it was made.
pub struct TestClock {
    now: RwLock<DateTime<Utc>>,
}

impl TestClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self { now: RwLock::new(start) }
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        match self.now.read() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    fn set(&self, now: DateTime<Utc>) -> bool {
        match self.now.write() {
            Ok(mut t) => *t = now,
            Err(poisoned) => *poisoned.into_inner() = now,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_test_clock_stands_still_until_set_and_the_system_clock_cannot_be_set() {
        // R35
        let start = Utc::now();
        let c = TestClock::new(start);
        assert_eq!(c.now(), start);
        assert!(c.set(start + Duration::days(61)));
        assert_eq!(c.now(), start + Duration::days(61));
        assert!(!SystemClock.set(start));
    }
}
