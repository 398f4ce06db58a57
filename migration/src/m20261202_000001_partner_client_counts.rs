//! The number of clients each partner manages, kept by the database itself
//! (issue 9): the Clients tab's unfiltered `totalCount` reads one row instead
//! of counting the partner's relationships, which at 100,000 clients cost as
//! much as the rest of the page.
//!
//! `partner_client_counts (partner_id, clients)` is maintained by triggers on
//! `managed_relationships`, so every way a relationship is made or removed
//! (an approval, a bulk `INSERT … SELECT`, a cascade from a deleted account)
//! keeps it true inside the same transaction. A partner with no
//! relationship has no row: the adapter reads a missing row as 0.
//!
//! Concurrency: two transactions adding a client to the same partner update
//! the same row, so the second waits for the first to end (PostgreSQL) or
//! for the database's one writer (SQLite); nothing else takes that lock.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "CREATE TABLE partner_client_counts (\
     partner_id BIGINT NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE, \
     clients BIGINT NOT NULL CHECK (clients >= 0))";

const BACKFILL: &str = "INSERT INTO partner_client_counts (partner_id, clients) \
     SELECT partner_id, COUNT(*) FROM managed_relationships GROUP BY partner_id";

// PostgreSQL counts per statement from its transition tables, so that a bulk
// `INSERT … SELECT` of 100,000 relationships updates each partner's row once.
const POSTGRES: [&str; 5] = [
    "CREATE FUNCTION partner_client_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO partner_client_counts AS c (partner_id, clients)
         SELECT partner_id, COUNT(*) FROM new_rows GROUP BY partner_id
         ON CONFLICT (partner_id) DO UPDATE SET clients = c.clients + EXCLUDED.clients;
       RETURN NULL;
     END $$",
    "CREATE FUNCTION partner_client_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE partner_client_counts c SET clients = c.clients - gone.n
         FROM (SELECT partner_id, COUNT(*) AS n FROM old_rows GROUP BY partner_id) gone
         WHERE c.partner_id = gone.partner_id;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER tr_relationships_count_insert AFTER INSERT ON managed_relationships \
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION partner_client_counts_add()",
    "CREATE TRIGGER tr_relationships_count_delete AFTER DELETE ON managed_relationships \
     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION partner_client_counts_remove()",
    // A relationship moved to another partner (nothing does it today): per
    // row, since a trigger on a column list may not have transition tables.
    "CREATE TRIGGER tr_relationships_count_update AFTER UPDATE OF partner_id ON managed_relationships \
     FOR EACH ROW WHEN (NEW.partner_id <> OLD.partner_id) EXECUTE FUNCTION partner_client_counts_move()",
];

const POSTGRES_MOVE: &str = "CREATE FUNCTION partner_client_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE partner_client_counts SET clients = clients - 1 WHERE partner_id = OLD.partner_id;
       INSERT INTO partner_client_counts AS c (partner_id, clients) VALUES (NEW.partner_id, 1)
         ON CONFLICT (partner_id) DO UPDATE SET clients = c.clients + 1;
       RETURN NULL;
     END $$";

const SQLITE: [&str; 3] = [
    "CREATE TRIGGER tr_relationships_count_insert AFTER INSERT ON managed_relationships BEGIN \
       INSERT INTO partner_client_counts (partner_id, clients) VALUES (NEW.partner_id, 1) \
         ON CONFLICT (partner_id) DO UPDATE SET clients = clients + 1; \
     END",
    "CREATE TRIGGER tr_relationships_count_delete AFTER DELETE ON managed_relationships BEGIN \
       UPDATE partner_client_counts SET clients = clients - 1 WHERE partner_id = OLD.partner_id; \
     END",
    "CREATE TRIGGER tr_relationships_count_update AFTER UPDATE OF partner_id ON managed_relationships \
     WHEN NEW.partner_id <> OLD.partner_id BEGIN \
       UPDATE partner_client_counts SET clients = clients - 1 WHERE partner_id = OLD.partner_id; \
       INSERT INTO partner_client_counts (partner_id, clients) VALUES (NEW.partner_id, 1) \
         ON CONFLICT (partner_id) DO UPDATE SET clients = clients + 1; \
     END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(TABLE).await?;
        db.execute_unprepared(BACKFILL).await?;
        let pg = m.get_database_backend() == DatabaseBackend::Postgres;
        if pg {
            db.execute_unprepared(POSTGRES_MOVE).await?;
        }
        let triggers: &[&str] = if pg { &POSTGRES } else { &SQLITE };
        for s in triggers {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for t in ["tr_relationships_count_insert", "tr_relationships_count_delete", "tr_relationships_count_update"] {
            let on =
                if m.get_database_backend() == DatabaseBackend::Postgres { " ON managed_relationships" } else { "" };
            db.execute_unprepared(&format!("DROP TRIGGER {t}{on}")).await?;
        }
        if m.get_database_backend() == DatabaseBackend::Postgres {
            for f in ["partner_client_counts_add", "partner_client_counts_remove", "partner_client_counts_move"] {
                db.execute_unprepared(&format!("DROP FUNCTION {f}()")).await?;
            }
        }
        db.execute_unprepared("DROP TABLE partner_client_counts").await?;
        Ok(())
    }
}
