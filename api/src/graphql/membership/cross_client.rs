//! `addWorkerToClients` (R40): one worker into many clients.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::services::memberships::cross_client::AddWorkerToClients;
use cam_domain::{AccountId, MembershipId, PermissionSetId};

use super::Membership;
use crate::graphql::account::ClientAccount;
use crate::graphql::enums::{permissions_out, Permission};
use crate::graphql::error::{payload, payloads, UserError};
use crate::graphql::ids::{input_id, input_ids, Kind};
use crate::graphql::scalars::DateTime;
use crate::graphql::{cam, principal};

/// v1.1, R40: one worker into many clients, all-or-nothing.
#[derive(InputObject)]
pub struct AddWorkerToClientsInput {
    pub partner_account_id: ID,
    pub worker_id: ID,
    /// 1 to 500 client accounts.
    pub client_account_ids: Vec<ID>,
    pub permission_set_id: ID,
    /// R39: when the worker loses access to these clients (at most 730 days ahead).
    pub expires_at: Option<DateTime>,
}

#[derive(SimpleObject)]
pub struct ClientWithheldPermissions {
    pub client_account: ClientAccount,
    pub permissions: Vec<Permission>,
}

#[derive(SimpleObject, Default)]
pub struct AddWorkerToClientsPayload {
    pub memberships: Vec<Membership>,
    /// Only clients where something was withheld (R15).
    pub withheld: Vec<ClientWithheldPermissions>,
    /// A refused client has field [input, clientAccountIds, <its index>].
    pub user_errors: Vec<UserError>,
}

payloads!(AddWorkerToClientsPayload);

#[derive(Default)]
pub struct CrossClientMutation;

#[Object]
impl CrossClientMutation {
    /// R40: adds one worker to up to 500 clients with one permission set;
    /// every refused client is reported with its index.
    async fn add_worker_to_clients(
        &self,
        ctx: &Context<'_>,
        input: AddWorkerToClientsInput,
    ) -> Result<AddWorkerToClientsPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let req = AddWorkerToClients {
                partner: AccountId::new(input_id(
                    Kind::PartnerAccount,
                    &input.partner_account_id,
                    &["partnerAccountId"],
                )?),
                worker: MembershipId::new(input_id(Kind::Worker, &input.worker_id, &["workerId"])?),
                clients: input_ids(Kind::ClientAccount, &input.client_account_ids, "clientAccountIds", AccountId::new)?,
                set: PermissionSetId::new(input_id(
                    Kind::PermissionSet,
                    &input.permission_set_id,
                    &["permissionSetId"],
                )?),
                expires_at: input.expires_at.map(|t| t.0),
            };
            cam.memberships.add_worker_to_clients(p, req).await
        }
        .await;
        payload(ctx, r, |a| AddWorkerToClientsPayload {
            memberships: a.memberships.into_iter().map(Membership).collect(),
            withheld: a
                .withheld
                .into_iter()
                .map(|(client, w)| ClientWithheldPermissions {
                    client_account: ClientAccount(client),
                    permissions: permissions_out(w),
                })
                .collect(),
            ..Default::default()
        })
    }
}
