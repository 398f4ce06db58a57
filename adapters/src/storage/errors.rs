//! What a database error means to the use case: a conflict, a transient
//! failure worth running again, an unavailable database, or anything else.

use cam_domain::StorageError;
use sea_orm::{DbErr, RuntimeErr, SqlErr, UpdateResult};

/// Maps a database error to the port's error. The text stays in logs.
/// - unique violations: `Conflict`;
/// - deadlocks and serialization failures (PostgreSQL 40P01, 40001; SQLite
///   `SQLITE_BUSY_SNAPSHOT`): `Transient`, the use case may run again;
/// - no connection (pool timed out or closed, I/O), a lock or statement
///   timeout (PostgreSQL 55P03, 57014), SQLite busy or locked after its busy
///   timeout: `Unavailable`, the caller may retry later;
/// - anything else: `Other`.
pub(crate) fn db(e: DbErr) -> StorageError {
    if let Some(SqlErr::UniqueConstraintViolation(what)) = e.sql_err() {
        return StorageError::Conflict(what);
    }
    let kind = match &e {
        DbErr::ConnectionAcquire(_) => Some(Failure::Unavailable),
        DbErr::Conn(RuntimeErr::SqlxError(x))
        | DbErr::Exec(RuntimeErr::SqlxError(x))
        | DbErr::Query(RuntimeErr::SqlxError(x)) => sqlx_failure(x),
        _ => None,
    };
    match kind {
        Some(Failure::Transient) => StorageError::Transient(Box::new(e)),
        Some(Failure::Unavailable) => StorageError::Unavailable(Box::new(e)),
        None => StorageError::Other(Box::new(e)),
    }
}

/// An update by id found its row: a missing one is an error, as with
/// sea-orm's `update` (`RecordNotUpdated`).
pub(crate) fn one_row(r: UpdateResult) -> Result<(), StorageError> {
    if r.rows_affected == 0 {
        return Err(db(DbErr::RecordNotUpdated));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Transient,
    Unavailable,
}

fn sqlx_failure(e: &sea_orm::sqlx::Error) -> Option<Failure> {
    use sea_orm::sqlx::Error as X;
    match e {
        X::PoolTimedOut | X::PoolClosed | X::Io(_) => Some(Failure::Unavailable),
        X::Database(d) => {
            let code = d.code()?;
            if d.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>().is_some() {
                sqlite_failure(&code)
            } else {
                postgres_failure(&code)
            }
        }
        _ => None,
    }
}

/// PostgreSQL SQLSTATEs.
fn postgres_failure(sqlstate: &str) -> Option<Failure> {
    match sqlstate {
        // deadlock_detected, serialization_failure
        "40P01" | "40001" => Some(Failure::Transient),
        // lock_not_available (lock timeout), query_canceled (statement
        // timeout), too_many_connections, admin/crash shutdown, cannot connect now
        "55P03" | "57014" | "53300" | "57P01" | "57P02" | "57P03" => Some(Failure::Unavailable),
        _ => None,
    }
}

/// SQLite extended result codes, as sqlx prints them.
fn sqlite_failure(code: &str) -> Option<Failure> {
    const SQLITE_BUSY: i64 = 5;
    const SQLITE_LOCKED: i64 = 6;
    const SQLITE_BUSY_SNAPSHOT: i64 = 517;
    let code: i64 = code.parse().ok()?;
    if code == SQLITE_BUSY_SNAPSHOT {
        // A read snapshot went stale before its write: a fresh run may pass.
        return Some(Failure::Transient);
    }
    // The busy timeout is exhausted.
    matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED).then_some(Failure::Unavailable)
}

#[cfg(test)]
mod tests {
    use sea_orm::sqlx;

    use super::*;

    fn kind(e: StorageError) -> &'static str {
        match e {
            StorageError::Conflict(_) => "conflict",
            StorageError::Unavailable(_) => "unavailable",
            StorageError::Transient(_) => "transient",
            StorageError::Other(_) => "other",
        }
    }

    #[test]
    fn deadlocks_and_serialization_failures_are_transient() {
        assert_eq!(postgres_failure("40P01"), Some(Failure::Transient));
        assert_eq!(postgres_failure("40001"), Some(Failure::Transient));
        assert_eq!(sqlite_failure("517"), Some(Failure::Transient));
    }

    #[test]
    fn timeouts_busy_databases_and_lost_connections_are_unavailable() {
        assert_eq!(postgres_failure("55P03"), Some(Failure::Unavailable));
        assert_eq!(postgres_failure("57014"), Some(Failure::Unavailable));
        for busy in ["5", "6", "261", "262", "773"] {
            assert_eq!(sqlite_failure(busy), Some(Failure::Unavailable), "{busy}");
        }
        assert_eq!(kind(db(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))), "unavailable");
        assert_eq!(kind(db(DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::PoolTimedOut)))), "unavailable");
        assert_eq!(kind(db(DbErr::Conn(RuntimeErr::SqlxError(sqlx::Error::PoolClosed)))), "unavailable");
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert_eq!(kind(db(DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Io(io))))), "unavailable");
    }

    #[test]
    fn other_failures_stay_other() {
        assert_eq!(postgres_failure("23503"), None);
        assert_eq!(postgres_failure("42P01"), None);
        assert_eq!(sqlite_failure("1"), None);
        assert_eq!(sqlite_failure("787"), None);
        assert_eq!(kind(db(DbErr::RecordNotFound("x".into()))), "other");
        assert_eq!(kind(db(DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::RowNotFound)))), "other");
    }
}
