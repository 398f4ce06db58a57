//! The email outbox, written in the transaction of the change that sends.

use async_trait::async_trait;
use cam_domain::notify::model::{NewEmail, OutboxEmail};
use cam_domain::notify::ports::OutboxRepository;
use cam_domain::StorageError;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entities::outbox;
use super::{convert, db, Conn, SeaOrmRepository};

#[async_trait]
impl<C: Conn> OutboxRepository for SeaOrmRepository<C> {
    async fn enqueue(&self, email: NewEmail, at: DateTime<Utc>) -> Result<(), StorageError> {
        outbox::ActiveModel {
            to_key: Set(email.to.to_lowercase()),
            to_email: Set(email.to),
            subject: Set(email.subject),
            body: Set(email.body),
            created_at: Set(at),
            sent_at: Set(None),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn list_outbox(&self, to: Option<&str>, first: u32) -> Result<Vec<OutboxEmail>, StorageError> {
        let mut q = outbox::Entity::find();
        if let Some(to) = to {
            q = q.filter(outbox::Column::ToKey.eq(to.trim().to_lowercase()));
        }
        let rows = q.order_by_desc(outbox::Column::Id).limit(first as u64).all(&self.conn).await.map_err(db)?;
        Ok(rows.into_iter().map(convert::outbox).collect())
    }

    async fn unsent(&self, limit: u32) -> Result<Vec<OutboxEmail>, StorageError> {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::SentAt.is_null())
            .order_by_asc(outbox::Column::Id)
            .limit(limit as u64)
            .all(&self.conn)
            .await
            .map_err(db)?;
        Ok(rows.into_iter().map(convert::outbox).collect())
    }

    async fn mark_sent(&self, id: i64, at: DateTime<Utc>) -> Result<(), StorageError> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::SentAt, Expr::value(Some(at)))
            .filter(outbox::Column::Id.eq(id))
            .exec(&self.conn)
            .await
            .map_err(db)?;
        Ok(())
    }
}
