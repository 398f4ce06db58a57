//! A client account's own permission templates (R58): its super admins
//! create, rename, change and delete them; the built-in Partner Admin
//! template is read-only. A template is a `PermissionSet` owned by a client
//! account, kept by the same port as the partner's sets (R17–R19) and applied
//! at the moment of use (`add_client_users`, `change_seat`).

use super::model::{PermissionSet, PermissionSetName, Permissions};
use super::service::{insert_named_set, name_in_use, set_json};
use crate::account::model::AccountKind;
use crate::app::Cam;
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::{AccountId, PermissionSetId};
use crate::common::principal::Principal;
use crate::membership::model::Membership;
use crate::store::Repository;
use crate::user::model::User;

const SUPER_ADMINS_ONLY: &str = "only an active super admin of the client account keeps its permission templates (R58)";

fn name_taken() -> Error {
    Error::refused_at(Code::AlreadyExists, &["name"], "the client account has a permission template of this name (R58)")
}

fn bad_name(e: super::model::InvalidSetName) -> Error {
    Error::refused_at(Code::InvalidInput, &["name"], e)
}

impl Cam {
    /// The template `id` of client account `client`, for use there (R58):
    /// another account's template, a partner's set and an unknown id all
    /// answer `NOT_FOUND` at `templateId` (R33).
    pub(crate) async fn template_of(
        &self,
        repo: &dyn Repository,
        client: AccountId,
        id: PermissionSetId,
    ) -> Result<PermissionSet> {
        repo.find_set(id)
            .await?
            .filter(|t| t.account_id == client)
            .ok_or_else(|| Error::not_found(&["templateId"], "permission template"))
    }

    /// The caller's membership in `client` if they are an active super admin
    /// there. Invisible client: `NOT_FOUND` at `path` (R33); visible: `FORBIDDEN`.
    async fn template_keeper(
        &self,
        repo: &dyn Repository,
        user: &User,
        client: AccountId,
        path: &[&str],
    ) -> Result<Membership> {
        let (_, me) = self.acting_in(repo, user, client, AccountKind::Client, path).await?;
        if !me.is_active_super_admin() {
            return Err(Error::forbidden(SUPER_ADMINS_ONLY));
        }
        Ok(me)
    }

    /// The template a super admin of its client may change or delete
    /// (`verb`): unknown and invisible ones answer alike (R33); the built-in
    /// one is refused (`BUILT_IN`).
    async fn editable_template(
        &self,
        repo: &dyn Repository,
        user: &User,
        id: PermissionSetId,
        verb: &str,
    ) -> Result<PermissionSet> {
        let t = repo.find_set(id).await?.ok_or_else(|| Error::not_found(&["templateId"], "permission template"))?;
        self.template_keeper(repo, user, t.account_id, &["templateId"]).await?;
        if t.built_in {
            return Err(Error::refused_at(
                Code::BuiltIn,
                &["templateId"],
                format!("the built-in Partner Admin template cannot be {verb} (R58)"),
            ));
        }
        Ok(t)
    }

    /// R58: a new permission template of a client account.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn create_permission_template(
        &self,
        p: &Principal,
        client: AccountId,
        name: &str,
        permissions: Permissions,
    ) -> Result<PermissionSet> {
        self.retrying(|| self.create_permission_template_once(p, client, name, permissions)).await
    }

    async fn create_permission_template_once(
        &self,
        p: &Principal,
        client: AccountId,
        name: &str,
        permissions: Permissions,
    ) -> Result<PermissionSet> {
        let user = self.user(p)?;
        let name = PermissionSetName::new(name).map_err(bad_name)?;
        let tx = self.store.begin().await?;
        self.template_keeper(tx.as_ref(), user, client, &["clientAccountId"]).await?;
        let t = insert_named_set(
            self,
            tx.as_ref(),
            user,
            client,
            None,
            &name,
            permissions,
            "permission_template.created",
            name_taken,
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// R58: renames or changes a template; members it was applied to keep
    /// their permissions (templates are applied at the moment of use).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn update_permission_template(
        &self,
        p: &Principal,
        id: PermissionSetId,
        name: Option<&str>,
        permissions: Option<Permissions>,
    ) -> Result<PermissionSet> {
        self.retrying(|| self.update_permission_template_once(p, id, name, permissions)).await
    }

    async fn update_permission_template_once(
        &self,
        p: &Principal,
        id: PermissionSetId,
        name: Option<&str>,
        permissions: Option<Permissions>,
    ) -> Result<PermissionSet> {
        let user = self.user(p)?;
        let name = name.map(PermissionSetName::new).transpose().map_err(bad_name)?;
        let tx = self.store.begin().await?;
        let t = self.editable_template(tx.as_ref(), user, id, "changed").await?;
        if let Some(n) = &name {
            if name_in_use(tx.as_ref(), t.account_id, n, Some(id)).await? {
                return Err(name_taken());
            }
        }
        let updated = PermissionSet {
            name: name.map(|n| n.as_str().to_string()).unwrap_or_else(|| t.name.clone()),
            permissions: permissions.unwrap_or(t.permissions),
            ..t.clone()
        };
        match tx.update_set(&updated, self.now()).await {
            Err(StorageError::Conflict(_)) => return Err(name_taken()),
            r => r?,
        }
        let mut ev = self.event(Some(user), "permission_template.updated");
        ev.account_id = Some(t.account_id);
        ev.before = Some(set_json(&t));
        ev.after = Some(set_json(&updated));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// R58: deletes a template, in use or not: members keep their permissions.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn delete_permission_template(&self, p: &Principal, id: PermissionSetId) -> Result<PermissionSetId> {
        self.retrying(|| self.delete_permission_template_once(p, id)).await
    }

    async fn delete_permission_template_once(&self, p: &Principal, id: PermissionSetId) -> Result<PermissionSetId> {
        let user = self.user(p)?;
        let tx = self.store.begin().await?;
        let t = self.editable_template(tx.as_ref(), user, id, "deleted").await?;
        tx.delete_set(id).await?;
        let mut ev = self.event(Some(user), "permission_template.deleted");
        ev.account_id = Some(t.account_id);
        ev.before = Some(set_json(&t));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// R58: a client account's templates, the built-in one first, for the
    /// operator and its active members; nobody else sees any (R33).
    pub async fn permission_templates(&self, p: &Principal, client: AccountId) -> Result<Vec<PermissionSet>> {
        if let Principal::User(u) = p {
            if self.active_membership(self.store.as_ref(), client, u.id).await?.is_none() {
                return Ok(Vec::new());
            }
        }
        Ok(self.store.sets_of(client).await?)
    }

    /// R33: a template is visible to the operator and active members of its
    /// client account; a partner's set is not a template.
    pub async fn visible_permission_template(
        &self,
        p: &Principal,
        id: PermissionSetId,
    ) -> Result<Option<PermissionSet>> {
        self.visible_named_set(p, id, AccountKind::Client).await
    }
}
