//! SCIM provisioning (R44): the bearer tokens of client accounts (only a
//! SHA-256 hash of each secret is stored) and, per SCIM user, what the
//! identity provider keeps about them in that account (`userName`,
//! `externalId`, names, emails). A SCIM user is a membership; its record
//! goes with it (`ON DELETE CASCADE`).

use sea_orm_migration::prelude::*;

use crate::ddl::{cols, fk_col, fk_opt, index, pk, references, text, time, time_opt, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScimTokens {
    Table,
    Id,
    AccountId,
    TokenHash,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ScimUsers {
    Table,
    MembershipId,
    AccountId,
    UserName,
    UserNameKey,
    ExternalId,
    DisplayName,
    Name,
    Emails,
    EmailKey,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ScimTokens::Table)
                .col(pk(ScimTokens::Id))
                .col(fk_col(ScimTokens::AccountId))
                .col(text(ScimTokens::TokenHash).unique_key())
                .col(fk_opt(ScimTokens::CreatedBy))
                .col(time(ScimTokens::CreatedAt))
                .col(time_opt(ScimTokens::RevokedAt))
                .foreign_key(&mut references(
                    (ScimTokens::Table, ScimTokens::AccountId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (ScimTokens::Table, ScimTokens::CreatedBy),
                    (Users::Table, Users::Id),
                    Some(ForeignKeyAction::SetNull),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_scim_tokens_account", ScimTokens::Table, cols!(ScimTokens::AccountId))).await?;

        m.create_table(
            Table::create()
                .table(ScimUsers::Table)
                .col(ColumnDef::new(ScimUsers::MembershipId).big_integer().not_null().primary_key())
                .col(fk_col(ScimUsers::AccountId))
                .col(text(ScimUsers::UserName))
                .col(text(ScimUsers::UserNameKey))
                .col(ColumnDef::new(ScimUsers::ExternalId).string().null())
                .col(ColumnDef::new(ScimUsers::DisplayName).string().null())
                .col(ColumnDef::new(ScimUsers::Name).text().null())
                .col(ColumnDef::new(ScimUsers::Emails).text().not_null())
                .col(text(ScimUsers::EmailKey))
                .col(time(ScimUsers::UpdatedAt))
                .foreign_key(&mut references(
                    (ScimUsers::Table, ScimUsers::MembershipId),
                    (Memberships::Table, Memberships::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (ScimUsers::Table, ScimUsers::AccountId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .to_owned(),
        )
        .await?;
        // A userName is unique in its account (RFC 7643: case-insensitive).
        m.create_index(unique_index(
            "ux_scim_users_account_user_name",
            ScimUsers::Table,
            cols!(ScimUsers::AccountId, ScimUsers::UserNameKey),
        ))
        .await?;
        m.create_index(index(
            "ix_scim_users_account_external_id",
            ScimUsers::Table,
            cols!(ScimUsers::AccountId, ScimUsers::ExternalId),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ScimUsers::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ScimTokens::Table).to_owned()).await?;
        Ok(())
    }
}
