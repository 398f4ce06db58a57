//! R52: DNS proofs of partner email domains. One row per partner and
//! domain: the TXT value to publish, the proof's state (`PENDING`,
//! `VERIFIED`, `FAILING`, `LAPSED`) and when it was verified, last checked
//! and started failing. The verified domains themselves stay in
//! `verified_domains` (R4, R5 read them there); a lapsed domain leaves it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DomainProofs {
    Table,
    Id,
    PartnerId,
    Domain,
    RecordValue,
    Status,
    CreatedAt,
    VerifiedAt,
    LastCheckedAt,
    FailingSince,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DomainProofs::Table)
                .col(ColumnDef::new(DomainProofs::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(DomainProofs::PartnerId).big_integer().not_null())
                .col(ColumnDef::new(DomainProofs::Domain).string().not_null())
                .col(ColumnDef::new(DomainProofs::RecordValue).string().not_null())
                .col(ColumnDef::new(DomainProofs::Status).string().not_null())
                .col(ColumnDef::new(DomainProofs::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(DomainProofs::VerifiedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(DomainProofs::LastCheckedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(DomainProofs::FailingSince).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(DomainProofs::Table, DomainProofs::PartnerId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_domain_proofs_partner_domain")
                .table(DomainProofs::Table)
                .col(DomainProofs::PartnerId)
                .col(DomainProofs::Domain)
                .unique()
                .to_owned(),
        )
        .await?;
        // The daily check (R36) reads the proofs due by their last check.
        m.create_index(
            Index::create()
                .name("ix_domain_proofs_due")
                .table(DomainProofs::Table)
                .col(DomainProofs::Status)
                .col(DomainProofs::LastCheckedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DomainProofs::Table).to_owned()).await
    }
}
