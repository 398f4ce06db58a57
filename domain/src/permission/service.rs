//! Permission-set use cases (R17–R19): CAM users keep the partner's
//! templates; the built-in Partner Admin set is read-only.

use serde_json::json;

use super::model::{PermissionSet, PermissionSetName, Permissions};
use crate::account::model::AccountKind;
use crate::app::Cam;
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::{AccountId, PermissionSetId};
use crate::common::principal::Principal;
use crate::permission::model::Permission;
use crate::store::Repository;
use crate::user::model::User;

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

/// A new named set of permissions owned by `account` (a partner's set, R17,
/// or a client's template, R58), with its `action` audit event, in `tx`.
/// Errors: `taken()` when the account has one of this name already.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_named_set(
    cam: &Cam,
    tx: &dyn Repository,
    user: &User,
    account: AccountId,
    partner: Option<AccountId>,
    name: &PermissionSetName,
    permissions: Permissions,
    action: &'static str,
    taken: fn() -> Error,
) -> Result<PermissionSet> {
    if name_in_use(tx, account, name, None).await? {
        return Err(taken());
    }
    let set = match tx.insert_set(account, name.as_str(), permissions, false, cam.now()).await {
        Err(StorageError::Conflict(_)) => return Err(taken()),
        r => r?,
    };
    let mut ev = cam.event(Some(user), action);
    ev.account_id = Some(account);
    ev.partner_id = partner;
    ev.after = Some(set_json(&set));
    tx.record(ev).await?;
    Ok(set)
}

impl Cam {
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn create_permission_set(
        &self,
        p: &Principal,
        partner: AccountId,
        name: &str,
        permissions: Permissions,
    ) -> Result<PermissionSet> {
        self.retrying(|| self.create_permission_set_once(p, partner, name, permissions)).await
    }

    async fn create_permission_set_once(
        &self,
        p: &Principal,
        partner: AccountId,
        name: &str,
        permissions: Permissions,
    ) -> Result<PermissionSet> {
        let user = self.user(p)?;
        let name = PermissionSetName::new(name).map_err(|e| Error::refused_at(Code::InvalidInput, &["name"], e))?;
        let tx = self.store.begin().await?;
        self.cam_access(tx.as_ref(), user, partner, &["partnerAccountId"]).await?;
        let set = insert_named_set(
            self,
            tx.as_ref(),
            user,
            partner,
            Some(partner),
            &name,
            permissions,
            "permission_set.created",
            name_taken,
        )
        .await?;
        tx.commit().await?;
        Ok(set)
    }

    /// R17, R18: renames or changes a set; members it was applied to keep
    /// their permissions.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn update_permission_set(
        &self,
        p: &Principal,
        id: PermissionSetId,
        name: Option<&str>,
        permissions: Option<Permissions>,
    ) -> Result<PermissionSet> {
        self.retrying(|| self.update_permission_set_once(p, id, name, permissions)).await
    }

    async fn update_permission_set_once(
        &self,
        p: &Principal,
        id: PermissionSetId,
        name: Option<&str>,
        permissions: Option<Permissions>,
    ) -> Result<PermissionSet> {
        let user = self.user(p)?;
        let name = name
            .map(PermissionSetName::new)
            .transpose()
            .map_err(|e| Error::refused_at(Code::InvalidInput, &["name"], e))?;
        let tx = self.store.begin().await?;
        let set = self.editable_set(tx.as_ref(), user, id, "changed").await?;
        if let Some(n) = &name {
            if name_in_use(tx.as_ref(), set.account_id, n, Some(id)).await? {
                return Err(name_taken());
            }
        }
        let updated = PermissionSet {
            name: name.map(|n| n.as_str().to_string()).unwrap_or_else(|| set.name.clone()),
            permissions: permissions.unwrap_or(set.permissions),
            ..set.clone()
        };
        match tx.update_set(&updated, self.now()).await {
            Err(StorageError::Conflict(_)) => return Err(name_taken()),
            r => r?,
        }
        let mut ev = self.event(Some(user), "permission_set.updated");
        ev.account_id = Some(set.account_id);
        ev.partner_id = Some(set.account_id);
        ev.before = Some(set_json(&set));
        ev.after = Some(set_json(&updated));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// The set a CAM user of its partner may change or delete (`verb`): an
    /// unknown id and another tenant's set answer alike (R33), the built-in
    /// one is refused (R17).
    async fn editable_set(
        &self,
        repo: &dyn Repository,
        user: &User,
        id: PermissionSetId,
        verb: &str,
    ) -> Result<PermissionSet> {
        let set = repo.find_set(id).await?.ok_or_else(|| Error::not_found(&["permissionSetId"], "permission set"))?;
        self.cam_access_to(repo, user, set.account_id, &["permissionSetId"], "permission set").await?;
        if set.built_in {
            return Err(Error::refused_at(
                Code::BuiltIn,
                &["permissionSetId"],
                format!("the built-in Partner Admin set cannot be {verb} (R17)"),
            ));
        }
        Ok(set)
    }

    /// R17, R19: deletes a set; members keep their permissions and lose only
    /// the reference.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn delete_permission_set(&self, p: &Principal, id: PermissionSetId) -> Result<PermissionSetId> {
        self.retrying(|| self.delete_permission_set_once(p, id)).await
    }

    async fn delete_permission_set_once(&self, p: &Principal, id: PermissionSetId) -> Result<PermissionSetId> {
        let user = self.user(p)?;
        let tx = self.store.begin().await?;
        let set = self.editable_set(tx.as_ref(), user, id, "deleted").await?;
        tx.delete_set(id).await?;
        let mut ev = self.event(Some(user), "permission_set.deleted");
        ev.account_id = Some(set.account_id);
        ev.partner_id = Some(set.account_id);
        ev.before = Some(set_json(&set));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The partner's sets, for members of the partner account.
    pub async fn permission_sets(&self, p: &Principal, partner: AccountId) -> Result<Vec<PermissionSet>> {
        if let Principal::User(u) = p {
            if self.active_membership(self.store.as_ref(), partner, u.id).await?.is_none() {
                return Ok(Vec::new());
            }
        }
        Ok(self.store.sets_of(partner).await?)
    }
}

impl Cam {
    /// R33: a set is visible to the operator and active members of its
    /// partner; a client's template (R58) is not a set.
    pub async fn visible_permission_set(&self, p: &Principal, id: PermissionSetId) -> Result<Option<PermissionSet>> {
        self.visible_named_set(p, id, AccountKind::Partner).await
    }

    /// A set or template owned by an account of `kind`, if the operator or
    /// an active member of that account asks (R33).
    pub(super) async fn visible_named_set(
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
        Ok(self.active_membership(self.store.as_ref(), set.account_id, u.id).await?.map(|_| set))
    }
}
