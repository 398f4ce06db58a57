//! Storage of audit events.

use async_trait::async_trait;

use super::model::{AuditEvent, AuditScope, NewAuditEvent};
use crate::common::error::StorageError;
use crate::common::page::{Page, PageRequest};

#[async_trait]
pub trait AuditRepository: Send + Sync {
    /// Errors: `Other`.
    async fn record(&self, event: NewAuditEvent) -> Result<(), StorageError>;
    /// Records events in one statement, in the given order, whatever their
    /// number. Errors: `Other`.
    async fn record_many(&self, events: Vec<NewAuditEvent>) -> Result<(), StorageError>;
    /// One event by id, for live delivery (R43). Errors: `Other`.
    async fn find_audit_event(&self, id: crate::common::ids::AuditEventId) -> Result<Option<AuditEvent>, StorageError>;
    /// Newest first; cursors are the event ids. The total (one more
    /// statement) only when `with_total`, else 0. Errors: `Other`.
    async fn list_audit(
        &self,
        scope: AuditScope,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Page<AuditEvent>, StorageError>;
}
