//! Access links and their approvals.

use chrono::{DateTime, Utc};

use crate::common::ids::{AccessLinkId, AccountId, MembershipId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLink {
    pub id: AccessLinkId,
    pub partner_id: AccountId,
    /// The worker (membership in the partner account) the link is for.
    pub worker_id: MembershipId,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Why a link cannot be approved, if it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    Expired,
    Revoked,
}

impl AccessLink {
    pub fn problem(&self, now: DateTime<Utc>) -> Option<LinkProblem> {
        if self.revoked_at.is_some() {
            Some(LinkProblem::Revoked)
        } else if now >= self.expires_at {
            Some(LinkProblem::Expired)
        } else {
            None
        }
    }
}

pub struct NewAccessLink {
    pub partner_id: AccountId,
    pub worker_id: MembershipId,
    pub created_by: Option<UserId>,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub link_id: AccessLinkId,
    pub client_id: AccountId,
    pub approved_by: Option<UserId>,
    pub membership_id: MembershipId,
    pub approved_at: DateTime<Utc>,
}

/// A client account's "no" to a link (R54): nothing was granted there,
/// and the link can no longer be approved for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decline {
    pub link_id: AccessLinkId,
    pub client_id: AccountId,
    pub declined_by: Option<UserId>,
    /// For the worker; at most [`Note::MAX_CHARS`] characters.
    pub note: Option<Note>,
    pub declined_at: DateTime<Utc>,
}

/// The optional note of a decline (R54): trimmed, not empty, at most 500
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(String);

/// Why a note was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the note is longer than {} characters", Note::MAX_CHARS)]
pub struct NoteTooLong;

impl Note {
    pub const MAX_CHARS: usize = 500;

    /// `None` for a missing or blank note. Errors: more than 500 characters.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, NoteTooLong> {
        let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
        if text.chars().count() > Self::MAX_CHARS {
            return Err(NoteTooLong);
        }
        Ok(Some(Self(text.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a client account decided about a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approved,
    Declined,
}

/// One client account the caller may decide a link for (R10), with what it
/// decided already, if anything (R53).
#[derive(Debug, Clone)]
pub struct LinkChoice {
    pub account: crate::account::model::Account,
    pub decision: Option<Decision>,
}

/// What a holder of the token may see (R9), and what approving grants
/// (R53).
#[derive(Debug, Clone)]
pub struct LinkPreview {
    pub partner_name: String,
    pub partner_tier: crate::account::model::PartnerTier,
    pub worker_name: String,
    pub worker_email: String,
    pub expires_at: DateTime<Utc>,
    pub problem: Option<LinkProblem>,
    /// Approving makes the worker a partner admin (R10)…
    pub role: crate::membership::model::Role,
    /// …with the partner seat (R5)…
    pub seat: crate::membership::model::Seat,
    /// …and the permissions of the partner's Partner Admin set (R20).
    pub grants: crate::permission::model::Permissions,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn link(revoked: bool) -> AccessLink {
        let t = |d| Utc.with_ymd_and_hms(2026, 1, d, 0, 0, 0).single().unwrap_or_default();
        AccessLink {
            id: AccessLinkId::new(1),
            partner_id: AccountId::new(1),
            worker_id: MembershipId::new(1),
            created_by: None,
            created_at: t(1),
            expires_at: t(31),
            revoked_at: revoked.then(|| t(2)),
        }
    }

    #[test]
    fn a_note_is_trimmed_optional_and_at_most_500_characters() {
        // R54
        assert_eq!(Note::parse(None), Ok(None));
        assert_eq!(Note::parse(Some("  \n ")), Ok(None));
        assert_eq!(
            Note::parse(Some(" Not now ")).map(|n| n.map(|n| n.as_str().to_string())),
            Ok(Some("Not now".into()))
        );
        assert!(Note::parse(Some(&"é".repeat(500))).is_ok(), "characters, not bytes");
        assert_eq!(Note::parse(Some(&"x".repeat(501))), Err(NoteTooLong));
    }

    #[test]
    fn a_link_expires_at_its_expiry_and_revocation_wins() {
        // R8, R10
        let at = |d| Utc.with_ymd_and_hms(2026, 1, d, 0, 0, 0).single().unwrap_or_default();
        assert_eq!(link(false).problem(at(30)), None);
        assert_eq!(link(false).problem(at(31)), Some(LinkProblem::Expired));
        assert_eq!(link(true).problem(at(3)), Some(LinkProblem::Revoked));
    }
}
