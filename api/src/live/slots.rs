//! WebSocket slots: who may hold a connection, so that no stranger, user
//! or tenant can take them all (R43 under load).
//!
//! - A connection that has not signed in (`connection_init`) holds one of
//!   a small number of waiting places. When they are all taken, the oldest
//!   waiting connection is closed to make room for the newest: a flood of
//!   anonymous upgrades holds nothing for long, and a real client, which
//!   signs in within milliseconds, gets in.
//! - Signed-in connections share the server's slots, and each user (the
//!   operator counts as one) holds at most a fair share of them.
//! - Every connection, whatever its state, is counted until it is gone, so
//!   that shutting down can wait for the last one.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use cam_domain::{Principal, UserId};
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

use super::LiveLimits;

/// Whose share a signed-in connection counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    Operator,
    User(UserId),
}

impl Holder {
    pub fn of(p: &Principal) -> Self {
        match p {
            Principal::Operator => Holder::Operator,
            Principal::User(u) => Holder::User(u.id),
        }
    }
}

/// Why a connection may not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This user holds their share already.
    UserFull,
    /// Every signed-in slot is taken.
    ServerFull,
}

#[derive(Default)]
struct Waiting {
    next: u64,
    /// Oldest first: each with the sender that closes it.
    queue: VecDeque<(u64, oneshot::Sender<()>)>,
}

pub struct Slots {
    limits: LiveLimits,
    /// Every connection until it is gone.
    alive: Arc<Semaphore>,
    alive_permits: u32,
    signed_in: Arc<Semaphore>,
    waiting: Mutex<Waiting>,
    per_user: Mutex<HashMap<Holder, usize>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// A connection's place among all (taken at the upgrade, held until it is gone).
pub struct Admitted {
    _alive: OwnedSemaphorePermit,
}

/// A connection's waiting place; `displaced` fires when newer connections
/// need it. Dropping it (signed in, or gone) gives it up.
pub struct WaitingPlace {
    id: u64,
    pub displaced: oneshot::Receiver<()>,
    slots: Arc<Slots>,
}

impl Drop for WaitingPlace {
    fn drop(&mut self) {
        lock(&self.slots.waiting).queue.retain(|(id, _)| *id != self.id);
    }
}

/// A signed-in connection's slot, counted against its user's share until dropped.
pub struct SignedIn {
    _permit: OwnedSemaphorePermit,
    holder: Holder,
    slots: Arc<Slots>,
}

impl Drop for SignedIn {
    fn drop(&mut self) {
        let mut per_user = lock(&self.slots.per_user);
        if let Some(n) = per_user.get_mut(&self.holder) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                per_user.remove(&self.holder);
            }
        }
    }
}

impl Slots {
    pub fn new(limits: LiveLimits) -> Self {
        // Displaced connections are still closing while their places are
        // taken again: room for them too.
        let alive_permits = u32::try_from(limits.max_connections + 2 * limits.max_pending).unwrap_or(u32::MAX);
        Self {
            limits,
            alive: Arc::new(Semaphore::new(alive_permits as usize)),
            alive_permits,
            signed_in: Arc::new(Semaphore::new(limits.max_connections)),
            waiting: Mutex::new(Waiting::default()),
            per_user: Mutex::new(HashMap::new()),
        }
    }

    /// A place for a new connection; `None` when the server holds all the
    /// connections it may (every signed-in slot taken: 503).
    pub fn admit(&self) -> Option<Admitted> {
        if self.signed_in.available_permits() == 0 {
            return None;
        }
        self.alive.clone().try_acquire_owned().ok().map(|p| Admitted { _alive: p })
    }

    /// A waiting place for a connection that has not signed in; the oldest
    /// waiting connection is displaced when there are too many.
    pub fn wait(self: &Arc<Self>) -> WaitingPlace {
        let (tx, rx) = oneshot::channel();
        let mut waiting = lock(&self.waiting);
        while waiting.queue.len() >= self.limits.max_pending.max(1) {
            if let Some((_, oldest)) = waiting.queue.pop_front() {
                let _ = oldest.send(());
            }
        }
        waiting.next += 1;
        let id = waiting.next;
        waiting.queue.push_back((id, tx));
        WaitingPlace { id, displaced: rx, slots: self.clone() }
    }

    /// A signed-in slot for `holder`'s connection. Errors: their share or
    /// the server is full.
    pub fn sign_in(self: &Arc<Self>, holder: Holder) -> Result<SignedIn, Refusal> {
        let mut per_user = lock(&self.per_user);
        let held = per_user.get(&holder).copied().unwrap_or(0);
        if held >= self.limits.max_per_user {
            return Err(Refusal::UserFull);
        }
        let permit = self.signed_in.clone().try_acquire_owned().map_err(|_| Refusal::ServerFull)?;
        per_user.insert(holder, held + 1);
        Ok(SignedIn { _permit: permit, holder, slots: self.clone() })
    }

    /// Waits until every connection is gone.
    pub async fn all_gone(&self) {
        let _ = self.alive.acquire_many(self.alive_permits).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(max_connections: usize, max_pending: usize, max_per_user: usize) -> Arc<Slots> {
        Arc::new(Slots::new(LiveLimits { max_connections, max_pending, max_per_user, ..LiveLimits::default() }))
    }

    #[test]
    fn the_oldest_waiting_connection_makes_room_for_the_newest() {
        let s = slots(8, 2, 4);
        let mut first = s.wait();
        let mut second = s.wait();
        let mut third = s.wait();
        assert!(first.displaced.try_recv().is_ok(), "displaced");
        assert!(second.displaced.try_recv().is_err() && third.displaced.try_recv().is_err());
        drop(second);
        let mut fourth = s.wait();
        assert!(third.displaced.try_recv().is_err() && fourth.displaced.try_recv().is_err(), "a place was free");
    }

    #[test]
    fn each_user_holds_at_most_their_share_and_the_server_its_slots() {
        let s = slots(3, 2, 2);
        let (ana, ben, cy) = (Holder::User(UserId::new(1)), Holder::User(UserId::new(2)), Holder::Operator);
        let a1 = s.sign_in(ana).unwrap();
        let _a2 = s.sign_in(ana).unwrap();
        assert_eq!(s.sign_in(ana).err(), Some(Refusal::UserFull));
        let _b1 = s.sign_in(ben).unwrap();
        assert_eq!(s.sign_in(cy).err(), Some(Refusal::ServerFull));
        assert!(s.admit().is_none(), "a full server refuses upgrades");
        drop(a1);
        assert!(s.sign_in(ana).is_ok(), "a closed connection gives its slot back");
    }
}
