//! Permission sets (R17–R19) and a client's permission templates (R58):
//! both are named sets of permissions owned by an account.
mod mutation;
mod template;

pub use mutation::PermissionMutation;
pub use template::TemplateMutation;

use async_graphql::{Object, ID};

use super::enums::{permissions_out, Permission};
use super::ids::{encode, Kind};

/// A named set of permissions owned by an account, as an object type of
/// its own: the same fields, its own type name and kind of id.
macro_rules! named_set {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        pub struct $name(pub cam_domain::permission::PermissionSet);

        $(#[$doc])*
        #[Object(serial)]
        impl $name {
            pub async fn id(&self) -> ID {
                encode($kind, self.0.id.get())
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
    };
}

named_set!(PermissionSet, Kind::PermissionSet);
named_set!(
    /// v1.2, R58: a client account's own permission template.
    PermissionTemplate,
    Kind::PermissionTemplate
);
