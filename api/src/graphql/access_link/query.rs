//! `accessLinkPreview` (R9).

use async_graphql::{Context, Object, Result};

use super::AccessLinkPreview;
use crate::graphql::cam;
use crate::graphql::error::query;

#[derive(Default)]
pub struct AccessLinkQuery;

#[Object]
impl AccessLinkQuery {
    /// Anyone with the token, signed in or not (R9, R53). Null for an unknown token.
    async fn access_link_preview(&self, ctx: &Context<'_>, token: String) -> Result<Option<AccessLinkPreview>> {
        if token.len() > 512 {
            return Ok(None);
        }
        let preview = query(ctx, cam(ctx)?.access_links.preview_access_link(&token).await)?;
        Ok(preview.map(AccessLinkPreview::from))
    }
}
