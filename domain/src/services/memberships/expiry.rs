//! Time-boxed partner access (R39): an optional end on a partner user's
//! membership, set when workers are added (R13, R40) or changed later by a
//! partner admin of the client (R12). The sweep (`schedule`) deactivates
//! the membership when the time comes.

use crate::store::body;

use super::MembershipService;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::membership::model::{Membership, Role};

use crate::common::error::{Code, Error, Result};
use crate::common::ids::MembershipId;
use crate::user::principal::Principal;

/// R39: an expiry lies at most this far ahead.
pub const MAX_EXPIRY_DAYS: i64 = 730;

/// R39, R34: an expiry must lie in the future and at most 730 days ahead
/// (`INVALID_INPUT` at `path`).
pub fn check_expiry(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>, path: &[&str]) -> Result<()> {
    match expires_at {
        Some(at) if at <= now => Err(Error::refused_at(Code::InvalidInput, path, "expiresAt must lie in the future")),
        Some(at) if at > now + Duration::days(MAX_EXPIRY_DAYS) => Err(Error::refused_at(
            Code::InvalidInput,
            path,
            format!("expiresAt must lie at most {MAX_EXPIRY_DAYS} days ahead"),
        )),
        _ => Ok(()),
    }
}

impl MembershipService {
    /// R39: a partner admin of the client (R12) sets or clears when one of
    /// their partner's users loses access there.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn set_membership_expiry(
        &self,
        p: &Principal,
        id: MembershipId,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<Membership> {
        let user = self.policy.user(p)?;
        let now = self.policy.now();
        check_expiry(expires_at, now, &["expiresAt"])?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let m = self.locked_client_membership(tx.repo(), id).await?;
                    // R33: a client the caller is not a member of hides the membership.
                    let (_, me) = self
                        .partner_admin_in(tx.repo(), user, m.account_id, &["membershipId"])
                        .await
                        .map_err(|e| crate::policy::hidden(e, &["membershipId"], "membership"))?;
                    let Some(partner) = m.partner_id else {
                        return Err(Error::refused_at(
                            Code::InvalidInput,
                            &["membershipId"],
                            "only partner users can have an expiry (R39)",
                        ));
                    };
                    if me.partner_id != Some(partner) {
                        return Err(Error::forbidden(
                            "a partner admin sets expiries only for their own partner's users (R12)",
                        ));
                    }
                    if m.role == Role::SuperAdmin {
                        return Err(Error::refused_at(
                            Code::InvalidInput,
                            &["membershipId"],
                            "a super admin's access cannot be time-boxed (R26, R31)",
                        ));
                    }
                    tx.set_membership_expiry(&[m.id], expires_at).await?;
                    let after = Membership { expires_at, ..m.clone() };
                    let mut ev =
                        self.policy.membership_event(Some(user), "membership.expiry_changed", Some(&m), &after);
                    ev.before = Some(json!({"expiresAt": m.expires_at}));
                    ev.after = Some(json!({"expiresAt": expires_at}));
                    tx.record(ev).await?;
                    Ok(after)
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_expiry_lies_in_the_future_and_at_most_730_days_ahead() {
        // R39
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().unwrap_or_default();
        assert!(check_expiry(None, now, &["expiresAt"]).is_ok());
        assert!(check_expiry(Some(now + Duration::minutes(1)), now, &["expiresAt"]).is_ok());
        assert!(check_expiry(Some(now + Duration::days(730)), now, &["expiresAt"]).is_ok());
        assert!(check_expiry(Some(now), now, &["expiresAt"]).is_err());
        assert!(check_expiry(Some(now - Duration::days(1)), now, &["expiresAt"]).is_err());
        assert!(check_expiry(Some(now + Duration::days(731)), now, &["expiresAt"]).is_err());
    }
}
