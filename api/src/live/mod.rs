//! Live audit events (R43): one hub per server fans committed audit events
//! out to the subscriptions that asked for their account (the WebSocket
//! transport that carries them to clients is `http::ws`).
//!
//! The hub reads each committed event once (by the id its source gives, in
//! commit order) and offers it to every matching subscription through a
//! bounded queue: a subscription whose client does not keep up is dropped
//! (its stream ends with `SUBSCRIPTION_LAGGED`) rather than letting memory
//! grow. When the server may have missed events (its `LISTEN` connection
//! was lost, or a committed event could not be read), every subscription
//! ends with `SUBSCRIPTION_INTERRUPTED`: a subscriber is never left open
//! with a hole in its stream. Each subscription then checks, per event,
//! that its caller may still read that log (`graphql::subscription`).

pub mod slots;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use cam_adapters::storage::live::{Committed, CommittedEvents};
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
    ended: Arc<AtomicU8>,
}

const OPEN: u8 = 0;
const LAGGED: u8 = 1;
const INTERRUPTED: u8 = 2;

/// Why the hub ended a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Its queue was full: the client did not read fast enough.
    Lagged,
    /// The server may have missed events for it.
    Interrupted,
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
        let ended = Arc::new(AtomicU8::new(OPEN));
        let mut subs = self.lock();
        subs.next += 1;
        let id = subs.next;
        subs.by_id.insert(id, Subscriber { scope, tx, ended: ended.clone() });
        Registration { id, rx, ended, hub: self.clone() }
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
                    s.ended.store(LAGGED, Ordering::SeqCst);
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
    }

    /// Ends every subscription open now with `SUBSCRIPTION_INTERRUPTED`
    /// (after the events already queued for it): events may have committed
    /// that this server did not hear of or could not read.
    fn interrupt(&self) {
        let mut subs = self.lock();
        if subs.by_id.is_empty() {
            return;
        }
        tracing::warn!(
            subscriptions = subs.by_id.len(),
            "live audit events may have been missed; ending the subscriptions (SUBSCRIPTION_INTERRUPTED)"
        );
        for s in subs.by_id.values() {
            s.ended.store(INTERRUPTED, Ordering::SeqCst);
        }
        subs.by_id.clear();
    }

    /// Delivers committed events until the source closes: each is read once,
    /// and only while someone subscribes.
    pub async fn run(self: Arc<Self>, cam: Cam, mut source: CommittedEvents) {
        while let Some(next) = source.next().await {
            let id = match next {
                Committed::Event(id) => id,
                Committed::Gap => {
                    self.interrupt();
                    continue;
                }
            };
            if self.lock().by_id.is_empty() {
                continue;
            }
            match read(&cam, AuditEventId::new(id)).await {
                Ok(Some(event)) => self.dispatch(&event),
                Ok(None) => continue,
                Err(()) => self.interrupt(),
            }
        }
        tracing::warn!("the source of live audit events closed");
        self.interrupt();
    }
}

/// The event, read again a few times if the database is briefly busy.
/// Errors: it could not be read (the database is down).
async fn read(cam: &Cam, id: AuditEventId) -> Result<Option<AuditEvent>, ()> {
    for attempt in 0..3 {
        match cam.audit.committed_audit_event(id).await {
            Ok(found) => return Ok(found),
            Err(e) => {
                tracing::warn!(error = %cam_domain::chain(&e), attempt, "could not read a committed audit event");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    Err(())
}

/// One subscription's queue; dropping it unsubscribes.
pub struct Registration {
    id: u64,
    rx: mpsc::Receiver<AuditEvent>,
    ended: Arc<AtomicU8>,
    hub: Arc<Live>,
}

impl Registration {
    /// The next event; `None` once the hub dropped this subscription.
    pub async fn next(&mut self) -> Option<AuditEvent> {
        self.rx.recv().await
    }

    /// Why the hub dropped it, if it did.
    pub fn ended(&self) -> Option<Ended> {
        match self.ended.load(Ordering::SeqCst) {
            LAGGED => Some(Ended::Lagged),
            INTERRUPTED => Some(Ended::Interrupted),
            _ => None,
        }
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
        assert_eq!(slow.ended(), Some(Ended::Lagged), "and says why");
        hub.dispatch(&event(6, 2));
        assert_eq!(other.next().await.map(|e| e.id.get()), Some(6), "only events of its own account");
        drop(other);
        assert_eq!(hub.subscriptions(), 0, "dropping unsubscribes");
    }

    #[tokio::test]
    async fn a_gap_in_the_feed_ends_every_subscription_after_what_it_was_given() {
        // R43: never a silent hole in a stream
        let hub = Arc::new(Live::new(LiveLimits::default()));
        let mut a = hub.register(AuditScope::Partner(AccountId::new(1)));
        let mut b = hub.register(AuditScope::Client(AccountId::new(2)));
        hub.dispatch(&event(1, 1));
        hub.interrupt();
        assert_eq!(hub.subscriptions(), 0);
        assert_eq!(a.next().await.map(|e| e.id.get()), Some(1), "what was queued before the gap");
        assert!(a.next().await.is_none());
        assert!(b.next().await.is_none());
        assert_eq!((a.ended(), b.ended()), (Some(Ended::Interrupted), Some(Ended::Interrupted)));
        let mut c = hub.register(AuditScope::Partner(AccountId::new(1)));
        hub.dispatch(&event(2, 1));
        assert_eq!(c.next().await.map(|e| e.id.get()), Some(2), "a new subscription after it gets events");
        assert_eq!(c.ended(), None);
    }
}
