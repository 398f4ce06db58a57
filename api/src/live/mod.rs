//! Live audit events (R43): one hub per server fans committed audit events
//! out to the subscriptions that asked for their account, and the
//! WebSocket transport (`ws`) that carries them to clients.
//!
//! The hub reads each committed event once (by the id its source gives, in
//! commit order) and offers it to every matching subscription through a
//! bounded queue: a subscription whose client does not keep up is dropped
//! (its stream ends with `SUBSCRIPTION_LAGGED`) rather than letting memory
//! grow. Each subscription then checks, per event, that its caller may
//! still read that log (`graphql::subscription`).

pub mod slots;
pub mod ws;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use cam_adapters::storage::live::CommittedEvents;
use cam_domain::audit::model::{AuditEvent, AuditScope};
use cam_domain::{AuditEventId, Cam};
use tokio::sync::{mpsc, watch};

/// The limits of live delivery (README, "Limits").
#[derive(Debug, Clone, Copy)]
pub struct LiveLimits {
    /// Most signed-in WebSocket connections open at once (on top of the
    /// HTTP cap).
    pub max_connections: usize,
    /// Most WebSocket connections waiting to sign in; the oldest makes room
    /// for a newer one (`slots`).
    pub max_pending: usize,
    /// Most signed-in WebSocket connections of one user.
    pub max_per_user: usize,
    /// Most operations running at once on one connection.
    pub max_operations_per_connection: usize,
    /// Time to send `connection_init` after the upgrade.
    pub init_timeout: Duration,
    /// Largest message a client may send.
    pub max_message_bytes: usize,
    /// Events queued for one subscription before it is dropped as too slow.
    pub queue: usize,
}

impl Default for LiveLimits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            max_pending: 64,
            max_per_user: 16,
            max_operations_per_connection: 16,
            init_timeout: Duration::from_secs(5),
            max_message_bytes: 64 * 1024,
            queue: 64,
        }
    }
}

struct Subscriber {
    scope: AuditScope,
    tx: mpsc::Sender<AuditEvent>,
    lagged: Arc<AtomicBool>,
}

#[derive(Default)]
struct Subscribers {
    next: u64,
    by_id: HashMap<u64, Subscriber>,
}

/// The hub.
pub struct Live {
    subscribers: Mutex<Subscribers>,
    pub(crate) slots: Arc<slots::Slots>,
    pub(crate) limits: LiveLimits,
    /// Becomes true when the server shuts down: every WebSocket closes.
    closing: watch::Sender<bool>,
}

impl Live {
    pub fn new(limits: LiveLimits) -> Self {
        Self {
            subscribers: Mutex::new(Subscribers::default()),
            slots: Arc::new(slots::Slots::new(limits)),
            limits,
            closing: watch::Sender::new(false),
        }
    }

    /// Tells whether the server is shutting down.
    pub(crate) fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Closes every WebSocket connection (1001, going away) and waits until
    /// they are all gone. Upgraded connections are no longer HTTP requests,
    /// so the server's drain does not wait for them.
    pub async fn close_connections(&self) {
        self.closing.send_replace(true);
        self.slots.all_gone().await;
    }

    fn lock(&self) -> MutexGuard<'_, Subscribers> {
        match self.subscribers.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// A subscription to one account's events, until dropped.
    pub fn register(self: &Arc<Self>, scope: AuditScope) -> Registration {
        let (tx, rx) = mpsc::channel(self.limits.queue.max(1));
        let lagged = Arc::new(AtomicBool::new(false));
        let mut subs = self.lock();
        subs.next += 1;
        let id = subs.next;
        subs.by_id.insert(id, Subscriber { scope, tx, lagged: lagged.clone() });
        Registration { id, rx, lagged, hub: self.clone() }
    }

    /// Subscriptions open on this server.
    pub fn subscriptions(&self) -> usize {
        self.lock().by_id.len()
    }

    /// Offers an event to the subscriptions of its account; drops those
    /// whose queue is full.
    fn dispatch(&self, event: &AuditEvent) {
        let mut subs = self.lock();
        subs.by_id.retain(|_, s| {
            let wanted = match s.scope {
                AuditScope::Partner(p) => event.partner_id == Some(p),
                AuditScope::Client(c) => event.account_id == Some(c),
            };
            if !wanted {
                return true;
            }
            match s.tx.try_send(event.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    s.lagged.store(true, Ordering::SeqCst);
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
    }

    /// Delivers committed events until the source closes: each is read once,
    /// and only while someone subscribes.
    pub async fn run(self: Arc<Self>, cam: Cam, mut source: CommittedEvents) {
        while let Some(id) = source.next().await {
            if self.lock().by_id.is_empty() {
                continue;
            }
            match read(&cam, AuditEventId::new(id)).await {
                Some(event) => self.dispatch(&event),
                None => continue,
            }
        }
        tracing::warn!("the source of live audit events closed");
    }
}

/// The event, read again a few times if the database is briefly busy.
async fn read(cam: &Cam, id: AuditEventId) -> Option<AuditEvent> {
    for attempt in 0..3 {
        match cam.committed_audit_event(id).await {
            Ok(found) => return found,
            Err(e) => {
                tracing::warn!(error = %cam_domain::chain(&e), attempt, "could not read a committed audit event");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    None
}

/// One subscription's queue; dropping it unsubscribes.
pub struct Registration {
    id: u64,
    rx: mpsc::Receiver<AuditEvent>,
    lagged: Arc<AtomicBool>,
    hub: Arc<Live>,
}

impl Registration {
    /// The next event; `None` once the hub dropped this subscription.
    pub async fn next(&mut self) -> Option<AuditEvent> {
        self.rx.recv().await
    }

    /// Whether the hub dropped it because its queue was full.
    pub fn lagged(&self) -> bool {
        self.lagged.load(Ordering::SeqCst)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.lock().by_id.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cam_domain::AccountId;

    fn event(id: i64, partner: i64) -> AuditEvent {
        AuditEvent {
            id: AuditEventId::new(id),
            at: chrono::DateTime::UNIX_EPOCH,
            actor_id: None,
            action: "test.event".into(),
            account_id: Some(AccountId::new(partner)),
            partner_id: Some(AccountId::new(partner)),
            subject_id: None,
            before: None,
            after: None,
        }
    }

    #[tokio::test]
    async fn a_subscriber_that_does_not_keep_up_is_dropped_not_buffered() {
        // R43: a slow consumer cannot grow memory without bound
        let hub = Arc::new(Live::new(LiveLimits { queue: 2, ..LiveLimits::default() }));
        let mut slow = hub.register(AuditScope::Partner(AccountId::new(1)));
        let mut other = hub.register(AuditScope::Partner(AccountId::new(2)));
        for id in 1..=5 {
            hub.dispatch(&event(id, 1));
        }
        assert_eq!(hub.subscriptions(), 1, "the slow one is gone, the other stays");
        assert_eq!(slow.next().await.map(|e| e.id.get()), Some(1));
        assert_eq!(slow.next().await.map(|e| e.id.get()), Some(2));
        assert!(slow.next().await.is_none(), "then its stream ends");
        assert!(slow.lagged(), "and says why");
        hub.dispatch(&event(6, 2));
        assert_eq!(other.next().await.map(|e| e.id.get()), Some(6), "only events of its own account");
        drop(other);
        assert_eq!(hub.subscriptions(), 0, "dropping unsubscribes");
    }
}
