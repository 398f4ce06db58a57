//! A worker's memberships by user: one index, `(user_id, id, account_id)`.
//!
//! - Drops `ix_memberships_user (user_id)`: the other index answers every
//!   lookup it answered, and its presence misled PostgreSQL. A worker's
//!   first memberships are read per worker under a `LATERAL` over the
//!   page's workers, where the planner cannot see which worker and assumes
//!   the average one (about 4 memberships); with the one-column index it
//!   read all of a worker's memberships and sorted them, 10,000 rows per
//!   worker in 10,000 clients (115 ms for the Employees tab's 3 workers).
//! - Replaces `ix_memberships_user_id (user_id, id)` by
//!   `ix_memberships_user_account (user_id, id, account_id)` (a new name:
//!   SQLite refused to create an index under the name just dropped): the page's ids and the count of a worker's memberships in
//!   the partner's clients filter on `account_id`, which the index now
//!   holds, so both are read from the index alone, in id order, whatever
//!   the planner assumes (the Employees tab at 1,000 clients: 10.6 ms in the
//!   database before, 3 ms after).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared("DROP INDEX IF EXISTS ix_memberships_user").await?;
        c.execute_unprepared("DROP INDEX IF EXISTS ix_memberships_user_id").await?;
        c.execute_unprepared("CREATE INDEX ix_memberships_user_account ON memberships (user_id, id, account_id)")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared("DROP INDEX IF EXISTS ix_memberships_user_account").await?;
        c.execute_unprepared("CREATE INDEX ix_memberships_user_id ON memberships (user_id, id)").await?;
        c.execute_unprepared("CREATE INDEX ix_memberships_user ON memberships (user_id)").await?;
        Ok(())
    }
}
