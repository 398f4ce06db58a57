//! The tables and columns as this migration created them.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
pub enum Accounts {
    Table,
    Id,
    Kind,
    Name,
    Tier,
    DataCenter,
    CreatedAt,
}
#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Email,
    EmailKey,
    Name,
    CreatedAt,
}
#[derive(DeriveIden)]
pub enum Memberships {
    Table,
    Id,
    AccountId,
    UserId,
    Role,
    Seat,
    Status,
    Permissions,
    PermissionSetId,
    PartnerId,
    ManagedCredit,
    WorkerKind,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
pub enum VerifiedDomains {
    Table,
    Id,
    PartnerId,
    Domain,
    CreatedAt,
}
#[derive(DeriveIden)]
pub enum PermissionSets {
    Table,
    Id,
    PartnerId,
    Name,
    NameKey,
    Permissions,
    BuiltIn,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
pub enum AccessLinks {
    Table,
    Id,
    PartnerId,
    WorkerId,
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}
#[derive(DeriveIden)]
pub enum AccessLinkApprovals {
    Table,
    Id,
    AccessLinkId,
    ClientId,
    ApprovedBy,
    MembershipId,
    ApprovedAt,
}
#[derive(DeriveIden)]
pub enum ManagedRelationships {
    Table,
    Id,
    PartnerId,
    ClientId,
    CrmName,
    StartedAt,
    LastActivityAt,
}
#[derive(DeriveIden)]
pub enum Assets {
    Table,
    Id,
    ClientId,
    OwnerId,
    Kind,
    Name,
    CreatedAt,
}
#[derive(DeriveIden)]
pub enum AuditEvents {
    Table,
    Id,
    At,
    ActorId,
    Action,
    AccountId,
    PartnerId,
    SubjectId,
    Before,
    After,
}
#[derive(DeriveIden)]
pub enum EmailOutbox {
    Table,
    Id,
    ToEmail,
    ToKey,
    Subject,
    Body,
    CreatedAt,
    SentAt,
}
#[derive(DeriveIden)]
pub enum WriteLock {
    Table,
    Id,
    Counter,
}
