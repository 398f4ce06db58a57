//! Operator (platform) mutations: the operator token only.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::services::accounts::CreateAccount;
use cam_domain::services::memberships::AddMember;
use cam_domain::{AccountId, UserId};

use super::account::{ClientAccount, PartnerAccount};
use super::asset::Asset;
use super::enums::{permissions_in, AccountKind, AssetKind, PartnerTier, Permission, Role, Seat, WorkerKind};
use super::error::{payload, payloads, UserError};
use super::ids::{input_id, input_id_of, Kind};
use super::membership::{Membership, Worker};
use super::relationship::PartnerClient;
use super::user::User;
use super::{cam, principal};

#[derive(InputObject)]
pub struct CreateAccountInput {
    pub kind: AccountKind,
    pub name: String,
    pub tier: Option<PartnerTier>,
    pub data_center: Option<String>,
}
#[derive(SimpleObject, Default)]
pub struct CreateAccountPayload {
    pub partner_account: Option<PartnerAccount>,
    pub client_account: Option<ClientAccount>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct CreateUserInput {
    pub email: String,
    pub name: String,
}
#[derive(SimpleObject, Default)]
pub struct CreateUserPayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct AddMemberInput {
    pub account_id: ID,
    pub user_id: ID,
    pub role: Role,
    pub seat: Option<Seat>,
    pub permissions: Option<Vec<Permission>>,
    /// Partner accounts only.
    pub worker_kind: Option<WorkerKind>,
}
/// membership is set for a client account, worker for a partner account.
#[derive(SimpleObject, Default)]
pub struct AddMemberPayload {
    pub membership: Option<Membership>,
    pub worker: Option<Worker>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct AddVerifiedDomainInput {
    pub partner_account_id: ID,
    pub domain: String,
}
#[derive(SimpleObject, Default)]
pub struct AddVerifiedDomainPayload {
    pub partner_account: Option<PartnerAccount>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct SetCrmCompanyNameInput {
    pub partner_account_id: ID,
    pub client_account_id: ID,
    pub name: String,
}
#[derive(SimpleObject, Default)]
pub struct SetCrmCompanyNamePayload {
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct CreateAssetInput {
    pub client_account_id: ID,
    pub owner_user_id: ID,
    pub kind: AssetKind,
    pub name: String,
}
#[derive(SimpleObject, Default)]
pub struct CreateAssetPayload {
    pub asset: Option<Asset>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RecordPartnerActivityInput {
    pub partner_account_id: ID,
    pub client_account_id: ID,
}
#[derive(SimpleObject, Default)]
pub struct RecordPartnerActivityPayload {
    pub partner_client: Option<PartnerClient>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct SetTestClockInput {
    pub now: crate::graphql::scalars::DateTime,
}
#[derive(SimpleObject, Default)]
pub struct SetTestClockPayload {
    pub now: Option<crate::graphql::scalars::DateTime>,
    pub user_errors: Vec<UserError>,
}

payloads!(
    CreateAccountPayload,
    CreateUserPayload,
    AddMemberPayload,
    AddVerifiedDomainPayload,
    SetCrmCompanyNamePayload,
    CreateAssetPayload,
    RecordPartnerActivityPayload,
    SetTestClockPayload
);

fn partner_id(id: &ID) -> cam_domain::Result<AccountId> {
    input_id(Kind::PartnerAccount, id, &["partnerAccountId"]).map(AccountId::new)
}
fn client_id(id: &ID) -> cam_domain::Result<AccountId> {
    input_id(Kind::ClientAccount, id, &["clientAccountId"]).map(AccountId::new)
}

#[derive(Default)]
pub struct OperatorMutation;

#[Object]
impl OperatorMutation {
    async fn create_account(&self, ctx: &Context<'_>, input: CreateAccountInput) -> Result<CreateAccountPayload> {
        let p = principal(ctx)?;
        let r = cam(ctx)?
            .accounts
            .create_account(
                p,
                CreateAccount {
                    kind: input.kind.into(),
                    name: input.name,
                    tier: input.tier.map(Into::into),
                    data_center: input.data_center,
                },
            )
            .await;
        payload(ctx, r, |a| match a.is_partner() {
            true => CreateAccountPayload { partner_account: Some(PartnerAccount::new(a)), ..Default::default() },
            false => CreateAccountPayload { client_account: Some(ClientAccount(a)), ..Default::default() },
        })
    }

    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> Result<CreateUserPayload> {
        let p = principal(ctx)?;
        payload(ctx, cam(ctx)?.users.create_user(p, &input.email, &input.name).await, |u| CreateUserPayload {
            user: Some(User(u)),
            ..Default::default()
        })
    }

    async fn add_member(&self, ctx: &Context<'_>, input: AddMemberInput) -> Result<AddMemberPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let (_, account) =
                input_id_of(&[Kind::PartnerAccount, Kind::ClientAccount], &input.account_id, &["accountId"])?;
            let member = AddMember {
                account_id: AccountId::new(account),
                user_id: UserId::new(input_id(Kind::User, &input.user_id, &["userId"])?),
                role: input.role.into(),
                seat: input.seat.map(Into::into),
                permissions: input.permissions.as_deref().map(permissions_in),
                worker_kind: input.worker_kind.map(Into::into),
            };
            cam.memberships.add_member(p, member).await
        }
        .await;
        payload(ctx, r, |(a, m)| match a.is_partner() {
            true => AddMemberPayload { worker: Some(Worker(m)), ..Default::default() },
            false => AddMemberPayload { membership: Some(Membership(m)), ..Default::default() },
        })
    }

    async fn add_verified_domain(
        &self,
        ctx: &Context<'_>,
        input: AddVerifiedDomainInput,
    ) -> Result<AddVerifiedDomainPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r =
            async { cam.accounts.add_verified_domain(p, partner_id(&input.partner_account_id)?, &input.domain).await }
                .await;
        payload(ctx, r, |a| AddVerifiedDomainPayload {
            partner_account: Some(PartnerAccount::new(a)),
            ..Default::default()
        })
    }

    async fn set_crm_company_name(
        &self,
        ctx: &Context<'_>,
        input: SetCrmCompanyNameInput,
    ) -> Result<SetCrmCompanyNamePayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let (partner, client) = (partner_id(&input.partner_account_id)?, client_id(&input.client_account_id)?);
            cam.accounts.set_crm_company_name(p, partner, client, &input.name).await
        }
        .await;
        payload(ctx, r, |_| SetCrmCompanyNamePayload::default())
    }

    async fn create_asset(&self, ctx: &Context<'_>, input: CreateAssetInput) -> Result<CreateAssetPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let owner = UserId::new(input_id(Kind::User, &input.owner_user_id, &["ownerUserId"])?);
            cam.assets
                .create_asset(p, client_id(&input.client_account_id)?, owner, input.kind.into(), &input.name)
                .await
        }
        .await;
        payload(ctx, r, |a| CreateAssetPayload { asset: Some(Asset(a)), ..Default::default() })
    }

    async fn record_partner_activity(
        &self,
        ctx: &Context<'_>,
        input: RecordPartnerActivityInput,
    ) -> Result<RecordPartnerActivityPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let (partner, client) = (partner_id(&input.partner_account_id)?, client_id(&input.client_account_id)?);
            cam.relationships.record_partner_activity(p, partner, client).await
        }
        .await;
        payload(ctx, r, |rel| RecordPartnerActivityPayload {
            partner_client: Some(PartnerClient::new(rel)),
            ..Default::default()
        })
    }

    async fn set_test_clock(&self, ctx: &Context<'_>, input: SetTestClockInput) -> Result<SetTestClockPayload> {
        let p = principal(ctx)?;
        payload(ctx, cam(ctx)?.schedule.set_test_clock_and_sweep(p, input.now.0).await, |now| SetTestClockPayload {
            now: Some(now.into()),
            ..Default::default()
        })
    }
}
