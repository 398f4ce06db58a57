//! Watching an audit log live (R43): who may, checked when they subscribe
//! and again for every event, so that a subscriber sees only what
//! `auditLog` would show them at that moment (R32, R33).

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::Store;

use crate::account::model::AccountKind;
use crate::audit::model::{AuditEvent, AuditScope};
use crate::common::error::{Error, Result};
use std::collections::HashMap;

use crate::common::ids::{AccountId, AuditEventId};
use crate::common::page::{Page, PageRequest};
use crate::membership::model::Membership;
use crate::policy::require_cam_user;
use crate::policy::Readable;
use crate::user::principal::Principal;

/// R32 for a member of the log's account, the one rule of who reads an
/// audit log: a partner's by its CAM users (R1), a client's by its active
/// super admins; a deactivated member reads neither (R23).
pub(crate) fn reads_audit(scope: AuditScope, m: &Membership) -> Result<()> {
    if !m.is_active() {
        return Err(Error::forbidden("your membership in this account is deactivated (R23)"));
    }
    match scope {
        AuditScope::Partner(_) => require_cam_user(m),
        AuditScope::Client(_) if m.is_active_super_admin() => Ok(()),
        AuditScope::Client(_) => Err(Error::forbidden("only super admins read a client's audit log (R32)")),
    }
}

/// The audit log (R32) and who may read it.
#[derive(Clone)]
pub struct AuditService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
}

impl AuditService {
    /// Whether `p` may read this audit log now: a partner's for its CAM
    /// users (R1), a client's for its active super admins, any for the
    /// operator. Errors: `NOT_FOUND` at `partnerAccountId` /
    /// `clientAccountId` when the account is unknown or not theirs (R33);
    /// `FORBIDDEN` when they are a member whose log it is not.
    pub async fn may_watch_audit(&self, p: &Principal, scope: AuditScope) -> Result<()> {
        let repo = self.store.as_ref();
        let (account, kind, path) = match scope {
            AuditScope::Partner(a) => (a, AccountKind::Partner, "partnerAccountId"),
            AuditScope::Client(a) => (a, AccountKind::Client, "clientAccountId"),
        };
        match p {
            Principal::Operator => {
                if repo.find_account(account).await?.is_some_and(|a| a.kind == kind) {
                    Ok(())
                } else {
                    Err(Error::not_found(
                        &[path],
                        if kind == AccountKind::Partner { "partner account" } else { "client account" },
                    ))
                }
            }
            Principal::User(u) => {
                let (_, m) = self.policy.acting_in(repo, u, account, kind, &[path]).await?;
                reads_audit(scope, &m)
            }
        }
    }

    /// One committed audit event, for delivery to the subscribers that may
    /// see it (each checked with `may_watch_audit`). Errors: storage.
    pub async fn committed_audit_event(&self, id: AuditEventId) -> Result<Option<AuditEvent>> {
        Ok(self.store.find_audit_event(id).await?)
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
        let mine = self.policy.own_memberships(p, &accounts).await?;
        let mut allowed = Vec::new();
        let mut refused = HashMap::new();
        for s in scopes {
            let m = mine.get(&scope_account(*s));
            let verdict = match (p.is_operator(), s, m) {
                (true, _, _) => Ok(()),
                (_, _, Some(m)) => reads_audit(*s, m),
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
