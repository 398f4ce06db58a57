//! Membership mutations. Resolvers read the input, call one use case and
//! map the result.

use async_graphql::{Context, Object, Result, ID};
use cam_domain::membership::model::MemberStatus;
use cam_domain::services::memberships::client_users::NewUsersGrant;
use cam_domain::{AccountId, MembershipId, PermissionSetId, UserId};

use super::payloads::{
    AddClientUsersInput, AddClientUsersPayload, AddWorkersToClientInput, AddWorkersToClientPayload,
    ChangePermissionSetInput, ChangePermissionSetPayload, ChangeSeatInput, ChangeSeatPayload,
    ChangeToPartnerAdminInput, ChangeToPartnerAdminPayload, DeactivateWorkerInput, DeactivateWorkerPayload,
    LinkWorkerToClientsInput, LinkWorkerToClientsPayload, RemoveAllPartnerUsersInput, RemoveAllPartnerUsersPayload,
    RemoveWorkerFromClientsInput, RemoveWorkerFromClientsPayload, SetMemberStatusInput, SetMemberStatusPayload,
};
use super::{Membership, Worker};
use crate::graphql::enums::{permissions_in, permissions_out};
use crate::graphql::error::payload;
use crate::graphql::ids::{input_id, input_ids, Kind};
use crate::graphql::relationship::PartnerClient;
use crate::graphql::{cam, principal};

fn client(id: &ID, field: &str) -> cam_domain::Result<AccountId> {
    input_id(Kind::ClientAccount, id, &[field]).map(AccountId::new)
}
/// v1.2, R58: a client's permission template, at `templateId`.
fn template(id: &ID) -> cam_domain::Result<PermissionSetId> {
    input_id(Kind::PermissionTemplate, id, &["templateId"]).map(PermissionSetId::new)
}
fn membership(id: &ID, field: &str) -> cam_domain::Result<MembershipId> {
    input_id(Kind::Membership, id, &[field]).map(MembershipId::new)
}
fn worker(id: &ID) -> cam_domain::Result<MembershipId> {
    input_id(Kind::Worker, id, &["workerId"]).map(MembershipId::new)
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
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let partner = input_id(Kind::PartnerAccount, &input.partner_account_id, &["partnerAccountId"])?;
            let client = client(&input.client_account_id, "clientAccountId")?;
            let workers = input_ids(Kind::Worker, &input.worker_ids, "workerIds", MembershipId::new)?;
            let set = input_id(Kind::PermissionSet, &input.permission_set_id, &["permissionSetId"])?;
            let (partner, set) = (AccountId::new(partner), PermissionSetId::new(set));
            cam.memberships
                .add_workers_to_client(p, partner, client, &workers, set, input.expires_at.map(|t| t.0))
                .await
        }
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
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let clients =
                input_ids(Kind::ClientAccount, &input.client_account_ids, "clientAccountIds", AccountId::new)?;
            cam.memberships.link_worker_to_clients(p, worker(&input.worker_id)?, &clients).await
        }
        .await;
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
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let set = input_id(Kind::PermissionSet, &input.permission_set_id, &["permissionSetId"])?;
            let member = membership(&input.membership_id, "membershipId")?;
            cam.memberships.change_permission_set(p, member, PermissionSetId::new(set)).await
        }
        .await;
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
        set_member_status(ctx, input, MemberStatus::Deactivated).await
    }

    /// R23, R12, R27.
    async fn reactivate_memberships(
        &self,
        ctx: &Context<'_>,
        input: SetMemberStatusInput,
    ) -> Result<SetMemberStatusPayload> {
        set_member_status(ctx, input, MemberStatus::Active).await
    }

    /// R24: deactivates a worker in every client of the partner.
    async fn deactivate_worker(
        &self,
        ctx: &Context<'_>,
        input: DeactivateWorkerInput,
    ) -> Result<DeactivateWorkerPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async { cam.memberships.deactivate_worker(p, worker(&input.worker_id)?).await }.await;
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
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let clients: Option<Vec<AccountId>> = match &input.client_account_ids {
                Some(ids) => Some(input_ids(Kind::ClientAccount, ids, "clientAccountIds", AccountId::new)?),
                None => None,
            };
            let mut reassign: Vec<(AccountId, UserId)> = Vec::new();
            for (i, r) in input.reassign_to.iter().flatten().enumerate() {
                let i = i.to_string();
                let client =
                    input_id(Kind::ClientAccount, &r.client_account_id, &["reassignTo", &i, "clientAccountId"])?;
                let user = input_id(Kind::User, &r.user_id, &["reassignTo", &i, "userId"])?;
                reassign.push((AccountId::new(client), UserId::new(user)));
            }
            cam.memberships
                .remove_worker_from_clients(p, worker(&input.worker_id)?, clients.as_deref(), &reassign)
                .await
        }
        .await;
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
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let partner = input_id(Kind::PartnerAccount, &input.partner_account_id, &["partnerAccountId"])?;
            let to = match &input.reassign_to_user_id {
                Some(u) => Some(UserId::new(input_id(Kind::User, u, &["reassignToUserId"])?)),
                None => None,
            };
            let client = client(&input.client_account_id, "clientAccountId")?;
            cam.memberships.remove_all_partner_users(p, AccountId::new(partner), client, to).await
        }
        .await;
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
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let target = match &input.membership_id {
                Some(m) => Some(membership(m, "membershipId")?),
                None => None,
            };
            let client = client(&input.client_account_id, "clientAccountId")?;
            cam.memberships.change_to_partner_admin(p, client, target, input.keep_billing_permissions).await
        }
        .await;
        payload(ctx, r, |m| ChangeToPartnerAdminPayload { membership: Some(Membership(m)), ..Default::default() })
    }

    /// R22, R7, R48, R58.
    async fn add_client_users(&self, ctx: &Context<'_>, input: AddClientUsersInput) -> Result<AddClientUsersPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let client = client(&input.client_account_id, "clientAccountId")?;
            let grant = NewUsersGrant {
                permissions: permissions_in(&input.permissions),
                partner_admin: input.partner_admin,
                template: input.template_id.as_ref().map(template).transpose()?,
            };
            cam.memberships.add_client_users(p, client, &input.emails, input.seat.into(), grant).await
        }
        .await;
        payload(ctx, r, |ms| AddClientUsersPayload {
            memberships: ms.into_iter().map(Membership).collect(),
            ..Default::default()
        })
    }

    /// R22, R5, R6, R58.
    async fn change_seat(&self, ctx: &Context<'_>, input: ChangeSeatInput) -> Result<ChangeSeatPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let member = membership(&input.membership_id, "membershipId")?;
            let template = input.template_id.as_ref().map(template).transpose()?;
            cam.memberships.change_seat(p, member, input.seat.into(), template).await
        }
        .await;
        payload(ctx, r, |c| ChangeSeatPayload {
            membership: Some(Membership(c.membership)),
            withheld_permissions: permissions_out(c.withheld),
            ..Default::default()
        })
    }
}

/// `deactivateMemberships` and `reactivateMemberships`: one input, one
/// payload, the use case of the status asked for.
async fn set_member_status(
    ctx: &Context<'_>,
    input: SetMemberStatusInput,
    to: MemberStatus,
) -> Result<SetMemberStatusPayload> {
    let (p, cam) = (principal(ctx)?, cam(ctx)?);
    let r = async {
        let ids = input_ids(Kind::Membership, &input.membership_ids, "membershipIds", MembershipId::new)?;
        match to {
            MemberStatus::Deactivated => cam.memberships.deactivate_memberships(p, &ids).await,
            MemberStatus::Active => cam.memberships.reactivate_memberships(p, &ids).await,
        }
    }
    .await;
    payload(ctx, r, |ms| SetMemberStatusPayload {
        memberships: ms.into_iter().map(Membership).collect(),
        ..Default::default()
    })
}
