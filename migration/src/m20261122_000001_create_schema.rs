//! The whole data model of RULES.md. The database enforces what it can: one
//! membership per (account, user), unique case-insensitive emails (through
//! the lower-cased `email_key`), a domain in one partner only, unique set
//! names per partner (`name_key`), foreign keys, and an index for every
//! lookup the API makes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

mod names;

use names::*;

use crate::ddl::{cols, fk_col, fk_opt, index, pk, references, text, time, time_opt, unique_index};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Accounts::Table)
                .col(pk(Accounts::Id))
                .col(text(Accounts::Kind).check(Expr::col(Accounts::Kind).is_in(["PARTNER", "CLIENT"])))
                .col(text(Accounts::Name))
                .col(ColumnDef::new(Accounts::Tier).string().null())
                .col(text(Accounts::DataCenter))
                .col(time(Accounts::CreatedAt))
                .check(
                    Expr::col(Accounts::Kind)
                        .eq("PARTNER")
                        .and(Expr::col(Accounts::Tier).is_in(["SOLUTIONS_PARTNER", "PROVIDER", "APP_PARTNER"]))
                        .or(Expr::col(Accounts::Kind).eq("CLIENT").and(Expr::col(Accounts::Tier).is_null())),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk(Users::Id))
                .col(text(Users::Email))
                .col(text(Users::EmailKey).unique_key())
                .col(text(Users::Name))
                .col(time(Users::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PermissionSets::Table)
                .col(pk(PermissionSets::Id))
                .col(fk_col(PermissionSets::PartnerId))
                .col(text(PermissionSets::Name))
                .col(text(PermissionSets::NameKey))
                .col(ColumnDef::new(PermissionSets::Permissions).text().not_null())
                .col(ColumnDef::new(PermissionSets::BuiltIn).boolean().not_null())
                .col(time(PermissionSets::CreatedAt))
                .col(time(PermissionSets::UpdatedAt))
                .foreign_key(&mut references(
                    (PermissionSets::Table, PermissionSets::PartnerId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique_index(
            "ux_permission_sets_partner_name",
            PermissionSets::Table,
            cols!(PermissionSets::PartnerId, PermissionSets::NameKey),
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(pk(Memberships::Id))
                .col(fk_col(Memberships::AccountId))
                .col(fk_col(Memberships::UserId))
                .col(text(Memberships::Role).check(Expr::col(Memberships::Role).is_in([
                    "SUPER_ADMIN",
                    "PARTNER_ADMIN",
                    "STANDARD",
                ])))
                .col(text(Memberships::Seat).check(Expr::col(Memberships::Seat).is_in([
                    "PARTNER",
                    "CORE",
                    "SALES",
                    "SERVICE",
                    "VIEW_ONLY",
                ])))
                .col(text(Memberships::Status).check(Expr::col(Memberships::Status).is_in(["ACTIVE", "DEACTIVATED"])))
                .col(ColumnDef::new(Memberships::Permissions).text().not_null())
                .col(fk_opt(Memberships::PermissionSetId))
                .col(fk_opt(Memberships::PartnerId))
                .col(ColumnDef::new(Memberships::ManagedCredit).boolean().not_null())
                .col(ColumnDef::new(Memberships::WorkerKind).string().null())
                .col(time(Memberships::CreatedAt))
                .col(time(Memberships::UpdatedAt))
                .foreign_key(&mut references(
                    (Memberships::Table, Memberships::AccountId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (Memberships::Table, Memberships::UserId),
                    (Users::Table, Users::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (Memberships::Table, Memberships::PermissionSetId),
                    (PermissionSets::Table, PermissionSets::Id),
                    Some(ForeignKeyAction::SetNull),
                ))
                .foreign_key(&mut references(
                    (Memberships::Table, Memberships::PartnerId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::SetNull),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique_index(
            "ux_memberships_account_user",
            Memberships::Table,
            cols!(Memberships::AccountId, Memberships::UserId),
        ))
        .await?;
        m.create_index(index("ix_memberships_user", Memberships::Table, cols!(Memberships::UserId))).await?;
        m.create_index(index(
            "ix_memberships_partner_account",
            Memberships::Table,
            cols!(Memberships::PartnerId, Memberships::AccountId),
        ))
        .await?;
        m.create_index(index("ix_memberships_permission_set", Memberships::Table, cols!(Memberships::PermissionSetId)))
            .await?;
        m.create_index(index(
            "ix_memberships_account_role",
            Memberships::Table,
            cols!(Memberships::AccountId, Memberships::Role, Memberships::Status),
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(VerifiedDomains::Table)
                .col(pk(VerifiedDomains::Id))
                .col(fk_col(VerifiedDomains::PartnerId))
                .col(text(VerifiedDomains::Domain).unique_key())
                .col(time(VerifiedDomains::CreatedAt))
                .foreign_key(&mut references(
                    (VerifiedDomains::Table, VerifiedDomains::PartnerId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_verified_domains_partner", VerifiedDomains::Table, cols!(VerifiedDomains::PartnerId)))
            .await?;

        m.create_table(
            Table::create()
                .table(AccessLinks::Table)
                .col(pk(AccessLinks::Id))
                .col(fk_col(AccessLinks::PartnerId))
                .col(fk_col(AccessLinks::WorkerId))
                .col(text(AccessLinks::TokenHash).unique_key())
                .col(fk_opt(AccessLinks::CreatedBy))
                .col(time(AccessLinks::CreatedAt))
                .col(time(AccessLinks::ExpiresAt))
                .col(time_opt(AccessLinks::RevokedAt))
                .foreign_key(&mut references(
                    (AccessLinks::Table, AccessLinks::PartnerId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (AccessLinks::Table, AccessLinks::WorkerId),
                    (Memberships::Table, Memberships::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (AccessLinks::Table, AccessLinks::CreatedBy),
                    (Users::Table, Users::Id),
                    Some(ForeignKeyAction::SetNull),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_access_links_worker", AccessLinks::Table, cols!(AccessLinks::WorkerId))).await?;

        m.create_table(
            Table::create()
                .table(AccessLinkApprovals::Table)
                .col(pk(AccessLinkApprovals::Id))
                .col(fk_col(AccessLinkApprovals::AccessLinkId))
                .col(fk_col(AccessLinkApprovals::ClientId))
                .col(fk_opt(AccessLinkApprovals::ApprovedBy))
                .col(fk_opt(AccessLinkApprovals::MembershipId))
                .col(time(AccessLinkApprovals::ApprovedAt))
                .foreign_key(&mut references(
                    (AccessLinkApprovals::Table, AccessLinkApprovals::AccessLinkId),
                    (AccessLinks::Table, AccessLinks::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (AccessLinkApprovals::Table, AccessLinkApprovals::ClientId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (AccessLinkApprovals::Table, AccessLinkApprovals::ApprovedBy),
                    (Users::Table, Users::Id),
                    Some(ForeignKeyAction::SetNull),
                ))
                .foreign_key(&mut references(
                    (AccessLinkApprovals::Table, AccessLinkApprovals::MembershipId),
                    (Memberships::Table, Memberships::Id),
                    Some(ForeignKeyAction::SetNull),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique_index(
            "ux_approvals_link_client",
            AccessLinkApprovals::Table,
            cols!(AccessLinkApprovals::AccessLinkId, AccessLinkApprovals::ClientId),
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ManagedRelationships::Table)
                .col(pk(ManagedRelationships::Id))
                .col(fk_col(ManagedRelationships::PartnerId))
                .col(fk_col(ManagedRelationships::ClientId))
                .col(ColumnDef::new(ManagedRelationships::CrmName).string().null())
                .col(time(ManagedRelationships::StartedAt))
                .col(time(ManagedRelationships::LastActivityAt))
                .foreign_key(&mut references(
                    (ManagedRelationships::Table, ManagedRelationships::PartnerId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (ManagedRelationships::Table, ManagedRelationships::ClientId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique_index(
            "ux_relationships_partner_client",
            ManagedRelationships::Table,
            cols!(ManagedRelationships::PartnerId, ManagedRelationships::ClientId),
        ))
        .await?;
        m.create_index(index(
            "ix_relationships_client",
            ManagedRelationships::Table,
            cols!(ManagedRelationships::ClientId),
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Assets::Table)
                .col(pk(Assets::Id))
                .col(fk_col(Assets::ClientId))
                .col(fk_opt(Assets::OwnerId))
                .col(text(Assets::Kind))
                .col(text(Assets::Name))
                .col(time(Assets::CreatedAt))
                .foreign_key(&mut references(
                    (Assets::Table, Assets::ClientId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (Assets::Table, Assets::OwnerId),
                    (Users::Table, Users::Id),
                    Some(ForeignKeyAction::SetNull),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_assets_client_owner", Assets::Table, cols!(Assets::ClientId, Assets::OwnerId)))
            .await?;

        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(pk(AuditEvents::Id))
                .col(time(AuditEvents::At))
                .col(fk_opt(AuditEvents::ActorId))
                .col(text(AuditEvents::Action))
                .col(fk_opt(AuditEvents::AccountId))
                .col(fk_opt(AuditEvents::PartnerId))
                .col(fk_opt(AuditEvents::SubjectId))
                .col(ColumnDef::new(AuditEvents::Before).text().null())
                .col(ColumnDef::new(AuditEvents::After).text().null())
                .foreign_key(&mut references(
                    (AuditEvents::Table, AuditEvents::ActorId),
                    (Users::Table, Users::Id),
                    None,
                ))
                .foreign_key(&mut references(
                    (AuditEvents::Table, AuditEvents::AccountId),
                    (Accounts::Table, Accounts::Id),
                    None,
                ))
                .foreign_key(&mut references(
                    (AuditEvents::Table, AuditEvents::PartnerId),
                    (Accounts::Table, Accounts::Id),
                    None,
                ))
                .foreign_key(&mut references(
                    (AuditEvents::Table, AuditEvents::SubjectId),
                    (Users::Table, Users::Id),
                    None,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_audit_account", AuditEvents::Table, cols!(AuditEvents::AccountId, AuditEvents::Id)))
            .await?;
        m.create_index(index("ix_audit_partner", AuditEvents::Table, cols!(AuditEvents::PartnerId, AuditEvents::Id)))
            .await?;

        m.create_table(
            Table::create()
                .table(EmailOutbox::Table)
                .col(pk(EmailOutbox::Id))
                .col(text(EmailOutbox::ToEmail))
                .col(text(EmailOutbox::ToKey))
                .col(text(EmailOutbox::Subject))
                .col(ColumnDef::new(EmailOutbox::Body).text().not_null())
                .col(time(EmailOutbox::CreatedAt))
                .col(time_opt(EmailOutbox::SentAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_outbox_to", EmailOutbox::Table, cols!(EmailOutbox::ToKey, EmailOutbox::Id))).await?;
        m.create_index(index("ix_outbox_unsent", EmailOutbox::Table, cols!(EmailOutbox::SentAt, EmailOutbox::Id)))
            .await?;

        // One row that every SQLite write transaction touches first, so that
        // it holds the write lock from its start (BEGIN IMMEDIATE).
        m.create_table(
            Table::create()
                .table(WriteLock::Table)
                .col(ColumnDef::new(WriteLock::Id).integer().not_null().primary_key())
                .col(ColumnDef::new(WriteLock::Counter).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        let mut seed = Query::insert();
        seed.into_table(WriteLock::Table)
            .columns([WriteLock::Id, WriteLock::Counter])
            .values([1.into(), 0.into()])
            .map_err(|e| DbErr::Migration(e.to_string()))?;
        m.exec_stmt(seed).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            WriteLock::Table.into_iden(),
            EmailOutbox::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            Assets::Table.into_iden(),
            ManagedRelationships::Table.into_iden(),
            AccessLinkApprovals::Table.into_iden(),
            AccessLinks::Table.into_iden(),
            VerifiedDomains::Table.into_iden(),
            Memberships::Table.into_iden(),
            PermissionSets::Table.into_iden(),
            Users::Table.into_iden(),
            Accounts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
