//! R54: a client account may decline an access link instead of approving
//! it, once (`ux_declines_link_client`); the optional note goes to the
//! worker.

use sea_orm_migration::prelude::*;

use crate::ddl::{cols, fk_col, fk_opt, pk, references, time, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccessLinkDeclines {
    Table,
    Id,
    AccessLinkId,
    ClientId,
    DeclinedBy,
    Note,
    DeclinedAt,
}

#[derive(DeriveIden)]
enum AccessLinks {
    Table,
    Id,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AccessLinkDeclines::Table)
                .col(pk(AccessLinkDeclines::Id))
                .col(fk_col(AccessLinkDeclines::AccessLinkId))
                .col(fk_col(AccessLinkDeclines::ClientId))
                .col(fk_opt(AccessLinkDeclines::DeclinedBy))
                .col(ColumnDef::new(AccessLinkDeclines::Note).text().null())
                .col(time(AccessLinkDeclines::DeclinedAt))
                .foreign_key(&mut references(
                    (AccessLinkDeclines::Table, AccessLinkDeclines::AccessLinkId),
                    (AccessLinks::Table, AccessLinks::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (AccessLinkDeclines::Table, AccessLinkDeclines::ClientId),
                    (Accounts::Table, Accounts::Id),
                    Some(ForeignKeyAction::Cascade),
                ))
                .foreign_key(&mut references(
                    (AccessLinkDeclines::Table, AccessLinkDeclines::DeclinedBy),
                    (Users::Table, Users::Id),
                    Some(ForeignKeyAction::SetNull),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique_index(
            "ux_declines_link_client",
            AccessLinkDeclines::Table,
            cols!(AccessLinkDeclines::AccessLinkId, AccessLinkDeclines::ClientId),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AccessLinkDeclines::Table).to_owned()).await?;
        Ok(())
    }
}
