//! A client account's own permission templates (R58): its super admins
//! create, rename, change and delete them; the built-in Partner Admin
//! template is read-only. A template is a `PermissionSet` owned by a client
//! account, kept by the same port and use cases as the partner's sets
//! (R17–R19, `Named`) and applied at the moment of use
//! (`add_client_users`, `change_seat`).

use super::{Named, NamedSets, PermissionService};
use crate::account::model::AccountKind;
use crate::common::error::{Code, Error, Result};
use crate::common::ids::AccountId;
use crate::membership::model::Membership;
use crate::store::Repository;
use crate::user::model::User;

const SUPER_ADMINS_ONLY: &str = "only an active super admin of the client account keeps its permission templates (R58)";

fn name_taken() -> Error {
    Error::refused_at(Code::AlreadyExists, &["name"], "the client account has a permission template of this name (R58)")
}

const TEMPLATES: Named = Named {
    owner: AccountKind::Client,
    id_field: "templateId",
    what: "permission template",
    noun: "template",
    rule: "R58",
    created: "permission_template.created",
    updated: "permission_template.updated",
    deleted: "permission_template.deleted",
    taken: name_taken,
};

impl PermissionService {
    /// The caller's membership in `client` if they are an active super admin
    /// there. Invisible client: `NOT_FOUND` at `path` (R33); visible: `FORBIDDEN`.
    pub(super) async fn template_keeper(
        &self,
        repo: &dyn Repository,
        user: &User,
        client: AccountId,
        path: &[&str],
    ) -> Result<Membership> {
        let (_, me) = self.policy.acting_in(repo, user, client, AccountKind::Client, path).await?;
        if !me.is_active_super_admin() {
            return Err(Error::forbidden(SUPER_ADMINS_ONLY));
        }
        Ok(me)
    }

    /// The client's permission templates (R58): its active super admins
    /// keep them.
    pub fn templates(&self) -> NamedSets<'_> {
        NamedSets { service: self, named: &TEMPLATES }
    }
}
