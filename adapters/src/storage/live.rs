//! Live audit events (R43): the ids of audit events as they commit, in
//! commit order, for subscriptions.
//!
//! Every audit event goes through `record` / `record_many`, so the hook is
//! there and every use case gets it:
//! - PostgreSQL: the insert calls `pg_notify('cam_audit', id)` in the writing
//!   transaction; PostgreSQL delivers notifications at commit, in commit
//!   order, to every server listening on the database (one dedicated
//!   `LISTEN` connection per server), and never for a rolled-back one.
//! - SQLite (one process): the transaction keeps the ids it recorded and
//!   hands them to an in-process channel after its commit. Commits and
//!   hand-overs are serialised, so the channel sees commit order.

use std::sync::{Arc, Mutex};

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::DbErr;
use tokio::sync::broadcast;

/// The PostgreSQL channel the audit events are announced on.
pub const CHANNEL: &str = "cam_audit";

/// Ids the in-process channel holds for a receiver that fell behind; past
/// that, the oldest are lost (and logged).
const LOCAL_CAPACITY: usize = 4096;

/// The in-process channel of committed event ids (SQLite).
#[derive(Clone)]
pub struct LocalFeed {
    sender: broadcast::Sender<i64>,
    /// Held from a transaction's commit until its ids are sent.
    order: Arc<tokio::sync::Mutex<()>>,
}

impl Default for LocalFeed {
    fn default() -> Self {
        Self { sender: broadcast::channel(LOCAL_CAPACITY).0, order: Arc::new(tokio::sync::Mutex::new(())) }
    }
}

impl LocalFeed {
    fn publish(&self, ids: &[i64]) {
        for id in ids {
            // No receiver: nobody subscribes on this server.
            let _ = self.sender.send(*id);
        }
    }
}

/// A repository's part: the feed, and inside a transaction the ids it
/// recorded that are not committed yet.
pub(crate) struct Recorded {
    feed: LocalFeed,
    pending: Option<Mutex<Vec<i64>>>,
}

impl Recorded {
    /// Outside a transaction: an id recorded is committed at once.
    pub(crate) fn autocommit(feed: LocalFeed) -> Self {
        Self { feed, pending: None }
    }

    /// Inside a transaction: ids wait for the commit.
    pub(crate) fn transaction(&self) -> Self {
        Self { feed: self.feed.clone(), pending: Some(Mutex::new(Vec::new())) }
    }

    pub(crate) fn feed(&self) -> &LocalFeed {
        &self.feed
    }

    /// Notes event ids written on SQLite.
    pub(crate) fn note(&self, ids: &[i64]) {
        match &self.pending {
            Some(p) => match p.lock() {
                Ok(mut p) => p.extend_from_slice(ids),
                Err(poisoned) => poisoned.into_inner().extend_from_slice(ids),
            },
            None => self.feed.publish(ids),
        }
    }

    /// Commits with `commit` and then announces the ids the transaction
    /// recorded, holding the order lock so that announcements follow commit
    /// order. Errors: those of `commit` (nothing is announced).
    pub(crate) async fn commit_then_announce<E>(
        self,
        commit: impl std::future::Future<Output = Result<(), E>>,
    ) -> Result<(), E> {
        let ids = match self.pending {
            Some(p) => match p.into_inner() {
                Ok(ids) => ids,
                Err(poisoned) => poisoned.into_inner(),
            },
            None => Vec::new(),
        };
        if ids.is_empty() {
            return commit.await;
        }
        let _order = self.feed.order.lock().await;
        commit.await?;
        self.feed.publish(&ids);
        Ok(())
    }
}

/// Where a server learns which audit events committed.
pub enum CommittedEvents {
    Local(broadcast::Receiver<i64>),
    Postgres { listener: Box<PgListener>, pool: sea_orm::sqlx::PgPool },
}

/// What the source says next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    /// An audit event committed (its id), in commit order.
    Event(i64),
    /// Events may have committed unheard: the `LISTEN` connection was lost
    /// (and is listening again now), or the receiver fell behind.
    Gap,
}

impl CommittedEvents {
    pub(crate) fn local(feed: &LocalFeed) -> Self {
        Self::Local(feed.sender.subscribe())
    }

    /// A dedicated `LISTEN` connection. Errors: it cannot be opened.
    pub(crate) async fn postgres(pool: &sea_orm::sqlx::PgPool) -> Result<Self, DbErr> {
        Ok(Self::Postgres { listener: Box::new(Self::listen(pool).await?), pool: pool.clone() })
    }

    async fn listen(pool: &sea_orm::sqlx::PgPool) -> Result<PgListener, DbErr> {
        let mut listener =
            PgListener::connect_with(pool).await.map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
        listener.listen(CHANNEL).await.map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
        Ok(listener)
    }

    /// The next committed event id, or a gap. A lost `LISTEN` connection is
    /// replaced (retried every second) before the gap is reported, so that a
    /// subscription made after the gap misses nothing; what committed while
    /// no connection listened was not heard. `None` once the source is
    /// closed for good.
    pub async fn next(&mut self) -> Option<Committed> {
        loop {
            match self {
                Self::Local(rx) => match rx.recv().await {
                    Ok(id) => return Some(Committed::Event(id)),
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "live audit events fell behind; some were not delivered");
                        return Some(Committed::Gap);
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                Self::Postgres { listener, pool } => match listener.try_recv().await {
                    Ok(Some(n)) => match n.payload().parse() {
                        Ok(id) => return Some(Committed::Event(id)),
                        Err(_) => tracing::warn!("ignored a malformed audit notification"),
                    },
                    lost => {
                        match lost {
                            Err(e) => tracing::warn!(error = %e, "the LISTEN connection failed; listening again"),
                            _ => tracing::warn!("the LISTEN connection was lost; listening again"),
                        }
                        loop {
                            match Self::listen(pool).await {
                                Ok(l) => {
                                    **listener = l;
                                    break;
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "cannot listen again yet; retrying in a second");
                                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                                }
                            }
                        }
                        return Some(Committed::Gap);
                    }
                },
            }
        }
    }
}
