//! R51: browser sign-in. `sessions` keeps only a SHA-256 hash of each
//! session's random secret (the cookie), its user and its times;
//! `pending_sign_ins` keeps a sign-in under way until its callback, under
//! the hash of the key in the browser's sign-in cookie.

use sea_orm_migration::prelude::*;

use crate::ddl::{cols, fk_col, index, pk, references, time, time_opt, unique_index};

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
                .col(pk(Sessions::Id))
                .col(ColumnDef::new(Sessions::SecretHash).string_len(64).not_null())
                .col(fk_col(Sessions::UserId))
                .col(time(Sessions::CreatedAt))
                .col(time(Sessions::ExpiresAt))
                .col(time_opt(Sessions::RevokedAt))
                .foreign_key(&mut references(
                    (Sessions::Table, Sessions::UserId),
                    (Users::Table, Users::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique_index("ux_sessions_secret_hash", Sessions::Table, cols!(Sessions::SecretHash))).await?;
        m.create_index(index("ix_sessions_expires_at", Sessions::Table, cols!(Sessions::ExpiresAt))).await?;
        m.create_table(
            Table::create()
                .table(PendingSignIns::Table)
                .col(ColumnDef::new(PendingSignIns::KeyHash).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(PendingSignIns::StateHash).string_len(64).not_null())
                .col(ColumnDef::new(PendingSignIns::Nonce).text().not_null())
                .col(ColumnDef::new(PendingSignIns::PkceVerifier).text().not_null())
                .col(ColumnDef::new(PendingSignIns::ReturnTo).text().not_null())
                .col(time(PendingSignIns::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_pending_sign_ins_expires_at",
            PendingSignIns::Table,
            cols!(PendingSignIns::ExpiresAt),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PendingSignIns::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Sessions::Table).to_owned()).await?;
        Ok(())
    }
}
