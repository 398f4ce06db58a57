//! Permission sets (R17–R19).
mod mutation;

pub use mutation::PermissionMutation;

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
