//! Audit events.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::common::ids::{AccountId, AuditEventId, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub at: DateTime<Utc>,
    /// `None` when the operator acted.
    pub actor_id: Option<UserId>,
    pub action: String,
    /// The account the change happened in.
    pub account_id: Option<AccountId>,
    /// The partner whose log shows the event (R32), if any.
    pub partner_id: Option<AccountId>,
    pub subject_id: Option<UserId>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub action: &'static str,
    pub account_id: Option<AccountId>,
    pub partner_id: Option<AccountId>,
    pub subject_id: Option<UserId>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Whose log to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditScope {
    /// Events in a client account.
    Client(AccountId),
    /// Events in the partner account or done on the partner's behalf.
    Partner(AccountId),
}
