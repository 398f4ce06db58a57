//! R55: every user has a locale (`EN` by default, `FR`, `DE`, `IT`, `JA`),
//! and every queued email remembers the language it was written in.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared("ALTER TABLE users ADD COLUMN locale VARCHAR(2) NOT NULL DEFAULT 'EN'").await?;
        c.execute_unprepared("ALTER TABLE email_outbox ADD COLUMN locale VARCHAR(2) NOT NULL DEFAULT 'EN'").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared("ALTER TABLE email_outbox DROP COLUMN locale").await?;
        c.execute_unprepared("ALTER TABLE users DROP COLUMN locale").await?;
        Ok(())
    }
}
