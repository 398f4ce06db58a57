//! Storage: sea-orm repositories over SQLite (embedded default) or
//! PostgreSQL. `SeaOrmRepository<C>` implements every repository port over
//! any sea-orm connection: the pool (reads) or a transaction (`UnitOfWork`).

mod access_links;
mod accounts;
mod assets;
mod audit;
mod convert;
mod entities;
mod memberships;
mod outbox;
mod permission_sets;
mod relationships;
mod users;

use std::time::Duration;

use async_trait::async_trait;
use cam_domain::store::{Store, UnitOfWork};
use cam_domain::StorageError;
use cam_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqlErr,
    Statement, TransactionTrait,
};

/// Every repository port over one sea-orm connection or transaction.
pub struct SeaOrmRepository<C> {
    conn: C,
}

/// The store: the connection pool.
pub type SeaOrmStore = SeaOrmRepository<DatabaseConnection>;

impl SeaOrmStore {
    /// Connects; for SQLite, turns on WAL and foreign keys.
    /// Errors: the database cannot be reached or configured.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30));
        if url.starts_with("sqlite:") {
            // WAL lets readers run beside the one writer; the busy timeout
            // makes writers queue instead of failing.
            opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
            });
        } else {
            opts.max_connections(16);
        }
        let conn = Database::connect(opts).await?;
        Ok(Self { conn })
    }

    /// Errors: a migration failed.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// Whether no migration has run yet and nothing is stored.
    /// Errors: the database cannot be read.
    pub async fn is_empty(&self) -> Result<bool, DbErr> {
        use sea_orm::{EntityTrait, PaginatorTrait};
        Ok(entities::account::Entity::find().count(&self.conn).await? == 0)
    }

    /// The underlying connection, for wiring (metrics) and tests.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn from_connection(conn: DatabaseConnection) -> Self {
        Self { conn }
    }

    /// Calls `observer` with the SQL of every statement run (for tests that
    /// count statements, and for metrics).
    pub fn observe_statements(&mut self, observer: impl Fn(&str) + Send + Sync + 'static) {
        self.conn.set_metric_callback(move |info| observer(&info.statement.sql));
    }

    /// Open and idle connections of the pool, for metrics.
    pub fn pool_stats(&self) -> (u32, usize) {
        match self.conn.get_database_backend() {
            DatabaseBackend::Sqlite => {
                let p = self.conn.get_sqlite_connection_pool();
                (p.size(), p.num_idle())
            }
            DatabaseBackend::Postgres => {
                let p = self.conn.get_postgres_connection_pool();
                (p.size(), p.num_idle())
            }
            _ => (0, 0),
        }
    }
}

#[async_trait]
impl Store for SeaOrmStore {
    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StorageError> {
        let tx = self.conn.begin().await.map_err(db)?;
        if tx.get_database_backend() == DatabaseBackend::Sqlite {
            // BEGIN IMMEDIATE: take SQLite's write lock now, so that what this
            // transaction reads stays true until it commits (R31).
            tx.execute(Statement::from_string(
                DatabaseBackend::Sqlite,
                "UPDATE write_lock SET counter = counter + 1 WHERE id = 1",
            ))
            .await
            .map_err(db)?;
        }
        Ok(Box::new(SeaOrmRepository { conn: tx }))
    }

    async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }
}

#[async_trait]
impl UnitOfWork for SeaOrmRepository<DatabaseTransaction> {
    async fn commit(self: Box<Self>) -> Result<(), StorageError> {
        self.conn.commit().await.map_err(db)
    }
}

/// Maps a database error to the port's error; unique violations become
/// `Conflict`. The text stays in logs.
pub(crate) fn db(e: DbErr) -> StorageError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(what)) => StorageError::Conflict(what),
        _ => StorageError::Other(e.to_string()),
    }
}

/// A connection usable by the repositories.
pub trait Conn: ConnectionTrait + Send + Sync {}
impl<T: ConnectionTrait + Send + Sync> Conn for T {}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as escape.
pub(crate) fn like_pattern(search: &str) -> String {
    let mut s = String::from("%");
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}
