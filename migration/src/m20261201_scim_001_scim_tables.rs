//! SCIM provisioning (R44): the bearer tokens of client accounts (only a
//! SHA-256 hash of each secret is stored) and, per SCIM user, what the
//! identity provider keeps about them in that account (`userName`,
//! `externalId`, names, emails). A SCIM user is a membership; its record
//! goes with it (`ON DELETE CASCADE`).

use sea_orm_migration::prelude::*;

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
                .col(ColumnDef::new(ScimTokens::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(ScimTokens::AccountId).big_integer().not_null())
                .col(ColumnDef::new(ScimTokens::TokenHash).string().not_null().unique_key())
                .col(ColumnDef::new(ScimTokens::CreatedBy).big_integer().null())
                .col(ColumnDef::new(ScimTokens::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ScimTokens::RevokedAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ScimTokens::Table, ScimTokens::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ScimTokens::Table, ScimTokens::CreatedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_scim_tokens_account")
                .table(ScimTokens::Table)
                .col(ScimTokens::AccountId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ScimUsers::Table)
                .col(ColumnDef::new(ScimUsers::MembershipId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(ScimUsers::AccountId).big_integer().not_null())
                .col(ColumnDef::new(ScimUsers::UserName).string().not_null())
                .col(ColumnDef::new(ScimUsers::UserNameKey).string().not_null())
                .col(ColumnDef::new(ScimUsers::ExternalId).string().null())
                .col(ColumnDef::new(ScimUsers::DisplayName).string().null())
                .col(ColumnDef::new(ScimUsers::Name).text().null())
                .col(ColumnDef::new(ScimUsers::Emails).text().not_null())
                .col(ColumnDef::new(ScimUsers::EmailKey).string().not_null())
                .col(ColumnDef::new(ScimUsers::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ScimUsers::Table, ScimUsers::MembershipId)
                        .to(Memberships::Table, Memberships::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ScimUsers::Table, ScimUsers::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A userName is unique in its account (RFC 7643: case-insensitive).
        m.create_index(
            Index::create()
                .name("ux_scim_users_account_user_name")
                .table(ScimUsers::Table)
                .col(ScimUsers::AccountId)
                .col(ScimUsers::UserNameKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_scim_users_account_external_id")
                .table(ScimUsers::Table)
                .col(ScimUsers::AccountId)
                .col(ScimUsers::ExternalId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ScimUsers::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ScimTokens::Table).to_owned()).await?;
        Ok(())
    }
}
