//! Operator use cases on accounts and domains, and account visibility (R33).

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::{body, Store};

use serde_json::json;

use crate::account::model::{Account, AccountKind, NewAccount, PartnerTier};
use crate::common::error::{Code, Error, Refusal, Result, StorageError};
use crate::common::ids::AccountId;
use crate::membership::model::Membership;
use crate::permission::model::{Permissions, BUILT_IN_SET_NAME};
use crate::policy::is_cam_user;
pub use crate::policy::CamReader;
use crate::user::model::parse_person_name;
use crate::user::principal::Principal;

#[derive(Clone)]
pub struct CreateAccount {
    pub kind: AccountKind,
    pub name: String,
    pub tier: Option<PartnerTier>,
    pub data_center: Option<String>,
}

/// Operator use cases on accounts and domains, account visibility (R33) and the test clock (R35).
#[derive(Clone)]
pub struct AccountService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
    /// R35: whether the operator may set the clock.
    pub(crate) test_clock: bool,
}

impl AccountService {
    /// Operator: creates a partner (with its built-in Partner Admin set, R17,
    /// R20) or a client account.
    #[tracing::instrument(skip(self, p, input), err(level = "debug"))]
    pub async fn create_account(&self, p: &Principal, input: CreateAccount) -> Result<Account> {
        self.policy.operator(p)?;
        let mut bad = Vec::new();
        let name =
            parse_person_name(&input.name).map_err(|e| bad.push(Refusal::new(Code::InvalidInput, e).at(&["name"])));
        match (input.kind, input.tier) {
            (AccountKind::Partner, None) => {
                bad.push(Refusal::new(Code::InvalidInput, "a partner account needs a tier").at(&["tier"]))
            }
            (AccountKind::Client, Some(_)) => {
                bad.push(Refusal::new(Code::InvalidInput, "a client account has no tier").at(&["tier"]))
            }
            _ => {}
        }
        let data_center = input.data_center.unwrap_or_else(|| "na1".to_string()).trim().to_lowercase();
        if data_center.is_empty()
            || data_center.len() > 32
            || !data_center.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            bad.push(
                Refusal::new(Code::InvalidInput, "a data center is 1 to 32 letters, digits or dashes")
                    .at(&["dataCenter"]),
            );
        }
        let (Ok(name), true) = (name, bad.is_empty()) else {
            return Err(Error::Refused(bad));
        };
        let name = &name;
        let data_center = &data_center;
        self.store.transaction(|tx| body(async move {
            let account =
                tx.insert_account(NewAccount { kind: input.kind, name: name.clone(), tier: input.tier, data_center: data_center.clone() }, self.policy.now()).await?;
            // R17, R58: a partner's built-in Partner Admin set, a client's
            // built-in Partner Admin template.
            tx.insert_set(account.id, BUILT_IN_SET_NAME, Permissions::partner_admin_set(), true, self.policy.now()).await?;
            let mut ev = self.policy.event(None, "account.created");
            ev.account_id = Some(account.id);
            ev.partner_id = account.is_partner().then_some(account.id);
            ev.after = Some(
                json!({"kind": account.kind.as_str(), "name": account.name, "tier": account.tier.map(|t| t.as_str())}),
            );
            tx.record(ev).await?;
            Ok(account)
        }))
        .await
    }

    /// Operator: verifies an email domain for a partner (R3).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn add_verified_domain(&self, p: &Principal, partner: AccountId, raw: &str) -> Result<Account> {
        self.policy.operator(p)?;
        let domain = self.policy.partner_domain(raw)?;
        let domain = &domain;
        self.store
            .transaction(|tx| {
                body(async move {
                    let account = tx
                        .find_account(partner)
                        .await?
                        .filter(Account::is_partner)
                        .ok_or_else(|| Error::not_found(&["partnerAccountId"], "partner account"))?;
                    match tx.domain_owner(domain).await? {
                        Some(owner) if owner == partner => {
                            return Err(Error::refused_at(
                                Code::AlreadyExists,
                                &["domain"],
                                "the partner has verified this domain already",
                            ))
                        }
                        Some(_) => {
                            return Err(Error::refused_at(
                                Code::DomainTaken,
                                &["domain"],
                                "another partner has verified this domain",
                            ))
                        }
                        None => {}
                    }
                    match tx.insert_domain(partner, domain, self.policy.now()).await {
                        Err(StorageError::Conflict(_)) => {
                            return Err(Error::refused_at(
                                Code::DomainTaken,
                                &["domain"],
                                "another partner has verified this domain",
                            ))
                        }
                        r => r?,
                    }
                    let mut ev = self.policy.event(None, "partner.domain_verified");
                    ev.account_id = Some(partner);
                    ev.partner_id = Some(partner);
                    ev.after = Some(json!({"domain": domain.as_str()}));
                    tx.record(ev).await?;
                    Ok(account)
                })
            })
            .await
    }

    /// Operator: the company's name in the partner's CRM, shown as the
    /// relationship's display name.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn set_crm_company_name(
        &self,
        p: &Principal,
        partner: AccountId,
        client: AccountId,
        name: &str,
    ) -> Result<()> {
        self.policy.operator(p)?;
        let name = &parse_person_name(name).map_err(|e| Error::refused_at(Code::InvalidInput, &["name"], e))?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let Some(rel) = tx.find_relationship(partner, client).await? else {
                        return Err(Error::not_found(&["clientAccountId"], "managed relationship"));
                    };
                    tx.set_crm_name(partner, client, name).await?;
                    let mut ev = self.policy.event(None, "relationship.crm_name_set");
                    ev.account_id = Some(client);
                    ev.partner_id = Some(partner);
                    ev.before = Some(json!({"crmName": rel.crm_name}));
                    ev.after = Some(json!({"crmName": name}));
                    tx.record(ev).await?;
                    Ok(())
                })
            })
            .await
    }

    /// R35: sets the test clock, when the server runs with one.
    pub fn set_test_clock(
        &self,
        p: &Principal,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<chrono::DateTime<chrono::Utc>> {
        self.policy.operator(p)?;
        if !self.test_clock || !self.policy.clock.set(now) {
            return Err(Error::refused(Code::TestClockDisabled, "the server does not run with a test clock"));
        }
        Ok(self.policy.now())
    }

    /// R33: an account the principal may see (the operator sees all; a user
    /// sees accounts where they are an active member).
    pub async fn visible_account(&self, p: &Principal, id: AccountId, kind: AccountKind) -> Result<Option<Account>> {
        Ok(self.visible_with_membership(p, id, kind).await?.map(|(a, _)| a))
    }

    /// A partner account the principal may see (R33, as `visible_account`),
    /// with the finding that they may read its CAM data (R1) when they may,
    /// from the same statement.
    pub async fn visible_partner(&self, p: &Principal, id: AccountId) -> Result<Option<(Account, Option<CamReader>)>> {
        let found = self.visible_with_membership(p, id, AccountKind::Partner).await?;
        let viewer = p.user().map(|u| u.id);
        Ok(found.and_then(|(a, m)| CamReader::of_partner(viewer, &a, m.as_ref()).map(|reader| (a, reader))))
    }

    /// R33's rule, with the user's active membership there (none for the
    /// operator): one statement for the account and the membership.
    async fn visible_with_membership(
        &self,
        p: &Principal,
        id: AccountId,
        kind: AccountKind,
    ) -> Result<Option<(Account, Option<Membership>)>> {
        match p {
            Principal::Operator => Ok(self.store.find_account(id).await?.filter(|a| a.kind == kind).map(|a| (a, None))),
            Principal::User(u) => Ok(match self.store.account_with_membership(id, u.id).await? {
                Some((a, Some(m))) if a.kind == kind && m.is_active() => Some((a, Some(m))),
                _ => None,
            }),
        }
    }

    /// R1 as a question: may the principal use the Client Access Manager here?
    pub async fn can_manage_access(&self, p: &Principal, partner: AccountId) -> Result<bool> {
        match p {
            Principal::Operator => Ok(false),
            Principal::User(u) => Ok(self
                .policy
                .active_membership(self.store.as_ref(), partner, u.id)
                .await?
                .as_ref()
                .is_some_and(is_cam_user)),
        }
    }
}
