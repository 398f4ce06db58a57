//! R51: browser sign-in. `sessions` keeps only a SHA-256 hash of each
//! session's random secret (the cookie), its user and its times;
//! `pending_sign_ins` keeps a sign-in under way until its callback, under
//! the hash of the key in the browser's sign-in cookie.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    SecretHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum PendingSignIns {
    Table,
    KeyHash,
    StateHash,
    Nonce,
    PkceVerifier,
    ReturnTo,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(ColumnDef::new(Sessions::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Sessions::SecretHash).string_len(64).not_null())
                .col(ColumnDef::new(Sessions::UserId).big_integer().not_null())
                .col(ColumnDef::new(Sessions::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Sessions::ExpiresAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Sessions::RevokedAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_sessions_secret_hash")
                .table(Sessions::Table)
                .col(Sessions::SecretHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_sessions_expires_at").table(Sessions::Table).col(Sessions::ExpiresAt).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PendingSignIns::Table)
                .col(ColumnDef::new(PendingSignIns::KeyHash).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(PendingSignIns::StateHash).string_len(64).not_null())
                .col(ColumnDef::new(PendingSignIns::Nonce).text().not_null())
                .col(ColumnDef::new(PendingSignIns::PkceVerifier).text().not_null())
                .col(ColumnDef::new(PendingSignIns::ReturnTo).text().not_null())
                .col(ColumnDef::new(PendingSignIns::ExpiresAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_pending_sign_ins_expires_at")
                .table(PendingSignIns::Table)
                .col(PendingSignIns::ExpiresAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PendingSignIns::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Sessions::Table).to_owned()).await?;
        Ok(())
    }
}
