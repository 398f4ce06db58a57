//! R36, R37, R39, R42: what delivery and scheduled work remember.
//!
//! - `email_outbox`: what an email is about (`kind`), its delivery state
//!   (`status` QUEUED/SENT/FAILED, `attempts`, `last_error`), when it may be
//!   tried next, since when it fails (FAILED after 24 hours), and the claim
//!   of the dispatcher that is sending it (`claim_token` until
//!   `claimed_until`), so that two servers never send it both.
//! - `memberships.expires_at` (R39) and `expiry_warned_for`: the expiry the
//!   seven-day email was sent for.
//! - `managed_relationships.notice_for` / `notice_stage` (R37): the ending
//!   period (its `last_activity_at`) and the last notice sent in it
//!   (1 = 30 days, 2 = 7 days, 3 = 1 day, 4 = ended).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        let time = if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            "TIMESTAMP WITH TIME ZONE"
        } else {
            // The type name sea-query gives `timestamp_with_time_zone` on SQLite.
            "timestamp_with_timezone_text"
        };
        let stmts = [
            "ALTER TABLE email_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice'".to_string(),
            "ALTER TABLE email_outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'QUEUED'".to_string(),
            "ALTER TABLE email_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0".to_string(),
            "ALTER TABLE email_outbox ADD COLUMN last_error TEXT NULL".to_string(),
            format!("ALTER TABLE email_outbox ADD COLUMN next_attempt_at {time} NULL"),
            format!("ALTER TABLE email_outbox ADD COLUMN failing_since {time} NULL"),
            format!("ALTER TABLE email_outbox ADD COLUMN claimed_until {time} NULL"),
            "ALTER TABLE email_outbox ADD COLUMN claim_token TEXT NULL".to_string(),
            // Rows a former build marked sent keep saying so.
            "UPDATE email_outbox SET status = 'SENT' WHERE sent_at IS NOT NULL".to_string(),
            "CREATE INDEX ix_outbox_status ON email_outbox (status, id)".to_string(),
            format!("ALTER TABLE memberships ADD COLUMN expires_at {time} NULL"),
            format!("ALTER TABLE memberships ADD COLUMN expiry_warned_for {time} NULL"),
            "CREATE INDEX ix_memberships_expires_at ON memberships (expires_at) WHERE expires_at IS NOT NULL"
                .to_string(),
            format!("ALTER TABLE managed_relationships ADD COLUMN notice_for {time} NULL"),
            "ALTER TABLE managed_relationships ADD COLUMN notice_stage INTEGER NULL".to_string(),
            "CREATE INDEX ix_relationships_last_activity ON managed_relationships (last_activity_at)".to_string(),
        ];
        for s in stmts {
            c.execute_unprepared(&s).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        for s in [
            "DROP INDEX ix_relationships_last_activity",
            "ALTER TABLE managed_relationships DROP COLUMN notice_stage",
            "ALTER TABLE managed_relationships DROP COLUMN notice_for",
            "DROP INDEX ix_memberships_expires_at",
            "ALTER TABLE memberships DROP COLUMN expiry_warned_for",
            "ALTER TABLE memberships DROP COLUMN expires_at",
            "DROP INDEX ix_outbox_status",
            "ALTER TABLE email_outbox DROP COLUMN claim_token",
            "ALTER TABLE email_outbox DROP COLUMN claimed_until",
            "ALTER TABLE email_outbox DROP COLUMN failing_since",
            "ALTER TABLE email_outbox DROP COLUMN next_attempt_at",
            "ALTER TABLE email_outbox DROP COLUMN last_error",
            "ALTER TABLE email_outbox DROP COLUMN attempts",
            "ALTER TABLE email_outbox DROP COLUMN status",
            "ALTER TABLE email_outbox DROP COLUMN kind",
        ] {
            c.execute_unprepared(s).await?;
        }
        Ok(())
    }
}
