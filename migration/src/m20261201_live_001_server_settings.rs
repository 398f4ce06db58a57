//! `server_settings`: values a server keeps with its database, such as the
//! demo's token secret, so that `serve --demo` on the same database signs
//! tokens that keep working across restarts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("CREATE TABLE server_settings (name VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP TABLE server_settings").await?;
        Ok(())
    }
}
