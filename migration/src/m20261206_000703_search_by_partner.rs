//! SQLite's search table keeps each relationship's partner beside its
//! display name (issue 29, target 3), so that a search is answered from the
//! FTS5 table alone: its candidates are the term's trigram matches, and each
//! is checked against the name and the partner the table itself holds,
//! without a probe of `managed_relationships` and `accounts` per candidate.
//! At 100,000 clients the bench's term has 1,276 candidates, whose count
//! took 6.5 ms (a relationship and a client read for each) and takes 3.5 ms
//! from the table alone; the page reads the candidates in id order and stops
//! at its limit (0.7 ms instead of 7.1). PostgreSQL's `client_search`
//! already holds `partner_id` (m20261206_000702): nothing changes there.
//!
//! `partner_id` is `UNINDEXED`: FTS5 stores it without tokenizing it; a
//! search reads it from the candidate's row, as it reads the name. The
//! table is rebuilt from the relationships (the names are the same as
//! before); its triggers write the partner with the name. A relationship's
//! partner never changes (the database refuses it, m20261206_000701), so
//! no trigger has to follow one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The new relationship's id, display name and partner, as a `SELECT`.
const ROW: &str = "SELECT NEW.id, COALESCE(NEW.crm_name, a.name), NEW.partner_id FROM accounts a \
                   WHERE a.id = NEW.client_id";

/// The search's triggers (the same names both ways), dropped before the
/// table is rebuilt.
const DROP_TRIGGERS: [&str; 4] = [
    "DROP TRIGGER tr_accounts_search_rename",
    "DROP TRIGGER tr_relationships_search_delete",
    "DROP TRIGGER tr_relationships_search_update",
    "DROP TRIGGER tr_relationships_search_insert",
];

/// The table with `columns`, filled from the relationships by `fill`, and
/// its triggers writing `row` (a `SELECT` of the columns for `NEW`) and,
/// on a rename, `renamed` (a `SELECT` of them for the client's
/// relationships without a CRM name).
fn table(columns: &str, fill: &str, row: &str, renamed: &str) -> Vec<String> {
    vec![
        "DROP TABLE client_search".to_string(),
        format!("CREATE VIRTUAL TABLE client_search USING fts5({columns}, tokenize = 'trigram')"),
        format!("INSERT INTO client_search {fill}"),
        format!(
            "CREATE TRIGGER tr_relationships_search_insert AFTER INSERT ON managed_relationships BEGIN \
             INSERT INTO client_search {row}; END"
        ),
        format!(
            "CREATE TRIGGER tr_relationships_search_update AFTER UPDATE OF id, crm_name, client_id \
             ON managed_relationships BEGIN \
             DELETE FROM client_search WHERE rowid = OLD.id; \
             INSERT INTO client_search {row}; END"
        ),
        "CREATE TRIGGER tr_relationships_search_delete AFTER DELETE ON managed_relationships BEGIN \
         DELETE FROM client_search WHERE rowid = OLD.id; END"
            .to_string(),
        format!(
            "CREATE TRIGGER tr_accounts_search_rename AFTER UPDATE OF name ON accounts \
             WHEN NEW.name IS NOT OLD.name BEGIN \
             DELETE FROM client_search WHERE rowid IN \
               (SELECT id FROM managed_relationships WHERE client_id = NEW.id AND crm_name IS NULL); \
             INSERT INTO client_search {renamed}; END"
        ),
    ]
}

fn up() -> Vec<String> {
    table(
        "name, partner_id UNINDEXED",
        "(rowid, name, partner_id) SELECT r.id, COALESCE(r.crm_name, a.name), r.partner_id \
         FROM managed_relationships r JOIN accounts a ON a.id = r.client_id",
        &format!("(rowid, name, partner_id) {ROW}"),
        "(rowid, name, partner_id) SELECT id, NEW.name, partner_id FROM managed_relationships \
         WHERE client_id = NEW.id AND crm_name IS NULL",
    )
}

/// m20261206_000702's table and triggers, as they were.
fn down() -> Vec<String> {
    table(
        "name",
        "(rowid, name) SELECT r.id, COALESCE(r.crm_name, a.name) \
         FROM managed_relationships r JOIN accounts a ON a.id = r.client_id",
        "(rowid, name) SELECT NEW.id, COALESCE(NEW.crm_name, a.name) FROM accounts a WHERE a.id = NEW.client_id",
        "(rowid, name) SELECT id, NEW.name FROM managed_relationships WHERE client_id = NEW.id AND crm_name IS NULL",
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, up()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, down()).await
    }
}

/// SQLite only: the triggers go first, then the table is rebuilt; all on
/// one connection, in one transaction. Spread over the pool's connections,
/// a connection whose copy of the schema predates the drops would refuse to
/// create a trigger "that already exists". `SeaOrmStore::migrate` already
/// runs every migration in one transaction (this one then nests as a
/// savepoint); this keeps the migration whole when `Migrator::up` is given
/// a pool directly, as the tests of older databases do.
async fn run(m: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::TransactionTrait;
    if m.get_database_backend() == DatabaseBackend::Postgres {
        return Ok(());
    }
    let txn = m.get_connection().begin().await?;
    for s in DROP_TRIGGERS {
        txn.execute_unprepared(s).await?;
    }
    for s in statements {
        txn.execute_unprepared(&s).await?;
    }
    txn.commit().await
}
