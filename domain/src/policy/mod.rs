//! The checks that the areas' use cases share, below all of them: who is
//! acting and what they may act on (R1, R23, R33), the partner seat's
//! eligibility (R5, `seat`), qualifying activity (R27, `activity`), who
//! may read a partner's CAM data (`reader`), and the audit events of a
//! change (R32).

mod activity;
mod reader;
mod seat;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub use reader::{CamReader, Readable};

use crate::account::model::{Account, AccountKind, EmailDomain};
use crate::audit::model::NewAuditEvent;
use crate::common::error::{Code, Error, Result};
use crate::common::ids::{AccountId, UserId};
use crate::common::time::Clock;
use crate::identity::DomainVerifier;
use crate::membership::model::Membership;
use crate::notify::model::{Message, NewEmail};
use crate::notify::ports::EmailWriter;
use crate::permission::model::Permission;
use crate::store::{Repository, Store};
use crate::user::model::User;
use crate::user::principal::Principal;

/// R1: may this partner-account member use the Client Access Manager?
pub fn is_cam_user(member: &Membership) -> bool {
    let p = member.effective_permissions();
    member.is_active_super_admin()
        || (p.contains(Permission::PartnerEmployeeManagementView)
            && p.contains(Permission::PartnerEmployeeManagementEdit))
}

/// R1 as a refusal: `FORBIDDEN` unless `member` may use the Client Access
/// Manager.
pub(crate) fn require_cam_user(member: &Membership) -> Result<()> {
    if is_cam_user(member) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "the Client Access Manager needs a super admin or both partner employee management permissions (R1)",
        ))
    }
}

/// R33: an account the caller cannot see (a `NOT_FOUND` refusal about the
/// account) becomes the refusal an unknown object id gets.
pub(crate) fn hidden(e: Error, path: &[&str], what: &str) -> Error {
    match e {
        Error::Refused(_) => Error::not_found(path, what),
        other => other,
    }
}

/// Rows per statement of the writes that carry one row per client (audit
/// events, offboarding notices) when a use case changes a worker in many
/// clients at once. Each such write is built, sent and dropped before the
/// next, so that memory holds one chunk's rows, not one per client: at
/// 100,000 clients, deactivating a worker in one statement held about
/// 450 MB (issue 9). The statements grow by one write per chunk, a few per
/// thousand clients; their parameters do not grow.
pub(crate) const WRITE_CHUNK: usize = 1000;

/// The audit snapshot of a membership (R32).
pub fn snapshot(m: &Membership) -> Value {
    json!({
        "role": m.role.as_str(),
        "seat": m.seat.as_str(),
        "status": m.status.as_str(),
        "permissions": m.permissions.iter().map(Permission::as_str).collect::<Vec<_>>(),
        "partnerId": m.partner_id.map(|p| p.get()),
        "permissionSetId": m.permission_set_id.map(|p| p.get()),
    })
}

/// The checks every area's use cases share: who is acting (R1, R23, R33),
/// seat eligibility (R5), qualifying activity (R27) and the audit events
/// they write (R32). The areas' services call it; it calls none of them.
#[derive(Clone)]
pub struct Policy {
    /// Reads outside a use case's transaction (the read-only checks).
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) verifier: Arc<dyn DomainVerifier>,
    /// R55, R56: writes emails in their recipients' languages.
    pub(crate) emails: Arc<dyn EmailWriter>,
}

impl Policy {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        verifier: Arc<dyn DomainVerifier>,
        emails: Arc<dyn EmailWriter>,
    ) -> Self {
        Self { store, clock, verifier, emails }
    }

    /// R55: `message` to `to`, written in their language.
    pub(crate) fn email(&self, to: &User, message: Message) -> NewEmail {
        let written = self.emails.write(to.locale, &to.name, &message);
        NewEmail::written(to, &message, written)
    }

    /// R3: `raw` as a domain a partner may hold: a valid one, and never a
    /// public mail domain (`INVALID_DOMAIN` at `domain`).
    pub(crate) fn partner_domain(&self, raw: &str) -> Result<EmailDomain> {
        let domain = EmailDomain::parse(raw).map_err(|e| Error::refused_at(Code::InvalidDomain, &["domain"], e))?;
        if self.verifier.is_public_mail_domain(&domain) {
            return Err(Error::refused_at(
                Code::InvalidDomain,
                &["domain"],
                format!("{} is a public mail domain and can never be a partner domain", domain.as_str()),
            ));
        }
        Ok(domain)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The signed-in user; the operator is refused (`FORBIDDEN`).
    pub(crate) fn user<'a>(&self, p: &'a Principal) -> Result<&'a User> {
        p.user().ok_or_else(|| Error::forbidden("this needs a signed-in user, not the operator token"))
    }

    pub(crate) fn operator(&self, p: &Principal) -> Result<()> {
        if p.is_operator() {
            Ok(())
        } else {
            Err(Error::forbidden("only the operator may do this"))
        }
    }

    /// The user's active membership in an account, if any.
    pub(crate) async fn active_membership(
        &self,
        repo: &dyn Repository,
        account: AccountId,
        user: UserId,
    ) -> Result<Option<Membership>> {
        Ok(repo.membership_of(account, user).await?.filter(Membership::is_active))
    }

    /// The account of this kind and the caller's active membership in it,
    /// to act there. Not a member (or no such account): `NOT_FOUND` at
    /// `path` (R33); a deactivated member: `FORBIDDEN` (R23).
    pub(crate) async fn acting_in(
        &self,
        repo: &dyn Repository,
        user: &User,
        account: AccountId,
        kind: AccountKind,
        path: &[&str],
    ) -> Result<(Account, Membership)> {
        let (found, member) = match repo.account_with_membership(account, user.id).await? {
            Some((a, m)) if a.kind == kind => (Some(a), m),
            _ => (None, None),
        };
        match (found, member) {
            (Some(a), Some(m)) if m.is_active() => Ok((a, m)),
            (Some(_), Some(_)) => Err(Error::forbidden("your membership in this account is deactivated (R23)")),
            _ => Err(Error::not_found(
                path,
                if kind == AccountKind::Partner { "partner account" } else { "client account" },
            )),
        }
    }

    /// A partner account the user may use the Client Access Manager in
    /// (R1). Invisible: `NOT_FOUND` at `path` (R33); visible but not
    /// allowed: `FORBIDDEN`.
    pub(crate) async fn cam_access(
        &self,
        repo: &dyn Repository,
        user: &User,
        partner: AccountId,
        path: &[&str],
    ) -> Result<(Account, Membership)> {
        let (a, m) = self.acting_in(repo, user, partner, AccountKind::Partner, path).await?;
        require_cam_user(&m)?;
        Ok((a, m))
    }

    /// R1 and R33 for an object of a partner account (a link, a set, a
    /// worker): a CAM user of that partner acts on it. Whoever cannot see the
    /// partner gets exactly the refusal an unknown id gets (`NOT_FOUND`,
    /// "<what> not found" at `path`), so that ids of other tenants' objects
    /// cannot be told from unused ones.
    pub(crate) async fn cam_access_to(
        &self,
        repo: &dyn Repository,
        user: &User,
        partner: AccountId,
        path: &[&str],
        what: &str,
    ) -> Result<(Account, Membership)> {
        self.cam_access(repo, user, partner, path).await.map_err(|e| hidden(e, path, what))
    }

    /// Records a membership change in the audit log.
    pub(crate) fn membership_event(
        &self,
        actor: Option<&User>,
        action: &'static str,
        before: Option<&Membership>,
        after: &Membership,
    ) -> NewAuditEvent {
        let mut ev = self.event(actor, action);
        ev.account_id = Some(after.account_id);
        ev.partner_id = after.partner_id.or(before.and_then(|b| b.partner_id));
        ev.subject_id = Some(after.user_id);
        ev.before = before.map(snapshot);
        ev.after = Some(snapshot(after));
        ev
    }

    pub(crate) fn event(&self, actor: Option<&User>, action: &'static str) -> NewAuditEvent {
        NewAuditEvent {
            at: self.now(),
            actor_id: actor.map(|u| u.id),
            action,
            account_id: None,
            partner_id: None,
            subject_id: None,
            before: None,
            after: None,
        }
    }
}
