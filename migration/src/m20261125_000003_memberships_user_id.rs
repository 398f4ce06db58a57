//! `memberships (user_id, id)`: a worker's client memberships, first page
//! per worker, read in id order from the index (PostgreSQL answers
//! `WHERE user_id = … ORDER BY id LIMIT n` with the first n entries instead
//! of sorting all of a worker's memberships, which may be 100,000).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("CREATE INDEX ix_memberships_user_id ON memberships (user_id, id)")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX ix_memberships_user_id").await?;
        Ok(())
    }
}
