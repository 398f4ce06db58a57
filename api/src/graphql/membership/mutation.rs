//! Membership mutations. Resolvers read the input, call one use case and
//! map the result.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::{AccountId, MembershipId, PermissionSetId, UserId};

use super::{Membership, Worker};
use crate::graphql::enums::{permissions_in, permissions_out, Permission, Seat};
use crate::graphql::error::{payload, payloads, UserError};
use crate::graphql::ids::{decode, Kind};
use crate::graphql::relationship::PartnerClient;
use crate::graphql::{cam, principal};

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
}
#[derive(SimpleObject, Default)]
pub struct ChangeSeatPayload {
    pub membership: Option<Membership>,
    pub user_errors: Vec<UserError>,
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

fn id_of(kind: Kind, id: &ID) -> i64 {
    decode(kind, id).unwrap_or(0)
}
fn client(id: &ID) -> AccountId {
    AccountId::new(id_of(Kind::ClientAccount, id))
}
fn membership(id: &ID) -> MembershipId {
    MembershipId::new(id_of(Kind::Membership, id))
}
fn worker(id: &ID) -> MembershipId {
    MembershipId::new(id_of(Kind::Worker, id))
}
fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[derive(Default)]
pub struct MembershipMutation;

#[Object]
impl MembershipMutation {
    /// R12–R16: adds workers of the partner with one permission set.
    async fn add_workers_to_client(
        &self,
        ctx: &Context<'_>,
        input: AddWorkersToClientInput,
    ) -> Result<AddWorkersToClientPayload> {
        let p = principal(ctx)?;
        let workers: Vec<MembershipId> = input.worker_ids.iter().map(worker).collect();
        let r = cam(ctx)?
            .add_workers_to_client(
                p,
                AccountId::new(id_of(Kind::PartnerAccount, &input.partner_account_id)),
                client(&input.client_account_id),
                &workers,
                PermissionSetId::new(id_of(Kind::PermissionSet, &input.permission_set_id)),
                input.expires_at.map(|t| t.0),
            )
            .await;
        payload(ctx, r, |a| AddWorkersToClientPayload {
            memberships: a.memberships.into_iter().map(Membership).collect(),
            withheld_permissions: permissions_out(a.withheld),
            ..Default::default()
        })
    }

    /// R14: links a worker's existing client memberships to the partner.
    async fn link_worker_to_clients(
        &self,
        ctx: &Context<'_>,
        input: LinkWorkerToClientsInput,
    ) -> Result<LinkWorkerToClientsPayload> {
        let p = principal(ctx)?;
        let clients: Vec<AccountId> = input.client_account_ids.iter().map(client).collect();
        let r = cam(ctx)?.link_worker_to_clients(p, worker(&input.worker_id), &clients).await;
        payload(ctx, r, |ms| LinkWorkerToClientsPayload {
            memberships: ms.into_iter().map(Membership).collect(),
            ..Default::default()
        })
    }

    /// R15, R16: applies a permission set under the grant ceiling.
    async fn change_permission_set(
        &self,
        ctx: &Context<'_>,
        input: ChangePermissionSetInput,
    ) -> Result<ChangePermissionSetPayload> {
        let p = principal(ctx)?;
        let set = PermissionSetId::new(id_of(Kind::PermissionSet, &input.permission_set_id));
        let r = cam(ctx)?.change_permission_set(p, membership(&input.membership_id), set).await;
        payload(ctx, r, |c| ChangePermissionSetPayload {
            membership: Some(Membership(c.membership)),
            withheld_permissions: permissions_out(c.withheld),
            ..Default::default()
        })
    }

    /// R23, R24, R26.
    async fn deactivate_memberships(
        &self,
        ctx: &Context<'_>,
        input: SetMemberStatusInput,
    ) -> Result<SetMemberStatusPayload> {
        let p = principal(ctx)?;
        let ids: Vec<MembershipId> = input.membership_ids.iter().map(membership).collect();
        let r = cam(ctx)?.deactivate_memberships(p, &ids).await;
        payload(ctx, r, |ms| SetMemberStatusPayload {
            memberships: ms.into_iter().map(Membership).collect(),
            ..Default::default()
        })
    }

    /// R23, R12, R27.
    async fn reactivate_memberships(
        &self,
        ctx: &Context<'_>,
        input: SetMemberStatusInput,
    ) -> Result<SetMemberStatusPayload> {
        let p = principal(ctx)?;
        let ids: Vec<MembershipId> = input.membership_ids.iter().map(membership).collect();
        let r = cam(ctx)?.reactivate_memberships(p, &ids).await;
        payload(ctx, r, |ms| SetMemberStatusPayload {
            memberships: ms.into_iter().map(Membership).collect(),
            ..Default::default()
        })
    }

    /// R24: deactivates a worker in every client of the partner.
    async fn deactivate_worker(
        &self,
        ctx: &Context<'_>,
        input: DeactivateWorkerInput,
    ) -> Result<DeactivateWorkerPayload> {
        let p = principal(ctx)?;
        let r = cam(ctx)?.deactivate_worker(p, worker(&input.worker_id)).await;
        payload(ctx, r, |d| DeactivateWorkerPayload {
            worker: Some(Worker(d.worker)),
            deactivated_memberships: d.memberships.into_iter().map(Membership).collect(),
            ..Default::default()
        })
    }

    /// R25, R26: removes a worker from clients, reassigning their assets.
    async fn remove_worker_from_clients(
        &self,
        ctx: &Context<'_>,
        input: RemoveWorkerFromClientsInput,
    ) -> Result<RemoveWorkerFromClientsPayload> {
        let p = principal(ctx)?;
        let clients: Option<Vec<AccountId>> =
            input.client_account_ids.as_ref().map(|ids| ids.iter().map(client).collect());
        let reassign: Vec<(AccountId, UserId)> = input
            .reassign_to
            .unwrap_or_default()
            .iter()
            .map(|r| (client(&r.client_account_id), UserId::new(id_of(Kind::User, &r.user_id))))
            .collect();
        let r = cam(ctx)?.remove_worker_from_clients(p, worker(&input.worker_id), clients.as_deref(), &reassign).await;
        payload(ctx, r, |x| RemoveWorkerFromClientsPayload {
            removed_memberships: count(x.memberships),
            reassigned_assets: count(x.reassigned),
            unassigned_assets: count(x.unassigned),
            ..Default::default()
        })
    }

    /// R28, R49: removes every partner user from a client but its super admins.
    async fn remove_all_partner_users(
        &self,
        ctx: &Context<'_>,
        input: RemoveAllPartnerUsersInput,
    ) -> Result<RemoveAllPartnerUsersPayload> {
        let p = principal(ctx)?;
        let partner = AccountId::new(id_of(Kind::PartnerAccount, &input.partner_account_id));
        let to = input.reassign_to_user_id.as_ref().map(|u| UserId::new(id_of(Kind::User, u)));
        let r = cam(ctx)?.remove_all_partner_users(p, partner, client(&input.client_account_id), to).await;
        payload(ctx, r, |x| RemoveAllPartnerUsersPayload {
            removed_memberships: count(x.removed.memberships),
            reassigned_assets: count(x.removed.reassigned),
            unassigned_assets: count(x.removed.unassigned),
            skipped_super_admins: x.skipped_super_admins.into_iter().map(Membership).collect(),
            partner_client: Some(PartnerClient::new(x.relationship)),
            ..Default::default()
        })
    }

    /// R29–R31.
    async fn change_to_partner_admin(
        &self,
        ctx: &Context<'_>,
        input: ChangeToPartnerAdminInput,
    ) -> Result<ChangeToPartnerAdminPayload> {
        let p = principal(ctx)?;
        let target = input.membership_id.as_ref().map(membership);
        let r = cam(ctx)?
            .change_to_partner_admin(p, client(&input.client_account_id), target, input.keep_billing_permissions)
            .await;
        payload(ctx, r, |m| ChangeToPartnerAdminPayload { membership: Some(Membership(m)), ..Default::default() })
    }

    /// R22, R7, R48.
    async fn add_client_users(&self, ctx: &Context<'_>, input: AddClientUsersInput) -> Result<AddClientUsersPayload> {
        let p = principal(ctx)?;
        let r = cam(ctx)?
            .add_client_users(
                p,
                client(&input.client_account_id),
                &input.emails,
                input.seat.into(),
                permissions_in(&input.permissions),
                input.partner_admin,
            )
            .await;
        payload(ctx, r, |ms| AddClientUsersPayload {
            memberships: ms.into_iter().map(Membership).collect(),
            ..Default::default()
        })
    }

    /// R22, R5, R6.
    async fn change_seat(&self, ctx: &Context<'_>, input: ChangeSeatInput) -> Result<ChangeSeatPayload> {
        let p = principal(ctx)?;
        let r = cam(ctx)?.change_seat(p, membership(&input.membership_id), input.seat.into()).await;
        payload(ctx, r, |m| ChangeSeatPayload { membership: Some(Membership(m)), ..Default::default() })
    }
}
