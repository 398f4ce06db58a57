//! Storage: sea-orm repositories over SQLite (embedded default) or
//! PostgreSQL. `SeaOrmRepository<C>` implements every repository port over
//! any sea-orm connection: the pool (reads) or a transaction (`UnitOfWork`).

mod access_links;
mod accounts;
mod assets;
mod audit;
mod bulk;
mod convert;
mod entities;
mod errors;
mod joined;
mod keyset;
mod lifecycle;
pub mod live;
mod memberships;
mod outbox;
mod permission_sets;
mod proofs;
mod relationships;
mod scim;
mod sessions;
mod settings;
mod sql;
mod users;
mod window;

use std::time::Duration;

use async_trait::async_trait;
use cam_domain::store::{Store, UnitOfWork};
use cam_domain::StorageError;
use cam_migration::{Migrator, MigratorTrait};
pub(crate) use errors::{db, one_row};
use sea_orm::sqlx;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, RuntimeErr, Statement,
    TransactionTrait,
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
    /// Emails this transaction queued: its commit counts them and wakes
    /// the dispatcher (R42), instead of letting it wait for its next poll.
    wrote_outbox: std::sync::atomic::AtomicU64,
    /// Audit events recorded, for live subscriptions (R43, `live`).
    live: live::Recorded,
}

impl<C> SeaOrmRepository<C> {
    fn over(conn: C, live: live::Recorded) -> Self {
        Self { conn, wrote_outbox: std::sync::atomic::AtomicU64::new(0), live }
    }

    /// Notes that `n` emails were queued through this connection.
    pub(crate) fn outbox_written(&self, n: u64) {
        self.wrote_outbox.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }
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
        use sea_orm::sqlx::ConnectOptions as _;
        let conn: DatabaseConnection = if url.starts_with("sqlite:") {
            // WAL lets readers run beside the one writer; the busy timeout
            // makes writers queue, for a while, instead of failing.
            let opts = url
                .parse::<sqlx::sqlite::SqliteConnectOptions>()
                .map_err(conn_err)?
                .disable_statement_logging()
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(settings.lock_timeout)
                .foreign_keys(true)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
            let pool = pool_options(settings.max_connections.unwrap_or(8), settings)
                .connect_with(opts)
                .await
                .map_err(conn_err)?;
            sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)
        } else {
            probe_postgres(url, settings.connect_timeout).await?;
            let lock = format!("{}ms", settings.lock_timeout.as_millis());
            let statement = format!("{}ms", settings.statement_timeout.as_millis());
            let opts = url
                .parse::<sqlx::postgres::PgConnectOptions>()
                .map_err(conn_err)?
                .disable_statement_logging()
                .options([("lock_timeout", lock.as_str()), ("statement_timeout", statement.as_str())]);
            let pool = pool_options(settings.max_connections.unwrap_or(16), settings)
                .connect_with(opts)
                .await
                .map_err(conn_err)?;
            sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool)
        };
        Ok(Self::from_connection(conn))
    }

    /// Applies the pending migrations. On SQLite all of them run in one
    /// transaction, so on one connection: sea-orm-migration runs each of
    /// PostgreSQL's in a transaction but hands SQLite's the pool, where each
    /// statement may take another connection, and a connection that had
    /// read the schema before a change then failed with "trigger …
    /// already exists" during the migrations, or "no such table" after them
    /// (seen once each under the test suite's load). A failed migration
    /// also leaves nothing half-applied.
    /// Errors: a migration failed.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        use sea_orm::TransactionTrait;
        if self.conn.get_database_backend() == DatabaseBackend::Postgres {
            return Migrator::up(&self.conn, None).await;
        }
        let txn = self.conn.begin().await?;
        Migrator::up(&txn, None).await?;
        txn.commit().await
    }

    /// Ready to serve: the database answers and its applied migrations are
    /// exactly the ones this binary knows. Read only (it never creates the
    /// migrations table). Errors: a one-line reason.
    pub async fn readiness(&self) -> Result<(), String> {
        use cam_migration::seaql_migrations;
        use sea_orm::EntityTrait;
        let applied = seaql_migrations::Entity::find().all(&self.conn).await.map_err(|e| {
            format!("the database does not answer or has no migrations: {}", e.to_string().replace('\n', " "))
        })?;
        let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        let pending = known.iter().filter(|k| !applied.iter().any(|a| &a.version == *k)).count();
        let unknown = applied.iter().filter(|a| !known.contains(&a.version)).count();
        match (pending, unknown) {
            (0, 0) => Ok(()),
            (0, n) => Err(format!("the database has {n} migrations this binary does not know")),
            (n, _) => Err(format!("{n} migrations are not applied yet")),
        }
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
        Self::over(conn, live::Recorded::autocommit(live::LocalFeed::default()))
    }

    /// The ids of audit events as they commit, in commit order (R43): on
    /// PostgreSQL from one dedicated `LISTEN` connection (every server on
    /// the database), on SQLite from this process. Errors: the `LISTEN`
    /// connection cannot be opened.
    pub async fn committed_events(&self) -> Result<live::CommittedEvents, DbErr> {
        match self.conn.get_database_backend() {
            DatabaseBackend::Postgres => {
                live::CommittedEvents::postgres(self.conn.get_postgres_connection_pool()).await
            }
            _ => Ok(live::CommittedEvents::local(self.live.feed())),
        }
    }

    /// Calls `observer` with the SQL of every statement run and the number
    /// of values bound to it (for tests that count statements and check
    /// that no statement binds a list that grows with the data, and for
    /// metrics).
    pub fn observe_statements(&mut self, observer: impl Fn(&str, usize) + Send + Sync + 'static) {
        self.conn.set_metric_callback(move |info| {
            observer(&info.statement.sql, info.statement.values.as_ref().map_or(0, |v| v.0.len()))
        });
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
        Ok(Box::new(SeaOrmRepository::over(tx, self.live.transaction())))
    }

    async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }
}

#[async_trait]
impl UnitOfWork for SeaOrmRepository<DatabaseTransaction> {
    async fn commit(self: Box<Self>) -> Result<(), StorageError> {
        let SeaOrmRepository { conn, wrote_outbox, live } = *self;
        let queued = wrote_outbox.load(std::sync::atomic::Ordering::Relaxed);
        live.commit_then_announce(async move { conn.commit().await.map_err(db) }).await?;
        if queued > 0 {
            crate::notify::queued_and_committed(queued);
        }
        Ok(())
    }
}

/// One direct connection before the pool is built: a pool that cannot
/// connect only says that it timed out, this says why (refused, unknown
/// host, wrong password, no such database). Errors: that cause.
async fn probe_postgres(url: &str, timeout: Duration) -> Result<(), DbErr> {
    use sea_orm::sqlx::{Connection, PgConnection};
    let cause = match tokio::time::timeout(timeout, PgConnection::connect(url)).await {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            return Ok(());
        }
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {timeout:?}"),
    };
    Err(DbErr::Conn(sea_orm::RuntimeErr::Internal(cause)))
}

/// A connection usable by the repositories.
pub trait Conn: ConnectionTrait + sea_orm::StreamTrait + Send + Sync {}
impl<T: ConnectionTrait + sea_orm::StreamTrait + Send + Sync> Conn for T {}

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

/// A connection idle for less than this is handed out without a ping: one
/// round trip less for every statement of a busy server. One idle longer
/// (the database may have restarted meanwhile) is pinged first, and a dead
/// one is dropped and replaced, as `test_before_acquire` would.
const PING_AFTER_IDLE: Duration = Duration::from_millis(500);

/// The pool: bounded, with the acquire timeout, pinging only connections
/// that have been idle for a while (the policy of HikariCP's
/// `aliveBypassWindowMs`; sqlx's default pings before every statement).
fn pool_options<DB: sqlx::Database>(max: u32, settings: &PoolSettings) -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::<DB>::new()
        .max_connections(max)
        .acquire_timeout(settings.acquire_timeout)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

fn conn_err(e: sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(e))
}
