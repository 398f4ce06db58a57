//! The inputs and payloads of the membership mutations (`mutation`).

use async_graphql::{InputObject, SimpleObject, ID};

use super::{Membership, Worker};
use crate::graphql::enums::{Permission, Seat};
use crate::graphql::error::{payloads, UserError};
use crate::graphql::relationship::PartnerClient;

#[derive(InputObject)]
pub struct AddWorkersToClientInput {
    pub partner_account_id: ID,
    pub client_account_id: ID,
    pub worker_ids: Vec<ID>,
    pub permission_set_id: ID,
    /// v1.1, R39.
    pub expires_at: Option<crate::graphql::scalars::DateTime>,
}
#[derive(SimpleObject, Default)]
pub struct AddWorkersToClientPayload {
    pub memberships: Vec<Membership>,
    pub withheld_permissions: Vec<Permission>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct LinkWorkerToClientsInput {
    pub worker_id: ID,
    pub client_account_ids: Vec<ID>,
}
#[derive(SimpleObject, Default)]
pub struct LinkWorkerToClientsPayload {
    pub memberships: Vec<Membership>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ChangePermissionSetInput {
    pub membership_id: ID,
    pub permission_set_id: ID,
}
#[derive(SimpleObject, Default)]
pub struct ChangePermissionSetPayload {
    pub membership: Option<Membership>,
    pub withheld_permissions: Vec<Permission>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct SetMemberStatusInput {
    pub membership_ids: Vec<ID>,
}
#[derive(SimpleObject, Default)]
pub struct SetMemberStatusPayload {
    pub memberships: Vec<Membership>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct DeactivateWorkerInput {
    pub worker_id: ID,
}
#[derive(SimpleObject, Default)]
pub struct DeactivateWorkerPayload {
    pub worker: Option<Worker>,
    pub deactivated_memberships: Vec<Membership>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct AssetReassignment {
    pub client_account_id: ID,
    pub user_id: ID,
}

#[derive(InputObject)]
pub struct RemoveWorkerFromClientsInput {
    pub worker_id: ID,
    /// Default: every client of the partner where the worker is a member.
    pub client_account_ids: Option<Vec<ID>>,
    /// Per client: the member who receives the assets; unlisted clients leave them unowned.
    pub reassign_to: Option<Vec<AssetReassignment>>,
}
#[derive(SimpleObject, Default)]
pub struct RemoveWorkerFromClientsPayload {
    pub removed_memberships: i32,
    pub reassigned_assets: i32,
    pub unassigned_assets: i32,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RemoveAllPartnerUsersInput {
    pub partner_account_id: ID,
    pub client_account_id: ID,
    /// v1.1, R49: who receives the assets; default: left without an owner.
    pub reassign_to_user_id: Option<ID>,
}
#[derive(SimpleObject, Default)]
pub struct RemoveAllPartnerUsersPayload {
    pub removed_memberships: i32,
    /// v1.1, R49.
    pub reassigned_assets: i32,
    pub unassigned_assets: i32,
    /// v1.1, R49: partner users left in place because they are super admins there.
    pub skipped_super_admins: Vec<Membership>,
    pub partner_client: Option<PartnerClient>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ChangeToPartnerAdminInput {
    pub client_account_id: ID,
    /// Default: the viewer's own membership.
    pub membership_id: Option<ID>,
    #[graphql(default = false)]
    pub keep_billing_permissions: bool,
}
#[derive(SimpleObject, Default)]
pub struct ChangeToPartnerAdminPayload {
    pub membership: Option<Membership>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct AddClientUsersInput {
    pub client_account_id: ID,
    pub emails: Vec<String>,
    pub seat: Seat,
    pub permissions: Vec<Permission>,
    /// v1.1, R48: give these partner-seat users the Partner Admin template (then permissions are ignored).
    #[graphql(default = false)]
    pub partner_admin: bool,
    /// v1.2, R58: instead of permissions.
    pub template_id: Option<ID>,
}
#[derive(SimpleObject, Default)]
pub struct AddClientUsersPayload {
    pub memberships: Vec<Membership>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ChangeSeatInput {
    pub membership_id: ID,
    pub seat: Seat,
    /// v1.2, R58: switch the seat and the permissions in one step.
    pub template_id: Option<ID>,
}
#[derive(SimpleObject, Default)]
pub struct ChangeSeatPayload {
    pub membership: Option<Membership>,
    pub user_errors: Vec<UserError>,
    /// v1.2, R58: in the template, withheld by R20 or R5.
    pub withheld_permissions: Vec<Permission>,
}

payloads!(
    AddWorkersToClientPayload,
    LinkWorkerToClientsPayload,
    ChangePermissionSetPayload,
    SetMemberStatusPayload,
    DeactivateWorkerPayload,
    RemoveWorkerFromClientsPayload,
    RemoveAllPartnerUsersPayload,
    ChangeToPartnerAdminPayload,
    AddClientUsersPayload,
    ChangeSeatPayload
);
