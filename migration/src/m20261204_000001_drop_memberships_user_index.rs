//! Drops `ix_memberships_user (user_id)`: `ix_memberships_user_id
//! (user_id, id)` (m20261125_000003) answers every lookup it answered, and
//! its presence misled PostgreSQL. A worker's first memberships per worker
//! are read under a `LATERAL` over the page's workers, where the planner
//! cannot see which worker and assumes the average (about 4 memberships);
//! with the one-column index it chose to read all of a worker's
//! memberships and sort them, 10,000 rows per worker in 10,000 clients
//! (115 ms for the Employees tab's 3 workers). Without it, the same plan
//! walks `(user_id, id)` in order and stops after `first + 1` rows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS ix_memberships_user").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("CREATE INDEX ix_memberships_user ON memberships (user_id)").await?;
        Ok(())
    }
}
