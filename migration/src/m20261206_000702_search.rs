//! The Clients tab's search reads one index (R1, R27): the display name of
//! each managed relationship (its CRM name, else the client account's name)
//! is kept by the database itself, so that a search at 100,000 clients
//! reads the rows that match instead of every client.
//!
//! - PostgreSQL: `managed_relationships.search_name`, the lower-cased display
//!   name, set by a `BEFORE` trigger on every insert and every change of
//!   `crm_name` or `client_id`, and by an `AFTER` trigger on `accounts` when a
//!   client's name changes; one trigram index on it replaces the two of
//!   m20261125_000002 (the client's name, the CRM name), which only the
//!   search read. The search was a `UNION` of both over a join to `accounts`,
//!   then the same again for its count.
//! - SQLite: an FTS5 table `client_search` with the `trigram` tokenizer
//!   (SQLite 3.34+, compiled into the bundled library), one row per
//!   relationship (`rowid` = its id) holding its display name, kept by
//!   triggers on the same writes. It finds the candidates of a term of three
//!   characters or more; the adapter checks each against the same `lower(…)
//!   LIKE` as before, so the answers do not change. It keeps its own copy of
//!   the names: a contentless table would need `contentless_delete` (SQLite
//!   3.43), which older `sqlite3` shells (Debian 12's is 3.40) cannot open,
//!   nor then write the tables whose triggers feed it.
//!
//! Concurrency (PostgreSQL): the triggers take no lock of their own. The use
//! cases that make a relationship lock its client account first
//! (`lock_account`, `FOR NO KEY UPDATE`: approval, migration, linking); a
//! use case that renames a client must take the same lock, so that a new
//! relationship either reads the new name or is seen by the rename's
//! trigger. (A `FOR SHARE` read in the trigger would queue every insert
//! behind any holder of the client's lock.) SQLite has one writer.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES: [&str; 10] = [
    "ALTER TABLE managed_relationships ADD COLUMN search_name TEXT",
    "UPDATE managed_relationships r SET search_name = lower(COALESCE(r.crm_name, a.name)) \
     FROM accounts a WHERE a.id = r.client_id",
    "ALTER TABLE managed_relationships ALTER COLUMN search_name SET NOT NULL",
    "CREATE FUNCTION relationship_search_name() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.crm_name IS NOT NULL THEN
         NEW.search_name := lower(NEW.crm_name);
       ELSE
         NEW.search_name := (SELECT lower(a.name) FROM accounts a WHERE a.id = NEW.client_id);
       END IF;
       RETURN NEW;
     END $$",
    "CREATE TRIGGER tr_relationships_search_name BEFORE INSERT OR UPDATE OF crm_name, client_id \
     ON managed_relationships FOR EACH ROW EXECUTE FUNCTION relationship_search_name()",
    "CREATE FUNCTION client_search_rename() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE managed_relationships SET search_name = lower(NEW.name)
         WHERE client_id = NEW.id AND crm_name IS NULL;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER tr_accounts_search_rename AFTER UPDATE OF name ON accounts \
     FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name) EXECUTE FUNCTION client_search_rename()",
    "CREATE INDEX ix_relationships_search_trgm ON managed_relationships USING gin (search_name gin_trgm_ops)",
    "DROP INDEX ix_relationships_crm_name_trgm",
    "DROP INDEX ix_accounts_name_trgm",
];

const POSTGRES_DOWN: [&str; 7] = [
    "CREATE INDEX ix_accounts_name_trgm ON accounts USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX ix_relationships_crm_name_trgm ON managed_relationships USING gin (lower(crm_name) gin_trgm_ops)",
    "DROP TRIGGER tr_accounts_search_rename ON accounts",
    "DROP FUNCTION client_search_rename()",
    "DROP TRIGGER tr_relationships_search_name ON managed_relationships",
    "DROP FUNCTION relationship_search_name()",
    "ALTER TABLE managed_relationships DROP COLUMN search_name",
];

/// The new relationship's id and display name, as a `SELECT`.
const SQLITE_ROW: &str = "SELECT NEW.id, COALESCE(NEW.crm_name, a.name) FROM accounts a WHERE a.id = NEW.client_id";

fn sqlite() -> [String; 6] {
    [
        "CREATE VIRTUAL TABLE client_search USING fts5(name, tokenize = 'trigram')".to_string(),
        "INSERT INTO client_search (rowid, name) SELECT r.id, COALESCE(r.crm_name, a.name) \
         FROM managed_relationships r JOIN accounts a ON a.id = r.client_id"
            .to_string(),
        format!(
            "CREATE TRIGGER tr_relationships_search_insert AFTER INSERT ON managed_relationships BEGIN \
             INSERT INTO client_search (rowid, name) {SQLITE_ROW}; END"
        ),
        format!(
            "CREATE TRIGGER tr_relationships_search_update AFTER UPDATE OF id, crm_name, client_id \
             ON managed_relationships BEGIN \
             DELETE FROM client_search WHERE rowid = OLD.id; \
             INSERT INTO client_search (rowid, name) {SQLITE_ROW}; END"
        ),
        "CREATE TRIGGER tr_relationships_search_delete AFTER DELETE ON managed_relationships BEGIN \
         DELETE FROM client_search WHERE rowid = OLD.id; END"
            .to_string(),
        "CREATE TRIGGER tr_accounts_search_rename AFTER UPDATE OF name ON accounts \
         WHEN NEW.name IS NOT OLD.name BEGIN \
         DELETE FROM client_search WHERE rowid IN \
           (SELECT id FROM managed_relationships WHERE client_id = NEW.id AND crm_name IS NULL); \
         INSERT INTO client_search (rowid, name) \
           SELECT id, NEW.name FROM managed_relationships WHERE client_id = NEW.id AND crm_name IS NULL; END"
            .to_string(),
    ]
}

const SQLITE_DOWN: [&str; 5] = [
    "DROP TRIGGER tr_accounts_search_rename",
    "DROP TRIGGER tr_relationships_search_delete",
    "DROP TRIGGER tr_relationships_search_update",
    "DROP TRIGGER tr_relationships_search_insert",
    "DROP TABLE client_search",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            for s in POSTGRES {
                db.execute_unprepared(s).await?;
            }
        } else {
            for s in sqlite() {
                db.execute_unprepared(&s).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let down: &[&str] =
            if m.get_database_backend() == DatabaseBackend::Postgres { &POSTGRES_DOWN } else { &SQLITE_DOWN };
        for s in down {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }
}
