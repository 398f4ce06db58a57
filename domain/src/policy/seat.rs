//! R5: who is eligible for the partner seat.

use super::Policy;
use crate::account::model::Account;
use crate::common::error::Result;
use crate::common::ids::AccountId;
use crate::membership::model::Membership;
use crate::store::Repository;
use crate::user::model::{Email, User};

impl Policy {
    /// Whether a partner user is eligible for the partner seat (R5): an
    /// active worker of an allowed-tier partner with a verified email domain.
    /// Reads through `repo`, the use case's transaction (one connection per
    /// use case).
    pub(crate) async fn seat_eligible(
        &self,
        repo: &dyn Repository,
        partner: &Account,
        worker: &Membership,
        email: &Email,
    ) -> Result<bool> {
        if !worker.is_active() || !partner.allows_partner_admins() || worker.account_id != partner.id {
            return Ok(false);
        }
        let verified = self.verifier.verified_emails(repo, partner.id, std::slice::from_ref(email)).await?;
        Ok(verified.contains(&email.key()))
    }

    /// R5 for a user: the first partner they are an active, domain-verified
    /// worker of, in an allowed tier.
    pub(crate) async fn eligible_partner_of(&self, repo: &dyn Repository, user: &User) -> Result<Option<Account>> {
        let workers: Vec<Membership> = repo
            .memberships_of_user(user.id)
            .await?
            .into_iter()
            .filter(|m| m.worker_kind.is_some() && m.is_active())
            .collect();
        let ids: Vec<AccountId> = workers.iter().map(|m| m.account_id).collect();
        let accounts = repo.find_accounts(&ids).await?;
        for w in &workers {
            if let Some(partner) = accounts.get(&w.account_id) {
                if self.seat_eligible(repo, partner, w, &user.email).await? {
                    return Ok(Some(partner.clone()));
                }
            }
        }
        Ok(None)
    }
}
