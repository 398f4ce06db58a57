//! `Cam`: the ports the use cases need, and the checks they share
//! (who is acting, what they may see, R1 and R33).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::access_link::ports::LinkTokens;
use crate::account::model::{Account, AccountKind};
use crate::account::proof::{DnsTxtLookup, NoDns};
use crate::audit::model::NewAuditEvent;
use crate::common::error::{Error, Result};
use crate::common::ids::{AccountId, UserId};
use crate::common::principal::Principal;
use crate::common::time::Clock;
use crate::identity::DomainVerifier;
use crate::membership::model::Membership;
use crate::notify::model::{Message, NewEmail};
use crate::notify::ports::EmailWriter;
use crate::permission::model::Permission;
use crate::store::{Repository, Store};
use crate::user::model::{Email, User};

#[derive(Debug, Clone)]
pub struct CamConfig {
    /// R8: how long an access link lives.
    pub link_ttl_days: i64,
    /// Base of access-link URLs, without a trailing slash.
    pub public_url: String,
    /// R35: whether the operator may set the clock.
    pub test_clock: bool,
}

/// The application: one method per thing a user can do, spread over the
/// areas' `service.rs` files. Its ports are private: transports reach
/// storage only through these methods (`batch.rs` for DataLoaders).
#[derive(Clone)]
pub struct Cam {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) verifier: Arc<dyn DomainVerifier>,
    pub(crate) tokens: Arc<dyn LinkTokens>,
    /// R55, R56: writes emails in their recipients' languages.
    pub(crate) emails: Arc<dyn EmailWriter>,
    pub(crate) config: CamConfig,
    /// R52: the DNS that domain proofs are looked up in.
    pub(crate) dns: Arc<dyn DnsTxtLookup>,
    /// R51: the identity provider of browser sign-in, if configured.
    pub(crate) sign_in: Option<Arc<dyn crate::session::ports::SignInProvider>>,
}

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

impl Cam {
    /// The application over these ports (the wiring's job).
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        verifier: Arc<dyn DomainVerifier>,
        tokens: Arc<dyn LinkTokens>,
        emails: Arc<dyn EmailWriter>,
        config: CamConfig,
    ) -> Self {
        Self { store, clock, verifier, tokens, emails, config, dns: Arc::new(NoDns), sign_in: None }
    }

    /// R55: `message` to `to`, written in their language.
    pub(crate) fn email(&self, to: &User, message: Message) -> NewEmail {
        let written = self.emails.write(to.locale, &to.name, &message);
        NewEmail::written(to, &message, written)
    }

    /// Looks domain proofs up in this DNS (R52); without it every lookup
    /// fails as a resolver error.
    pub fn with_dns(mut self, dns: Arc<dyn DnsTxtLookup>) -> Self {
        self.dns = dns;
        self
    }

    /// Base of the server's public URLs, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.config.public_url
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs a state-changing use case, again when a deadlock or a
    /// serialization failure rolled it back (a bounded number of times,
    /// `common::retry`), so that such a conflict is never answered as an
    /// internal error.
    pub(crate) async fn retrying<T, F, Fut>(&self, body: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        crate::common::retry::rerun_transient(body).await
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
        let verified =
            self.verifier.verified_emails(repo.as_domains(), partner.id, std::slice::from_ref(email)).await?;
        Ok(verified.contains(&email.key()))
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
