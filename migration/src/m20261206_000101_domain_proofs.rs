//! R52: DNS proofs of partner email domains. One row per partner and
//! domain: the TXT value to publish, the proof's state (`PENDING`,
//! `VERIFIED`, `FAILING`, `LAPSED`) and when it was verified, last checked
//! and started failing. The verified domains themselves stay in
//! `verified_domains` (R4, R5 read them there); a lapsed domain leaves it.

use sea_orm_migration::prelude::*;

use crate::ddl::{cols, fk_col, index, pk, references, text, time, time_opt, unique_index};

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
                .col(pk(DomainProofs::Id))
                .col(fk_col(DomainProofs::PartnerId))
                .col(text(DomainProofs::Domain))
                .col(text(DomainProofs::RecordValue))
                .col(text(DomainProofs::Status))
                .col(time(DomainProofs::CreatedAt))
                .col(time_opt(DomainProofs::VerifiedAt))
                .col(time_opt(DomainProofs::LastCheckedAt))
                .col(time_opt(DomainProofs::FailingSince))
                .foreign_key(&mut references(
                    (DomainProofs::Table, DomainProofs::PartnerId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique_index(
            "ux_domain_proofs_partner_domain",
            DomainProofs::Table,
            cols!(DomainProofs::PartnerId, DomainProofs::Domain),
        ))
        .await?;
        // The daily check (R36) reads the proofs due by their last check.
        m.create_index(index(
            "ix_domain_proofs_due",
            DomainProofs::Table,
            cols!(DomainProofs::Status, DomainProofs::LastCheckedAt),
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DomainProofs::Table).to_owned()).await
    }
}
