//! The Clients tab's search reads one index (R1, R27): the display name of
//! each managed relationship (its CRM name, else the client account's name)
//! is kept by the database itself, so that a search at 100,000 clients
//! reads the rows that match instead of every client.
//!
//! - PostgreSQL: a table `client_search (relationship_id, partner_id, name)`
//!   beside `managed_relationships`, the lower-cased display name under one
//!   trigram index, kept by triggers on every insert (per statement), every
//!   change of `crm_name` (or of the pair), and every rename of a client; a
//!   deleted relationship takes its row along (`ON DELETE CASCADE`). It
//!   replaces the two trigram indexes of m20261125_000002 (the client's
//!   name, the CRM name), which only the search read: the search was a
//!   `UNION` of both over a join to `accounts`, whose 1,276 matching clients
//!   PostgreSQL joined to their relationships by a seq scan of all 100,000,
//!   then the same again for the count. The name is not a column of
//!   `managed_relationships` because the kept partner-user counts
//!   (m20261206_000701) update those rows on every membership change, and
//!   none of those updates is HOT (the counts are in index predicates):
//!   each would have added the name's trigrams to the index again (measured:
//!   +45 % on a count update of 100,000 relationships, and three index
//!   entries per live row after the bench's seed).
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

const POSTGRES: [&str; 12] = [
    "CREATE TABLE client_search (\
     relationship_id BIGINT NOT NULL PRIMARY KEY REFERENCES managed_relationships (id) ON DELETE CASCADE, \
     partner_id BIGINT NOT NULL, \
     name TEXT NOT NULL)",
    "INSERT INTO client_search (relationship_id, partner_id, name) \
     SELECT r.id, r.partner_id, lower(COALESCE(r.crm_name, a.name)) \
     FROM managed_relationships r JOIN accounts a ON a.id = r.client_id",
    "CREATE INDEX ix_client_search_name_trgm ON client_search USING gin (name gin_trgm_ops)",
    // The planner guesses how many names a `LIKE '%…%'` keeps from the
    // histogram of the column; of distinct names, 100 bounds often hold none
    // of a term's 1 % (then it guesses 10 rows, and joins and sorts every
    // match for a page: 6 ms instead of 0.5). 1,000 bounds keep the guess
    // near the truth.
    "ALTER TABLE client_search ALTER COLUMN name SET STATISTICS 1000",
    // Per statement, from its transition table: a bulk `INSERT … SELECT`
    // of relationships adds their names by one statement.
    "CREATE FUNCTION client_search_add() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO client_search (relationship_id, partner_id, name)
         SELECT n.id, n.partner_id, lower(COALESCE(n.crm_name, a.name))
         FROM new_rows n JOIN accounts a ON a.id = n.client_id;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER tr_relationships_search_insert AFTER INSERT ON managed_relationships \
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_search_add()",
    "CREATE FUNCTION client_search_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE client_search SET partner_id = NEW.partner_id,
         name = lower(COALESCE(NEW.crm_name, (SELECT a.name FROM accounts a WHERE a.id = NEW.client_id)))
         WHERE relationship_id = NEW.id;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER tr_relationships_search_update AFTER UPDATE OF partner_id, client_id, crm_name \
     ON managed_relationships FOR EACH ROW EXECUTE FUNCTION client_search_change()",
    "CREATE FUNCTION client_search_rename() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE client_search s SET name = lower(NEW.name) FROM managed_relationships r
         WHERE r.client_id = NEW.id AND r.crm_name IS NULL AND s.relationship_id = r.id;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER tr_accounts_search_rename AFTER UPDATE OF name ON accounts \
     FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name) EXECUTE FUNCTION client_search_rename()",
    "DROP INDEX ix_relationships_crm_name_trgm",
    "DROP INDEX ix_accounts_name_trgm",
];

const POSTGRES_DOWN: [&str; 9] = [
    "CREATE INDEX ix_accounts_name_trgm ON accounts USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX ix_relationships_crm_name_trgm ON managed_relationships USING gin (lower(crm_name) gin_trgm_ops)",
    "DROP TRIGGER tr_accounts_search_rename ON accounts",
    "DROP FUNCTION client_search_rename()",
    "DROP TRIGGER tr_relationships_search_update ON managed_relationships",
    "DROP FUNCTION client_search_change()",
    "DROP TRIGGER tr_relationships_search_insert ON managed_relationships",
    "DROP FUNCTION client_search_add()",
    "DROP TABLE client_search",
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
