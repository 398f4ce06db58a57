//! Outbox emails and their delivery state (R42).

use chrono::{DateTime, Duration, Utc};

crate::string_enum! {
    pub enum EmailStatus {
        Queued = "QUEUED",
        Sent = "SENT",
        Failed = "FAILED",
    }
}

/// What an email is about (`OutboxEmail.kind`).
pub mod kind {
    /// R10: the client approved the worker's access link.
    pub const ACCESS_LINK_APPROVED: &str = "access_link.approved";
    /// R54: a client declined the worker's access link.
    pub const ACCESS_LINK_DECLINED: &str = "access_link.declined";
    /// R13: a partner admin added the worker to a client.
    pub const MEMBERSHIP_ADDED: &str = "membership.added";
    /// R22: a client added the user.
    pub const CLIENT_USER_ADDED: &str = "client_user.added";
    /// R37: the relationship ends in 30, 7 or 1 day(s).
    pub const RELATIONSHIP_ENDING_WARNING: &str = "relationship.ending_warning";
    /// R37: the relationship ended.
    pub const RELATIONSHIP_ENDED: &str = "relationship.ended";
    /// R38: the partner deactivated or removed its users in a client.
    pub const OFFBOARDING_NOTICE: &str = "offboarding.notice";
    /// R39: the worker's access to a client ends in seven days.
    pub const MEMBERSHIP_EXPIRING: &str = "membership.expiring";
    /// R52: the daily check of a proven domain failed for the first time.
    pub const DOMAIN_CHECK_FAILING: &str = "domain.check_failing";
    /// R52: seven days of failed checks: the domain is no longer verified.
    pub const DOMAIN_LAPSED: &str = "domain.lapsed";
    /// Any other notice.
    pub const NOTICE: &str = "notice";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    pub id: i64,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub status: EmailStatus,
    /// Delivery attempts so far (R42).
    pub attempts: u32,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// Since when delivery fails (the 24 hours of R42 count from here).
    pub failing_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl NewEmail {
    /// An email to a user: a greeting and one line of news.
    pub fn to_user(to: &crate::user::model::User, subject: String, news: String) -> Self {
        Self::about(kind::NOTICE, to, subject, news)
    }

    /// An email of a kind to a user: a greeting and the news (paragraphs
    /// separated by blank lines).
    pub fn about(kind: &'static str, to: &crate::user::model::User, subject: String, news: String) -> Self {
        Self {
            kind,
            to: to.email.as_str().to_string(),
            subject,
            body: format!("Hello {},\n\n{news}\n\n-- \nClient Access Manager\n", to.name),
        }
    }
}

/// R42: after 24 hours of failures an email is given up.
pub const GIVE_UP_AFTER_HOURS: i64 = 24;
/// R42: the first retry comes within seconds, then the wait doubles up to
/// this cap.
pub const MAX_BACKOFF_SECONDS: i64 = 300;
const FIRST_BACKOFF_SECONDS: i64 = 2;

/// What to do with an email whose delivery attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// 24 hours of failures: `FAILED`.
    GiveUp,
}

/// R42: the back-off after the `attempts`-th failed attempt (1, 2, …) of an
/// email failing since `failing_since` (the first failure), at `now`:
/// 2 s, 4 s, 8 s, … doubling up to 5 minutes; given up once it has failed
/// for 24 hours.
pub fn after_failure(attempts: u32, failing_since: DateTime<Utc>, now: DateTime<Utc>) -> AfterFailure {
    if now - failing_since >= Duration::hours(GIVE_UP_AFTER_HOURS) {
        return AfterFailure::GiveUp;
    }
    let doublings = attempts.saturating_sub(1).min(20);
    let wait = (FIRST_BACKOFF_SECONDS << doublings).min(MAX_BACKOFF_SECONDS);
    AfterFailure::RetryAt(now + Duration::seconds(wait))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn retries_start_within_seconds_grow_and_are_capped() {
        // R42
        let waits: Vec<i64> = (1..=12)
            .map(|n| match after_failure(n, t0(), t0()) {
                AfterFailure::RetryAt(at) => (at - t0()).num_seconds(),
                AfterFailure::GiveUp => -1,
            })
            .collect();
        assert_eq!(waits, vec![2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300]);
        assert!(matches!(after_failure(u32::MAX, t0(), t0()), AfterFailure::RetryAt(_)));
    }

    #[test]
    fn an_email_that_fails_for_24_hours_is_given_up() {
        // R42
        let almost = t0() + Duration::hours(24) - Duration::seconds(1);
        assert!(matches!(after_failure(300, t0(), almost), AfterFailure::RetryAt(_)));
        assert_eq!(after_failure(301, t0(), t0() + Duration::hours(24)), AfterFailure::GiveUp);
    }
}
