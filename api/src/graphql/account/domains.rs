//! R52: a partner's domains and their DNS proof (`PartnerAccount.domains`,
//! `startDomainVerification`, `checkDomainVerification`).

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::account::proof;
use cam_domain::AccountId;

use crate::graphql::error::{payload, payloads, UserError};
use crate::graphql::ids::{input_id, Kind};
use crate::graphql::scalars::DateTime;
use crate::graphql::{cam, principal};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::account::proof::DomainStatus")]
pub enum DomainStatus {
    /// Verification started; the TXT record has not been found yet.
    Pending,
    Verified,
    /// Verified, but the daily check has failed since failingSince (R52).
    Failing,
    /// No longer verified: 7 days of failed checks.
    Lapsed,
}

/// A domain of a partner account and its DNS proof; `show_value` when the
/// viewer is one of the partner's active super admins.
pub struct PartnerDomain(pub proof::PartnerDomain, pub bool);

#[Object]
impl PartnerDomain {
    async fn domain(&self) -> &str {
        &self.0.domain
    }
    async fn status(&self) -> DomainStatus {
        self.0.status.into()
    }
    /// Where to publish the TXT record: _cam-verification.<domain>.
    async fn record_name(&self) -> String {
        self.0.record_name()
    }
    /// The TXT value to publish. Shown to the partner's super admins only; null for others.
    async fn record_value(&self) -> Option<&str> {
        self.0.record_value.as_deref().filter(|_| self.1)
    }
    async fn verified_at(&self) -> Option<DateTime> {
        self.0.verified_at.map(Into::into)
    }
    async fn last_checked_at(&self) -> Option<DateTime> {
        self.0.last_checked_at.map(Into::into)
    }
    async fn failing_since(&self) -> Option<DateTime> {
        self.0.failing_since.map(Into::into)
    }
}

/// `PartnerAccount.domains`: every domain with its proof state.
pub async fn domains_of(ctx: &Context<'_>, partner: AccountId) -> Result<Vec<PartnerDomain>> {
    let (p, cam) = (principal(ctx)?, cam(ctx)?);
    let domains = crate::graphql::error::query(ctx, cam.proofs.partner_domains(partner).await)?;
    let show = crate::graphql::error::query(ctx, cam.proofs.may_see_domain_records(p, partner).await)?;
    Ok(domains.into_iter().map(|d| PartnerDomain(d, show)).collect())
}

#[derive(InputObject)]
pub struct StartDomainVerificationInput {
    pub partner_account_id: ID,
    pub domain: String,
}
#[derive(SimpleObject, Default)]
pub struct StartDomainVerificationPayload {
    pub domain: Option<PartnerDomain>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct CheckDomainVerificationInput {
    pub partner_account_id: ID,
    pub domain: String,
}
#[derive(SimpleObject, Default)]
pub struct CheckDomainVerificationPayload {
    pub domain: Option<PartnerDomain>,
    pub user_errors: Vec<UserError>,
}

payloads!(StartDomainVerificationPayload, CheckDomainVerificationPayload);

fn partner_id(id: &ID) -> cam_domain::Result<AccountId> {
    input_id(Kind::PartnerAccount, id, &["partnerAccountId"]).map(AccountId::new)
}

#[derive(Default)]
pub struct DomainMutation;

#[Object]
impl DomainMutation {
    /// v1.2, R52: an active super admin of the partner account.
    async fn start_domain_verification(
        &self,
        ctx: &Context<'_>,
        input: StartDomainVerificationInput,
    ) -> Result<StartDomainVerificationPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            cam.proofs.start_domain_verification(p, partner_id(&input.partner_account_id)?, &input.domain).await
        }
        .await;
        payload(ctx, r, |d| StartDomainVerificationPayload {
            domain: Some(PartnerDomain(d, true)),
            ..Default::default()
        })
    }

    /// v1.2, R52: looks the TXT record up now.
    async fn check_domain_verification(
        &self,
        ctx: &Context<'_>,
        input: CheckDomainVerificationInput,
    ) -> Result<CheckDomainVerificationPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            cam.proofs.check_domain_verification(p, partner_id(&input.partner_account_id)?, &input.domain).await
        }
        .await;
        payload(ctx, r, |d| CheckDomainVerificationPayload {
            domain: Some(PartnerDomain(d, true)),
            ..Default::default()
        })
    }
}
