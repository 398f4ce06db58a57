//! Permission sets (R17–R19) and a client's permission templates (R58):
//! both are named sets of permissions owned by an account.
mod mutation;
mod template;

pub use mutation::PermissionMutation;
pub use template::TemplateMutation;

use async_graphql::{Object, ID};

use super::enums::{permissions_out, Permission};
use super::ids::{encode, Kind};

pub struct PermissionSet(pub cam_domain::permission::PermissionSet);

#[Object]
impl PermissionSet {
    pub async fn id(&self) -> ID {
        encode(Kind::PermissionSet, self.0.id.get())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn permissions(&self) -> Vec<Permission> {
        permissions_out(self.0.permissions)
    }
    async fn built_in(&self) -> bool {
        self.0.built_in
    }
}

pub struct PermissionTemplate(pub cam_domain::permission::PermissionSet);

/// v1.2, R58: a client account's own permission template.
#[Object]
impl PermissionTemplate {
    pub async fn id(&self) -> ID {
        encode(Kind::PermissionTemplate, self.0.id.get())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn permissions(&self) -> Vec<Permission> {
        permissions_out(self.0.permissions)
    }
    async fn built_in(&self) -> bool {
        self.0.built_in
    }
}
