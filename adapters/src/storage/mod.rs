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

/// How the pool connects and how long anything may wait.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Connections in the pool (default 8 on SQLite, 16 on PostgreSQL).
    pub max_connections: Option<u32>,
    /// Longest wait to open a connection.
    pub connect_timeout: Duration,
    /// Longest wait for a free connection; then the request fails as
    /// `Unavailable` (503, retry).
    pub acquire_timeout: Duration,
    /// Longest wait for a row or table lock (SQLite: the busy timeout).
    pub lock_timeout: Duration,
    /// Longest a statement may run (PostgreSQL).
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: None,
            connect_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(5),
            lock_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(15),
        }
    }
}

/// Every repository port over one sea-orm connection or transaction.
pub struct SeaOrmRepository<C> {
    conn: C,
}

/// The store: the connection pool.
pub type SeaOrmStore = SeaOrmRepository<DatabaseConnection>;

impl SeaOrmStore {
    /// Connects with the default pool settings.
    /// Errors: the database cannot be reached or configured.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        Self::connect_with(url, &PoolSettings::default()).await
    }

    /// Connects; for SQLite, turns on WAL and foreign keys. Every wait is
    /// bounded: for a connection (`acquire_timeout`), for a lock and for a
    /// statement (PostgreSQL `lock_timeout` and `statement_timeout`, SQLite's
    /// busy timeout), so that one held lock cannot hold the pool.
    /// Errors: the database cannot be reached or configured.
    pub async fn connect_with(url: &str, settings: &PoolSettings) -> Result<Self, DbErr> {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false).connect_timeout(settings.connect_timeout).acquire_timeout(settings.acquire_timeout);
        if url.starts_with("sqlite:") {
            // WAL lets readers run beside the one writer; the busy timeout
            // makes writers queue, for a while, instead of failing.
            let busy = settings.lock_timeout;
            opts.max_connections(settings.max_connections.unwrap_or(8)).map_sqlx_sqlite_opts(move |o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(busy)
                    .foreign_keys(true)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
            });
        } else {
            let lock = format!("{}ms", settings.lock_timeout.as_millis());
            let statement = format!("{}ms", settings.statement_timeout.as_millis());
            opts.max_connections(settings.max_connections.unwrap_or(16)).map_sqlx_postgres_opts(move |o| {
                o.options([("lock_timeout", lock.as_str()), ("statement_timeout", statement.as_str())])
            });
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
