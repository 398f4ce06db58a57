//! `outbox` (operator only).

use async_graphql::{Context, Object, Result, SimpleObject};

use super::error::{invalid_input, query};
use super::{cam, principal};

#[derive(SimpleObject)]
pub struct OutboxEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: crate::graphql::scalars::DateTime,
    pub sent_at: Option<crate::graphql::scalars::DateTime>,
}

#[derive(Default)]
pub struct NotifyQuery;

#[Object]
impl NotifyQuery {
    /// Operator only: queued and sent emails, newest first.
    async fn outbox(&self, ctx: &Context<'_>, to: Option<String>, first: Option<i32>) -> Result<Vec<OutboxEmail>> {
        let p = principal(ctx)?;
        let first = match first {
            None => 50,
            Some(n) if (0..=100).contains(&n) => n as u32,
            Some(_) => return Err(invalid_input("first must be between 0 and 100")),
        };
        let rows = query(ctx, cam(ctx)?.outbox(p, to.as_deref(), first).await)?;
        Ok(rows
            .into_iter()
            .map(|e| OutboxEmail {
                to: e.to,
                subject: e.subject,
                body: e.body,
                created_at: e.created_at.into(),
                sent_at: e.sent_at.map(Into::into),
            })
            .collect())
    }
}
