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

/// What a holder of the token may see (R9).
#[derive(Debug, Clone)]
pub struct LinkPreview {
    pub partner_name: String,
    pub partner_tier: crate::account::model::PartnerTier,
    pub worker_name: String,
    pub worker_email: String,
    pub expires_at: DateTime<Utc>,
    pub problem: Option<LinkProblem>,
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
    fn a_link_expires_at_its_expiry_and_revocation_wins() {
        // R8, R10
        let at = |d| Utc.with_ymd_and_hms(2026, 1, d, 0, 0, 0).single().unwrap_or_default();
        assert_eq!(link(false).problem(at(30)), None);
        assert_eq!(link(false).problem(at(31)), Some(LinkProblem::Expired));
        assert_eq!(link(true).problem(at(3)), Some(LinkProblem::Revoked));
    }
}
