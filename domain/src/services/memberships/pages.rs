//! Nested lists of many accounts at once: `ClientAccount.members` and the
//! audit logs (R32) under a list. Who may read each parent is checked with
//! one statement for all of them, and the pages are read with one more
//! (at most `first + 1` rows per parent), however many parents the list has.
//! Each parent the caller may not read gets the refusal the one-parent use
//! case (`client_members`, `audit_log`) gives.

use super::MembershipService;

use std::collections::HashMap;

use crate::membership::model::{MemberFilter, Membership};
use crate::membership::ports::MemberPages;

use crate::audit::model::{AuditEvent, AuditScope};
use crate::common::error::{Error, Result};
use crate::common::ids::AccountId;
use crate::common::page::{Page, PageRequest};
use crate::user::principal::Principal;

/// What a list of parents may read: the pages of the readable ones, and why
/// each other one is refused.
pub struct Readable<K, P> {
    pub pages: P,
    pub refused: HashMap<K, Error>,
}

impl MembershipService {
    /// The caller's memberships in these accounts (none for the operator),
    /// in one statement.
    async fn own_memberships(&self, p: &Principal, accounts: &[AccountId]) -> Result<HashMap<AccountId, Membership>> {
        let Principal::User(u) = p else { return Ok(HashMap::new()) };
        let found = self.store.memberships_of_users_in(accounts, &[u.id]).await?;
        Ok(found.into_iter().map(|m| (m.account_id, m)).collect())
    }

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
        let mine = self.own_memberships(p, clients).await?;
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

    /// `audit_log` of many scopes: CAM users read their partner's, super
    /// admins their client's, the operator every one (R32).
    pub async fn audit_logs_of(
        &self,
        p: &Principal,
        scopes: &[AuditScope],
        page: PageRequest,
        with_total: bool,
    ) -> Result<Readable<AuditScope, HashMap<AuditScope, Page<AuditEvent>>>> {
        let accounts: Vec<AccountId> = scopes.iter().map(|s| scope_account(*s)).collect();
        let mine = self.own_memberships(p, &accounts).await?;
        let mut allowed = Vec::new();
        let mut refused = HashMap::new();
        for s in scopes {
            let m = mine.get(&scope_account(*s));
            let verdict = match (p.is_operator(), s, m) {
                (true, _, _) => Ok(()),
                (_, _, Some(m)) => crate::services::audit::reads_audit(*s, m),
                (_, AuditScope::Partner(_), None) => Err(Error::forbidden("not a member of this partner account")),
                (_, AuditScope::Client(_), None) => {
                    Err(Error::forbidden("only members of this client account may see this"))
                }
            };
            match verdict {
                Ok(()) => allowed.push(*s),
                Err(e) => {
                    refused.insert(*s, e);
                }
            }
        }
        let pages = if allowed.is_empty() {
            HashMap::new()
        } else {
            self.store.audit_page_per_scope(&allowed, page, with_total).await?
        };
        Ok(Readable { pages, refused })
    }
}

fn scope_account(s: AuditScope) -> AccountId {
    match s {
        AuditScope::Client(a) | AuditScope::Partner(a) => a,
    }
}
