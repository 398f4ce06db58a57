//! `outbox` (operator only).

use async_graphql::{Context, Enum, Object, Result, SimpleObject};

use super::error::{invalid_input, query};
use super::{cam, principal};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::notify::model::EmailStatus")]
pub enum EmailStatus {
    Queued,
    Sent,
    Failed,
}

#[derive(SimpleObject)]
pub struct OutboxEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: crate::graphql::scalars::DateTime,
    pub sent_at: Option<crate::graphql::scalars::DateTime>,
    /// v1.1: what the email is about. At least: access_link.approved (R10),
    /// relationship.ending_warning and relationship.ended (R37), offboarding.notice
    /// (R38), membership.expiring (R39).
    pub kind: String,
    /// v1.1, R42.
    pub status: EmailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// v1.2, R55: the language the email is written in.
    pub locale: crate::graphql::user::Locale,
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
        let rows = query(ctx, cam(ctx)?.memberships.outbox(p, to.as_deref(), first).await)?;
        Ok(rows
            .into_iter()
            .map(|e| OutboxEmail {
                to: e.to,
                subject: e.subject,
                body: e.body,
                created_at: e.created_at.into(),
                sent_at: e.sent_at.map(Into::into),
                kind: e.kind,
                status: e.status.into(),
                attempts: i32::try_from(e.attempts).unwrap_or(i32::MAX),
                last_error: e.last_error,
                locale: e.locale.into(),
            })
            .collect())
    }
}
