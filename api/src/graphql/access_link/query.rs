//! `accessLinkPreview` (R9).

use async_graphql::{Context, Object, Result};

use super::AccessLinkPreview;
use crate::graphql::cam;
use crate::graphql::error::query;

#[derive(Default)]
pub struct AccessLinkQuery;

#[Object]
impl AccessLinkQuery {
    /// Anyone with the token, signed in or not (R9). Null for an unknown token.
    async fn access_link_preview(&self, ctx: &Context<'_>, token: String) -> Result<Option<AccessLinkPreview>> {
        if token.len() > 512 {
            return Ok(None);
        }
        let preview = query(ctx, cam(ctx)?.preview_access_link(&token).await)?;
        Ok(preview.map(|p| AccessLinkPreview {
            partner_name: p.partner_name,
            partner_tier: p.partner_tier.into(),
            worker_name: p.worker_name,
            worker_email: p.worker_email,
            expires_at: p.expires_at.into(),
            problem: p.problem.map(|x| x.code().into()),
        }))
    }
}
