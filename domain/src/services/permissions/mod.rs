//! Permission-set use cases (R17–R19): CAM users keep the partner's
//! sets; the built-in Partner Admin set is read-only. A client's
//! templates (R58, `template`) are kept by the same use cases (`Named`).

pub mod template;

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::{body, Store};

use serde_json::json;

use crate::account::model::AccountKind;
use crate::audit::model::NewAuditEvent;
use crate::permission::model::{PermissionSet, PermissionSetName, Permissions};

use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::{AccountId, PermissionSetId};
use crate::permission::model::Permission;
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

pub(super) fn set_json(s: &PermissionSet) -> serde_json::Value {
    json!({"id": s.id.get(), "name": s.name, "permissions": s.permissions.iter().map(Permission::as_str).collect::<Vec<_>>()})
}

/// Whether `account` already has a set or template named `name`
/// (case-insensitively, R17, R58), other than `except`.
pub(super) async fn name_in_use(
    repo: &dyn Repository,
    account: AccountId,
    name: &PermissionSetName,
    except: Option<PermissionSetId>,
) -> Result<bool> {
    Ok(repo.sets_of(account).await?.iter().any(|s| Some(s.id) != except && s.name.to_lowercase() == name.key()))
}

fn name_taken() -> Error {
    Error::refused_at(Code::AlreadyExists, &["name"], "the partner has a permission set of this name (R17)")
}

/// What tells a partner's permission sets (R17) from a client's
/// permission templates (R58), which are kept alike.
pub(super) struct Named {
    /// The kind of account that owns them.
    owner: AccountKind,
    /// The input field of their id, and what the API calls them.
    id_field: &'static str,
    what: &'static str,
    /// What the built-in one is called after "the built-in Partner Admin".
    noun: &'static str,
    /// The rule that keeps their built-in one read-only.
    rule: &'static str,
    created: &'static str,
    updated: &'static str,
    deleted: &'static str,
    taken: fn() -> Error,
}

const SETS: Named = Named {
    owner: AccountKind::Partner,
    id_field: "permissionSetId",
    what: "permission set",
    noun: "set",
    rule: "R17",
    created: "permission_set.created",
    updated: "permission_set.updated",
    deleted: "permission_set.deleted",
    taken: name_taken,
};

impl Named {
    /// The audit event of `action` on a set of `account`.
    fn event(&self, policy: &Policy, user: &User, action: &'static str, account: AccountId) -> NewAuditEvent {
        let mut ev = policy.event(Some(user), action);
        ev.account_id = Some(account);
        ev.partner_id = (self.owner == AccountKind::Partner).then_some(account);
        ev
    }

    /// A new named set of permissions owned by `account`, with its audit
    /// event. Errors: `taken` when the account has one of this name already.
    pub(super) async fn insert(
        &self,
        policy: &Policy,
        tx: &dyn Repository,
        user: &User,
        account: AccountId,
        name: &PermissionSetName,
        permissions: Permissions,
    ) -> Result<PermissionSet> {
        if name_in_use(tx, account, name, None).await? {
            return Err((self.taken)());
        }
        let set = match tx.insert_set(account, name.as_str(), permissions, false, policy.now()).await {
            Err(StorageError::Conflict(_)) => return Err((self.taken)()),
            r => r?,
        };
        let mut ev = self.event(policy, user, self.created, account);
        ev.after = Some(set_json(&set));
        tx.record(ev).await?;
        Ok(set)
    }

    /// Renames or changes `set`; members it was applied to keep their
    /// permissions. Errors: `taken` when the new name is another's.
    pub(super) async fn update(
        &self,
        policy: &Policy,
        tx: &dyn Repository,
        user: &User,
        set: PermissionSet,
        name: Option<&PermissionSetName>,
        permissions: Option<Permissions>,
    ) -> Result<PermissionSet> {
        if let Some(n) = name {
            if name_in_use(tx, set.account_id, n, Some(set.id)).await? {
                return Err((self.taken)());
            }
        }
        let updated = PermissionSet {
            name: name.map(|n| n.as_str().to_string()).unwrap_or_else(|| set.name.clone()),
            permissions: permissions.unwrap_or(set.permissions),
            ..set.clone()
        };
        match tx.update_set(&updated, policy.now()).await {
            Err(StorageError::Conflict(_)) => return Err((self.taken)()),
            r => r?,
        }
        let mut ev = self.event(policy, user, self.updated, set.account_id);
        ev.before = Some(set_json(&set));
        ev.after = Some(set_json(&updated));
        tx.record(ev).await?;
        Ok(updated)
    }

    /// Deletes `set`; members keep their permissions and lose only the
    /// reference.
    pub(super) async fn delete(
        &self,
        policy: &Policy,
        tx: &dyn Repository,
        user: &User,
        set: &PermissionSet,
    ) -> Result<()> {
        tx.delete_set(set.id).await?;
        let mut ev = self.event(policy, user, self.deleted, set.account_id);
        ev.before = Some(set_json(set));
        tx.record(ev).await?;
        Ok(())
    }
}

/// Permission sets (R17–R20) and client permission templates (R58).
#[derive(Clone)]
pub struct PermissionService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
}

/// A partner's permission sets (R17–R19) or a client's permission
/// templates (R58): one kind of them, kept by the same use cases.
pub struct NamedSets<'a> {
    service: &'a PermissionService,
    named: &'static Named,
}

impl PermissionService {
    /// The partner's permission sets (R17–R19): CAM users of the partner
    /// keep them.
    pub fn sets(&self) -> NamedSets<'_> {
        NamedSets { service: self, named: &SETS }
    }
}

impl NamedSets<'_> {
    /// R17, R58: a new one of `account`, by its keeper.
    #[tracing::instrument(skip(self, p), fields(kind = self.named.what), err(level = "debug"))]
    pub async fn create(
        &self,
        p: &Principal,
        account: AccountId,
        name: &str,
        permissions: Permissions,
    ) -> Result<PermissionSet> {
        self.service.create_named(self.named, p, account, name, permissions).await
    }

    /// R18, R58: renames or changes one; members it was applied to keep
    /// their permissions.
    #[tracing::instrument(skip(self, p), fields(kind = self.named.what), err(level = "debug"))]
    pub async fn update(
        &self,
        p: &Principal,
        id: PermissionSetId,
        name: Option<&str>,
        permissions: Option<Permissions>,
    ) -> Result<PermissionSet> {
        self.service.update_named(self.named, p, id, name, permissions).await
    }

    /// R19, R58: deletes one, in use or not; members keep their permissions
    /// and lose only the reference.
    #[tracing::instrument(skip(self, p), fields(kind = self.named.what), err(level = "debug"))]
    pub async fn delete(&self, p: &Principal, id: PermissionSetId) -> Result<PermissionSetId> {
        self.service.delete_named(self.named, p, id).await
    }

    /// An account's sets or templates (the built-in one first), for the
    /// operator and its active members; nobody else sees any (R33).
    pub async fn of(&self, p: &Principal, account: AccountId) -> Result<Vec<PermissionSet>> {
        self.service.named_sets_of(p, account).await
    }

    /// R33: one is visible to the operator and active members of its
    /// account; a partner's set is not a template, nor the reverse.
    pub async fn visible(&self, p: &Principal, id: PermissionSetId) -> Result<Option<PermissionSet>> {
        self.service.visible_named_set(p, id, self.named.owner).await
    }
}

/// The use cases that sets and templates share.
impl PermissionService {
    /// Who may create one in `account`: a CAM user of the partner (R1), or
    /// an active super admin of the client (R58).
    async fn may_create(&self, named: &Named, repo: &dyn Repository, user: &User, account: AccountId) -> Result<()> {
        match named.owner {
            AccountKind::Partner => {
                self.policy.cam_access(repo, user, account, &["partnerAccountId"]).await.map(|_| ())
            }
            AccountKind::Client => self.template_keeper(repo, user, account, &["clientAccountId"]).await.map(|_| ()),
        }
    }

    /// The set or template its keeper may change or delete (`verb`): an
    /// unknown id and one the caller cannot see answer alike (R33); the
    /// built-in one is refused (`BUILT_IN`).
    async fn editable(
        &self,
        named: &Named,
        repo: &dyn Repository,
        user: &User,
        id: PermissionSetId,
        verb: &str,
    ) -> Result<PermissionSet> {
        let path = [named.id_field];
        let set = repo.find_set(id).await?.ok_or_else(|| Error::not_found(&path, named.what))?;
        match named.owner {
            AccountKind::Partner => {
                self.policy.cam_access_to(repo, user, set.account_id, &path, named.what).await?;
            }
            AccountKind::Client => {
                self.template_keeper(repo, user, set.account_id, &path).await?;
            }
        }
        if set.built_in {
            return Err(Error::refused_at(
                Code::BuiltIn,
                &path,
                format!("the built-in Partner Admin {} cannot be {verb} ({})", named.noun, named.rule),
            ));
        }
        Ok(set)
    }

    async fn create_named(
        &self,
        named: &Named,
        p: &Principal,
        account: AccountId,
        name: &str,
        permissions: Permissions,
    ) -> Result<PermissionSet> {
        let user = self.policy.user(p)?;
        let name = PermissionSetName::new(name).map_err(bad_name)?;
        let name = &name;
        self.store
            .transaction(|tx| {
                body(async move {
                    self.may_create(named, tx.repo(), user, account).await?;
                    named.insert(&self.policy, tx.repo(), user, account, name, permissions).await
                })
            })
            .await
    }

    async fn update_named(
        &self,
        named: &Named,
        p: &Principal,
        id: PermissionSetId,
        name: Option<&str>,
        permissions: Option<Permissions>,
    ) -> Result<PermissionSet> {
        let user = self.policy.user(p)?;
        let name = name.map(PermissionSetName::new).transpose().map_err(bad_name)?;
        let name = &name;
        self.store
            .transaction(|tx| {
                body(async move {
                    let set = self.editable(named, tx.repo(), user, id, "changed").await?;
                    named.update(&self.policy, tx.repo(), user, set, name.as_ref(), permissions).await
                })
            })
            .await
    }

    async fn delete_named(&self, named: &Named, p: &Principal, id: PermissionSetId) -> Result<PermissionSetId> {
        let user = self.policy.user(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let set = self.editable(named, tx.repo(), user, id, "deleted").await?;
                    named.delete(&self.policy, tx.repo(), user, &set).await?;
                    Ok(id)
                })
            })
            .await
    }

    /// An account's sets or templates, for the operator and its active
    /// members; nobody else sees any (R33).
    async fn named_sets_of(&self, p: &Principal, account: AccountId) -> Result<Vec<PermissionSet>> {
        if let Principal::User(u) = p {
            if self.policy.active_membership(self.store.as_ref(), account, u.id).await?.is_none() {
                return Ok(Vec::new());
            }
        }
        Ok(self.store.sets_of(account).await?)
    }

    /// A set or template owned by an account of `kind`, if the operator or
    /// an active member of that account asks (R33).
    async fn visible_named_set(
        &self,
        p: &Principal,
        id: PermissionSetId,
        kind: AccountKind,
    ) -> Result<Option<PermissionSet>> {
        let Some(set) = self.store.find_set(id).await? else { return Ok(None) };
        if self.store.find_account(set.account_id).await?.is_none_or(|a| a.kind != kind) {
            return Ok(None);
        }
        let Principal::User(u) = p else { return Ok(Some(set)) };
        Ok(self.policy.active_membership(self.store.as_ref(), set.account_id, u.id).await?.map(|_| set))
    }
}

fn bad_name(e: crate::permission::model::InvalidSetName) -> Error {
    Error::refused_at(Code::InvalidInput, &["name"], e)
}
