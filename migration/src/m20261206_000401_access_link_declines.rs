//! R54: a client account may decline an access link instead of approving
//! it, once (`ux_declines_link_client`); the optional note goes to the
//! worker.

use sea_orm_migration::prelude::*;

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
                .col(ColumnDef::new(AccessLinkDeclines::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(AccessLinkDeclines::AccessLinkId).big_integer().not_null())
                .col(ColumnDef::new(AccessLinkDeclines::ClientId).big_integer().not_null())
                .col(ColumnDef::new(AccessLinkDeclines::DeclinedBy).big_integer().null())
                .col(ColumnDef::new(AccessLinkDeclines::Note).text().null())
                .col(ColumnDef::new(AccessLinkDeclines::DeclinedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(AccessLinkDeclines::Table, AccessLinkDeclines::AccessLinkId)
                        .to(AccessLinks::Table, AccessLinks::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccessLinkDeclines::Table, AccessLinkDeclines::ClientId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccessLinkDeclines::Table, AccessLinkDeclines::DeclinedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_declines_link_client")
                .table(AccessLinkDeclines::Table)
                .col(AccessLinkDeclines::AccessLinkId)
                .col(AccessLinkDeclines::ClientId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AccessLinkDeclines::Table).to_owned()).await?;
        Ok(())
    }
}
