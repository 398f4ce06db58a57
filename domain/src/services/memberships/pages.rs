//! Nested lists of many accounts at once: `ClientAccount.members` under a
//! list (the audit logs: `services::audit`). Who may read each parent is checked with
//! one statement for all of them, and the pages are read with one more
//! (at most `first + 1` rows per parent), however many parents the list has.
//! Each parent the caller may not read gets the refusal the one-parent use
//! case (`client_members`, `audit_log`) gives.

use super::MembershipService;

use std::collections::HashMap;

use crate::membership::model::{MemberFilter, Membership};
use crate::membership::ports::MemberPages;

use crate::common::error::{Error, Result};
use crate::common::ids::AccountId;
use crate::common::page::PageRequest;
use crate::policy::Readable;
use crate::user::principal::Principal;

impl MembershipService {
    /// `client_members` of many client accounts: for the operator and each
    /// account's active members.
    pub async fn client_members_of(
        &self,
        p: &Principal,
        clients: &[AccountId],
        filter: &MemberFilter,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Readable<AccountId, MemberPages<AccountId>>> {
        let mine = self.policy.own_memberships(p, clients).await?;
        let mut allowed = Vec::new();
        let mut refused = HashMap::new();
        for c in clients {
            if p.is_operator() || mine.get(c).is_some_and(Membership::is_active) {
                allowed.push(*c);
            } else {
                refused.insert(*c, Error::forbidden("only members of this client account may see this"));
            }
        }
        let pages = if allowed.is_empty() {
            MemberPages { pages: HashMap::new(), users: Vec::new(), sets: Vec::new(), accounts: Vec::new() }
        } else {
            self.store.members_page_per_account(&allowed, filter, page, with_total).await?
        };
        Ok(Readable { pages, refused })
    }
}
