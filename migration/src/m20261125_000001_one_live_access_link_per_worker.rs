//! R8: a worker has at most one live (not revoked) access link. Creating a
//! link revokes the previous one; the partial unique index makes two
//! creators racing each other unable to leave two live links. Links that
//! are already duplicated are revoked first, keeping the newest, as if each
//! had been replaced by the next one when it was created.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const REVOKE_DUPLICATES: &str = "
UPDATE access_links SET revoked_at = (
    SELECT MIN(newer.created_at) FROM access_links newer
    WHERE newer.worker_id = access_links.worker_id AND newer.revoked_at IS NULL AND newer.id > access_links.id
)
WHERE revoked_at IS NULL AND EXISTS (
    SELECT 1 FROM access_links newer
    WHERE newer.worker_id = access_links.worker_id AND newer.revoked_at IS NULL AND newer.id > access_links.id
)";

const CREATE_INDEX: &str =
    "CREATE UNIQUE INDEX ux_access_links_live_worker ON access_links (worker_id) WHERE revoked_at IS NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(REVOKE_DUPLICATES).await?;
        db.execute_unprepared(CREATE_INDEX).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX ux_access_links_live_worker").await?;
        Ok(())
    }
}
