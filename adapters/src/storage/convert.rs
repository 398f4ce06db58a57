//! Rows to domain values. A row the domain cannot read is a storage error,
//! never a panic.

use cam_domain::access_link::model::{AccessLink, Approval, Decline, Note};
use cam_domain::account::model::{Account, AccountKind, PartnerTier};
use cam_domain::asset::model::{Asset, AssetKind};
use cam_domain::audit::model::AuditEvent;
use cam_domain::membership::model::{MemberStatus, Membership, Role, Seat, WorkerKind};
use cam_domain::notify::model::{EmailStatus, OutboxEmail};
use cam_domain::permission::model::{PermissionSet, Permissions};
use cam_domain::relationship::model::Relationship;
use cam_domain::user::model::{Email, Locale, User};
use cam_domain::*;

use super::entities as e;

fn bad(what: &str, value: &str) -> StorageError {
    StorageError::Other(format!("unreadable {what} in storage: {value:?}").into())
}

fn parse<T>(what: &str, s: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, StorageError> {
    f(s).ok_or_else(|| bad(what, s))
}

pub fn account(m: e::account::Model) -> Result<Account, StorageError> {
    Ok(Account {
        id: AccountId::new(m.id),
        kind: parse("account kind", &m.kind, AccountKind::parse)?,
        tier: m.tier.as_deref().map(|t| parse("tier", t, PartnerTier::parse)).transpose()?,
        name: m.name,
        data_center: m.data_center,
        created_at: m.created_at,
    })
}

pub fn user(m: e::user::Model) -> Result<User, StorageError> {
    Ok(User {
        id: UserId::new(m.id),
        email: Email::parse(&m.email).map_err(|_| bad("email", &m.email))?,
        name: m.name,
        locale: parse("locale", &m.locale, Locale::parse)?,
    })
}

pub fn membership(m: e::membership::Model) -> Result<Membership, StorageError> {
    Ok(Membership {
        id: MembershipId::new(m.id),
        account_id: AccountId::new(m.account_id),
        user_id: UserId::new(m.user_id),
        role: parse("role", &m.role, Role::parse)?,
        seat: parse("seat", &m.seat, Seat::parse)?,
        status: parse("status", &m.status, MemberStatus::parse)?,
        permissions: Permissions::from_storage(&m.permissions),
        permission_set_id: m.permission_set_id.map(PermissionSetId::new),
        partner_id: m.partner_id.map(AccountId::new),
        managed_credit: m.managed_credit,
        worker_kind: m.worker_kind.as_deref().map(|k| parse("worker kind", k, WorkerKind::parse)).transpose()?,
        created_at: m.created_at,
        expires_at: m.expires_at,
    })
}

pub fn permission_set(m: e::permission_set::Model) -> PermissionSet {
    PermissionSet {
        id: PermissionSetId::new(m.id),
        account_id: AccountId::new(m.partner_id),
        name: m.name,
        permissions: Permissions::from_storage(&m.permissions),
        built_in: m.built_in,
        created_at: m.created_at,
    }
}

pub fn access_link(m: e::access_link::Model) -> AccessLink {
    AccessLink {
        id: AccessLinkId::new(m.id),
        partner_id: AccountId::new(m.partner_id),
        worker_id: MembershipId::new(m.worker_id),
        created_by: m.created_by.map(UserId::new),
        created_at: m.created_at,
        expires_at: m.expires_at,
        revoked_at: m.revoked_at,
    }
}

pub fn approval(m: e::approval::Model) -> Approval {
    Approval {
        link_id: AccessLinkId::new(m.access_link_id),
        client_id: AccountId::new(m.client_id),
        approved_by: m.approved_by.map(UserId::new),
        membership_id: MembershipId::new(m.membership_id.unwrap_or_default()),
        approved_at: m.approved_at,
    }
}

pub fn decline(m: e::decline::Model) -> Decline {
    Decline {
        link_id: AccessLinkId::new(m.access_link_id),
        client_id: AccountId::new(m.client_id),
        declined_by: m.declined_by.map(UserId::new),
        // Stored notes were parsed on the way in; one that no longer
        // parses is read as none rather than failing the read.
        note: Note::parse(m.note.as_deref()).ok().flatten(),
        declined_at: m.declined_at,
    }
}

pub fn relationship(m: e::relationship::Model) -> Relationship {
    Relationship {
        id: RelationshipId::new(m.id),
        partner_id: AccountId::new(m.partner_id),
        client_id: AccountId::new(m.client_id),
        crm_name: m.crm_name,
        started_at: m.started_at,
        last_activity_at: m.last_activity_at,
    }
}

pub fn asset(m: e::asset::Model) -> Result<Asset, StorageError> {
    Ok(Asset {
        id: AssetId::new(m.id),
        client_id: AccountId::new(m.client_id),
        owner_id: m.owner_id.map(UserId::new),
        kind: parse("asset kind", &m.kind, AssetKind::parse)?,
        name: m.name,
    })
}

pub fn audit_event(m: e::audit_event::Model) -> AuditEvent {
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    AuditEvent {
        id: AuditEventId::new(m.id),
        at: m.at,
        actor_id: m.actor_id.map(UserId::new),
        action: m.action,
        account_id: m.account_id.map(AccountId::new),
        partner_id: m.partner_id.map(AccountId::new),
        subject_id: m.subject_id.map(UserId::new),
        before: json(m.before),
        after: json(m.after),
    }
}

pub fn outbox(m: e::outbox::Model) -> Result<OutboxEmail, StorageError> {
    Ok(OutboxEmail {
        id: m.id,
        status: parse("email status", &m.status, EmailStatus::parse)?,
        kind: m.kind,
        to: m.to_email,
        locale: parse("locale", &m.locale, Locale::parse)?,
        subject: m.subject,
        body: m.body,
        created_at: m.created_at,
        sent_at: m.sent_at,
        attempts: u32::try_from(m.attempts.max(0)).unwrap_or(0),
        last_error: m.last_error,
        failing_since: m.failing_since,
    })
}

/// Converts a list of rows, failing on the first unreadable one.
pub fn all<M, T>(rows: Vec<M>, f: impl Fn(M) -> Result<T, StorageError>) -> Result<Vec<T>, StorageError> {
    rows.into_iter().map(f).collect()
}
