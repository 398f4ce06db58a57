//! R40: one worker into many client accounts in one request ("Link
//! clients" on the Employees and Contractors tabs, for clients where the
//! worker is not a member yet, R49). All or nothing, set-based: the number
//! of statements does not grow with the number of clients.

use super::partner_users::refuse_repeats;
use crate::store::body;

use super::MembershipService;

use chrono::{DateTime, Utc};

use crate::account::model::Account;
use crate::membership::model::{Membership, NewMembership};

use crate::common::error::{Code, Error, Refusal, Result, StorageError};
use crate::common::ids::{AccountId, MembershipId, PermissionSetId};
use crate::membership::change::{plan_new_member, SeatStanding};
use crate::notify::model::Message;
use crate::permission::Permissions;
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

/// R40: most clients one request may name.
pub const MAX_CLIENTS: usize = 500;

#[derive(Debug, Clone)]
pub struct AddWorkerToClients {
    pub partner: AccountId,
    pub worker: MembershipId,
    pub clients: Vec<AccountId>,
    pub set: PermissionSetId,
    /// R39: when these memberships end by themselves.
    pub expires_at: Option<DateTime<Utc>>,
}

pub struct AddedToClients {
    /// The new memberships, in the order of the clients asked for.
    pub memberships: Vec<Membership>,
    /// Per client, what the caller's ceiling there withheld (R15, R16);
    /// only clients where something was withheld.
    pub withheld: Vec<(Account, Permissions)>,
}

/// 1 to 500 clients, none named twice (R34).
fn check_clients(clients: &[AccountId]) -> Result<()> {
    if clients.is_empty() || clients.len() > MAX_CLIENTS {
        return Err(Error::refused_at(
            Code::InvalidInput,
            &["clientAccountIds"],
            format!("name 1 to {MAX_CLIENTS} client accounts"),
        ));
    }
    refuse_repeats(clients, "clientAccountIds")
}

impl MembershipService {
    /// R40 (with R12, R13, R15, R46 per client): adds one worker of the
    /// partner to many clients with one permission set; every refused
    /// client is reported with its index, and then nothing changes.
    #[tracing::instrument(skip(self, p, input), fields(clients = input.clients.len()), err(level = "debug"))]
    pub async fn add_worker_to_clients(&self, p: &Principal, input: AddWorkerToClients) -> Result<AddedToClients> {
        let user = self.policy.user(p)?;
        check_clients(&input.clients)?;
        super::expiry::check_expiry(input.expires_at, self.policy.now(), &["expiresAt"])?;
        let input = &input;
        self.store
            .transaction(|tx| {
                body(async move {
                    // R33: the partner, its worker and its set are seen by its active members.
                    let partner = tx.find_account(input.partner).await?.filter(Account::is_partner);
                    let me_there = match &partner {
                        Some(a) => self.policy.active_membership(tx.repo(), a.id, user.id).await?,
                        None => None,
                    };
                    let (Some(partner), Some(_)) = (partner, me_there) else {
                        return Err(Error::not_found(&["partnerAccountId"], "partner account"));
                    };
                    let worker = tx
                        .find_membership(input.worker)
                        .await?
                        .filter(|w| w.account_id == partner.id && w.worker_kind.is_some())
                        .ok_or_else(|| Error::not_found(&["workerId"], "worker"))?;
                    if !worker.is_active() {
                        return Err(Error::refused_at(
                            Code::InvalidInput,
                            &["workerId"],
                            "the worker is deactivated in the partner account",
                        ));
                    }
                    let set = tx
                        .find_set(input.set)
                        .await?
                        .filter(|s| s.account_id == partner.id)
                        .ok_or_else(|| Error::not_found(&["permissionSetId"], "permission set"))?;
                    let worker_user =
                        tx.find_user(worker.user_id).await?.ok_or_else(|| Error::not_found(&["workerId"], "worker"))?;
                    let standing = SeatStanding {
                        tier_allows: partner.allows_partner_admins(),
                        eligible: self.policy.seat_eligible(tx.repo(), &partner, &worker, &worker_user.email).await?,
                    };
                    // Lock the clients (ascending ids, one statement), then read under
                    // the locks: the caller's and the worker's memberships there.
                    self.lock_all(tx.repo(), input.clients.iter().copied()).await?;
                    let accounts = tx.find_accounts(&input.clients).await?;
                    let members = tx.memberships_of_users_in(&input.clients, &[user.id, worker.user_id]).await?;
                    let mut refusals = Vec::new();
                    let mut news = Vec::new();
                    let mut withheld = Vec::new();
                    for (i, c) in input.clients.iter().enumerate() {
                        let mine = members.iter().find(|m| m.account_id == *c && m.user_id == user.id);
                        let (Some(account), Some(me)) = (accounts.get(c).filter(|a| a.is_client()), mine) else {
                            // R33: a client the caller is not a member of is unknown to them.
                            refusals.push(
                                Refusal::new(Code::NotFound, "client account not found").at_item("clientAccountIds", i),
                            );
                            continue;
                        };
                        if !me.is_active_partner_admin_of(partner.id) {
                            refusals.push(
                                Refusal::new(
                                    Code::NotAllowed,
                                    "you are not an active partner admin of this client for this partner (R12)",
                                )
                                .at_item("clientAccountIds", i),
                            );
                            continue;
                        }
                        if members.iter().any(|m| m.account_id == *c && m.user_id == worker.user_id) {
                            refusals.push(
                                Refusal::new(
                                    Code::AlreadyMember,
                                    "the worker is a member of this client already; link them (R14)",
                                )
                                .at_item("clientAccountIds", i),
                            );
                            continue;
                        }
                        let plan = match plan_new_member(&set, me.grantable(), standing) {
                            Ok(plan) => plan,
                            Err((code, why)) => return Err(Error::refused_at(code, &["workerId"], why)),
                        };
                        if !plan.withheld.is_empty() {
                            withheld.push((account.clone(), plan.withheld));
                        }
                        news.push(NewMembership {
                            account_id: *c,
                            user_id: worker.user_id,
                            role: plan.role,
                            seat: plan.seat,
                            permissions: plan.permissions,
                            permission_set_id: Some(set.id),
                            partner_id: Some(partner.id),
                            managed_credit: plan.managed_credit,
                            worker_kind: None,
                            created_at: self.policy.now(),
                        });
                    }
                    if !refusals.is_empty() {
                        return Err(Error::Refused(refusals));
                    }
                    let now = self.policy.now();
                    let added = self
                        .add_partner_users(
                            tx.repo(),
                            user,
                            partner.id,
                            &input.clients,
                            news,
                            input.expires_at,
                            "clientAccountIds",
                        )
                        .await?;
                    let names: Vec<String> =
                        input.clients.iter().filter_map(|c| accounts.get(c)).map(|a| a.name.clone()).take(20).collect();
                    let more = input.clients.len().saturating_sub(names.len()) as u64;
                    let message = Message::ClientsAdded {
                        adder: user.name.clone(),
                        partner: partner.name.clone(),
                        count: added.len() as u64,
                        clients: names,
                        more,
                    };
                    tx.enqueue(self.policy.email(&worker_user, message), now).await?;
                    Ok(AddedToClients { memberships: added, withheld })
                })
            })
            .await
    }

    /// The one write path of partner users joining clients (R13 and R40):
    /// qualifying activity in every client (R27), recorded before the
    /// memberships exist so that an `ENDED` relationship starts anew; one
    /// set-based insert; one statement for their expiry (R39) when there
    /// is one; their audit events in one statement (R32). A membership that
    /// appeared meanwhile is `ALREADY_MEMBER` at `path`. Call with the
    /// clients locked.
    #[allow(clippy::too_many_arguments)] // who, where, what and when of one write
    pub(crate) async fn add_partner_users(
        &self,
        repo: &dyn Repository,
        actor: &User,
        partner: AccountId,
        clients: &[AccountId],
        news: Vec<NewMembership>,
        expires_at: Option<DateTime<Utc>>,
        path: &'static str,
    ) -> Result<Vec<Membership>> {
        repo.record_activity_in(partner, clients, self.policy.now()).await?;
        let added = match repo.insert_memberships(&news).await {
            Err(StorageError::Conflict(_)) => {
                return Err(Error::refused_at(
                    Code::AlreadyMember,
                    &[path],
                    "a member joined this client meanwhile; try again",
                ))
            }
            r => r?,
        };
        let added = match expires_at {
            Some(at) => {
                let ids: Vec<_> = added.iter().map(|m| m.id).collect();
                repo.set_membership_expiry(&ids, Some(at)).await?;
                added.into_iter().map(|m| Membership { expires_at: Some(at), ..m }).collect()
            }
            None => added,
        };
        let events =
            added.iter().map(|m| self.policy.membership_event(Some(actor), "membership.added", None, m)).collect();
        repo.record_many(events).await?;
        Ok(added)
    }
}
