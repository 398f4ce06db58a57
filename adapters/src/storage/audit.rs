//! The audit log (R32), newest first.

use async_trait::async_trait;
use cam_domain::audit::model::{AuditEvent, AuditScope, NewAuditEvent};
use cam_domain::audit::ports::AuditRepository;
use cam_domain::{Page, PageRequest, StorageError};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entities::audit_event;
use super::{convert, db, Conn, SeaOrmRepository};

#[async_trait]
impl<C: Conn> AuditRepository for SeaOrmRepository<C> {
    async fn record(&self, e: NewAuditEvent) -> Result<(), StorageError> {
        audit_event::ActiveModel {
            at: Set(e.at),
            actor_id: Set(e.actor_id.map(|u| u.get())),
            action: Set(e.action.to_string()),
            account_id: Set(e.account_id.map(|a| a.get())),
            partner_id: Set(e.partner_id.map(|a| a.get())),
            subject_id: Set(e.subject_id.map(|u| u.get())),
            before: Set(e.before.map(|v| v.to_string())),
            after: Set(e.after.map(|v| v.to_string())),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn list_audit(&self, scope: AuditScope, page: PageRequest) -> Result<Page<AuditEvent>, StorageError> {
        let select = match scope {
            AuditScope::Client(c) => audit_event::Entity::find().filter(audit_event::Column::AccountId.eq(c.get())),
            AuditScope::Partner(p) => audit_event::Entity::find().filter(audit_event::Column::PartnerId.eq(p.get())),
        };
        let total = select.clone().count(&self.conn).await.map_err(db)?;
        let mut q = select.order_by_desc(audit_event::Column::Id);
        if let Some(after) = page.after {
            q = q.filter(audit_event::Column::Id.lt(after));
        }
        let mut rows = q.limit(page.first as u64 + 1).all(&self.conn).await.map_err(db)?;
        let has_next = rows.len() > page.first as usize;
        rows.truncate(page.first as usize);
        Ok(Page {
            items: rows.into_iter().map(convert::audit_event).collect(),
            has_next,
            has_previous: page.after.is_some(),
            total,
        })
    }
}
