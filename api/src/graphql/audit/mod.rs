//! `AuditEvent`.

use async_graphql::{Context, Json, Object, Result, ID};

use super::ids::{encode, Kind};
use super::loaders::load;
use super::user::User;

pub struct AuditEvent(pub cam_domain::audit::model::AuditEvent);

#[Object]
impl AuditEvent {
    pub async fn id(&self) -> ID {
        encode(Kind::AuditEvent, self.0.id.get())
    }
    async fn at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.at
    }
    /// Null when the operator acted.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.0.actor_id {
            Some(id) => Ok(load(ctx, id).await?.map(User)),
            None => Ok(None),
        }
    }
    /// Dotted verb, e.g. access_link.approved, membership.permissions_changed.
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn account_id(&self, ctx: &Context<'_>) -> Result<Option<ID>> {
        let Some(id) = self.0.account_id else { return Ok(None) };
        let account: Option<cam_domain::account::model::Account> = load(ctx, id).await?;
        Ok(account.map(|a| encode(if a.is_partner() { Kind::PartnerAccount } else { Kind::ClientAccount }, id.get())))
    }
    async fn subject(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.0.subject_id {
            Some(id) => Ok(load(ctx, id).await?.map(User)),
            None => Ok(None),
        }
    }
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }
}
