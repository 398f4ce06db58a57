//! `viewer`, `partnerAccount`, `clientAccount`, `now`.

use async_graphql::{Context, Object, Result, ID};
use cam_domain::account::model::AccountKind;
use cam_domain::services::access_links::may_approve_links;
use cam_domain::Principal;

use super::types::{ClientAccount, PartnerAccount, Viewer};
use crate::graphql::error::query;
use crate::graphql::ids::{decode, Kind};
use crate::graphql::{cam, principal};

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// Null when not signed in.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Option<Viewer>> {
        let Some(p @ Principal::User(u)) = ctx.data_opt::<Principal>() else { return Ok(None) };
        let accounts = query(ctx, cam(ctx)?.policy.viewer_accounts(p).await)?;
        let approves_for =
            accounts.iter().filter(|(a, m)| !a.is_partner() && may_approve_links(m)).map(|(a, _)| a.clone()).collect();
        let (partners, clients): (Vec<_>, Vec<_>) = accounts.into_iter().map(|(a, _)| a).partition(|a| a.is_partner());
        Ok(Some(Viewer { user: u.clone(), partners, clients, approves_for }))
    }

    async fn partner_account(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PartnerAccount>> {
        let p = principal(ctx)?;
        let Some(raw) = decode(Kind::PartnerAccount, &id) else { return Ok(None) };
        let id = cam_domain::AccountId::new(raw);
        if let Some(ask) = super::tab::clients_ask(ctx) {
            // The account and its Clients tab in one read (issue 29).
            let (filter, pu) = (&ask.filter, ask.partner_users.clone());
            let found = cam(ctx)?.relationships.partner_with_clients(p, id, filter, ask.page, ask.with_total, pu).await;
            return Ok(query(ctx, found)?
                .map(|(a, reader, tab)| PartnerAccount(a, reader, super::tab::Prefetched::new(ask, tab))));
        }
        let found = query(ctx, cam(ctx)?.accounts.visible_partner(p, id).await)?;
        Ok(found.map(|(a, reader)| PartnerAccount::found(a, reader)))
    }

    async fn client_account(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ClientAccount>> {
        let p = principal(ctx)?;
        let Some(raw) = decode(Kind::ClientAccount, &id) else { return Ok(None) };
        let found = query(
            ctx,
            cam(ctx)?.accounts.visible_account(p, cam_domain::AccountId::new(raw), AccountKind::Client).await,
        )?;
        Ok(found.map(ClientAccount))
    }

    /// The server's current time (the test clock's, in test-clock mode).
    async fn now(&self, ctx: &Context<'_>) -> Result<crate::graphql::scalars::DateTime> {
        Ok(cam(ctx)?.now().into())
    }
}
