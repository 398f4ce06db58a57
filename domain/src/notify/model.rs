//! Outbox emails and their delivery state (R42).

use chrono::{DateTime, Duration, Utc};

use crate::common::ids::AccountId;
use crate::permission::Permissions;
use crate::user::model::{Locale, User};

crate::string_enum! {
    pub enum EmailStatus { Queued = "QUEUED", Sent = "SENT", Failed = "FAILED" }
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
    /// R52: the daily check of a verified domain failed for the first time.
    pub const DOMAIN_CHECK_FAILING: &str = "domain.check_failing";
    /// R52: after 7 days of failed checks the domain is no longer verified.
    pub const DOMAIN_LAPSED: &str = "domain.lapsed";
    /// Any other notice.
    pub const NOTICE: &str = "notice";
}

/// R38: what happened to a partner's users in one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffboardingKind {
    Deactivated,
    Removed,
    /// R39: their time-boxed access expired.
    Expired,
}

/// What an email says, with its variables: the domain decides which
/// message, an `EmailWriter` writes it in the recipient's language (R55).
/// Names are as stored; dates are instants (written in the language's
/// usual form); lists are of names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// R10, to the worker.
    AccessLinkApproved {
        approver: String,
        client: String,
        client_id: AccountId,
        partner: String,
        permissions: Permissions,
    },
    /// R13, to the worker.
    MembershipAdded { adder: String, client: String, client_id: AccountId, partner: String },
    /// R22, to the new member.
    ClientUserAdded { adder: String, client: String },
    /// R40, to the worker: `clients` names the first of them, `more` the others' number.
    ClientsAdded { adder: String, partner: String, count: u64, clients: Vec<String>, more: u64 },
    /// R37, to the partner's CAM users. `client_display` is the partner's name for the client.
    RelationshipEndingWarning {
        partner: String,
        client: String,
        client_id: AccountId,
        client_display: String,
        days: i64,
        ends_at: DateTime<Utc>,
        last_activity_at: DateTime<Utc>,
    },
    /// R37, to the partner's CAM users.
    RelationshipEndedForPartner {
        partner: String,
        client: String,
        client_id: AccountId,
        client_display: String,
        ended_at: DateTime<Utc>,
        last_activity_at: DateTime<Utc>,
    },
    /// R37, to the client's super admins.
    RelationshipEndedForClient { partner: String, client: String, client_id: AccountId, ended_at: DateTime<Utc> },
    /// R38, to the client's super admins: `people` are `Name <email>`.
    Offboarding {
        what: OffboardingKind,
        partner: String,
        client: String,
        client_id: AccountId,
        people: Vec<String>,
        reassigned: u64,
        unassigned: u64,
    },
    /// R39, to the worker.
    MembershipExpiring { client: String, client_id: AccountId, partner: String, expires_at: DateTime<Utc>, days: i64 },
    /// R54, to the worker.
    AccessLinkDeclined { partner: String, partner_id: AccountId, client: String, worker: String, note: Option<String> },
    /// R52, to the partner's super admins.
    DomainCheckFailing { partner: String, partner_id: AccountId, domain: String },
    /// R52, to the partner's super admins.
    DomainLapsed { partner: String, partner_id: AccountId, domain: String },
}

/// R56: where in the frontend app an email's recipient acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `<app>/clients/<client id>`.
    Client(AccountId),
    /// `<app>/accounts/<account id>/audit`.
    AccountAudit(AccountId),
    /// `<app>/partners/<partner id>/access-links`.
    PartnerAccessLinks(AccountId),
    /// `<app>/partners/<partner id>/domains`.
    PartnerDomains(AccountId),
}

impl Message {
    /// What the email is about (`OutboxEmail.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Message::AccessLinkApproved { .. } => kind::ACCESS_LINK_APPROVED,
            Message::MembershipAdded { .. } => kind::MEMBERSHIP_ADDED,
            Message::ClientUserAdded { .. } => kind::CLIENT_USER_ADDED,
            Message::ClientsAdded { .. } => kind::NOTICE,
            Message::RelationshipEndingWarning { .. } => kind::RELATIONSHIP_ENDING_WARNING,
            Message::RelationshipEndedForPartner { .. } | Message::RelationshipEndedForClient { .. } => {
                kind::RELATIONSHIP_ENDED
            }
            Message::Offboarding { .. } => kind::OFFBOARDING_NOTICE,
            Message::MembershipExpiring { .. } => kind::MEMBERSHIP_EXPIRING,
            Message::AccessLinkDeclined { .. } => kind::ACCESS_LINK_DECLINED,
            Message::DomainCheckFailing { .. } => kind::DOMAIN_CHECK_FAILING,
            Message::DomainLapsed { .. } => kind::DOMAIN_LAPSED,
        }
    }

    /// R56: where its recipient acts, if anywhere.
    pub fn link(&self) -> Option<Link> {
        Some(match self {
            Message::AccessLinkApproved { client_id, .. }
            | Message::MembershipAdded { client_id, .. }
            | Message::RelationshipEndingWarning { client_id, .. }
            | Message::RelationshipEndedForPartner { client_id, .. } => Link::Client(*client_id),
            Message::Offboarding { client_id, .. }
            | Message::MembershipExpiring { client_id, .. }
            | Message::RelationshipEndedForClient { client_id, .. } => Link::AccountAudit(*client_id),
            Message::AccessLinkDeclined { partner_id, .. } => Link::PartnerAccessLinks(*partner_id),
            Message::DomainCheckFailing { partner_id, .. } | Message::DomainLapsed { partner_id, .. } => {
                Link::PartnerDomains(*partner_id)
            }
            Message::ClientUserAdded { .. } | Message::ClientsAdded { .. } => return None,
        })
    }
}

/// An email as written for its recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub subject: String,
    /// The plain text, greeting and signature included.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    pub id: i64,
    pub kind: String,
    pub to: String,
    /// R55: the language it is written in.
    pub locale: Locale,
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
    /// R55: the language it is written in.
    pub locale: Locale,
    pub subject: String,
    pub body: String,
}

impl NewEmail {
    /// An email written for its recipient (R55) by an `EmailWriter`.
    pub fn written(to: &User, message: &Message, written: Written) -> Self {
        Self {
            kind: message.kind(),
            to: to.email.as_str().to_string(),
            locale: to.locale,
            subject: written.subject,
            body: written.body,
        }
    }

    /// An English email to a user: a greeting and one line of news. Only
    /// for what has no `Message` yet; emails to users are written with
    /// `Cam::email` in their language (R55).
    pub fn to_user(to: &User, subject: String, news: String) -> Self {
        Self::about(kind::NOTICE, to, subject, news)
    }

    /// An English email of a kind to a user: a greeting and the news
    /// (paragraphs separated by blank lines). As `to_user`.
    pub fn about(kind: &'static str, to: &User, subject: String, news: String) -> Self {
        Self {
            kind,
            to: to.email.as_str().to_string(),
            locale: Locale::En,
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
