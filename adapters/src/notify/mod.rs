//! Email delivery (R42, R57): the dispatcher claims due outbox emails,
//! hands each to a `Mailer` (SMTP, `smtp.rs`) and records the outcome:
//! `SENT` only when the SMTP server took it; `FAILED` at once when it
//! refused the email for good (5xx); otherwise another attempt after a
//! growing back-off, and `FAILED` after 24 hours of failures. When the
//! server cannot be reached (refused, timed out), the round stops there and
//! gives its other emails back untried, so that a dead server costs one
//! deadline per round, not one per email. A commit that queued emails wakes
//! the dispatcher at once; it also polls, for emails queued by other
//! servers on the same database.
//!
//! A claim lasts `lease` (45 s): an email claimed by a server that dies
//! (`kill -9`) is taken up by another within that time, never sent twice
//! while the claim holds.

pub mod header;
pub mod messages;
pub mod smtp;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use cam_domain::notify::model::{after_failure, AfterFailure};
use cam_domain::notify::ports::{DeliveryQueue, MailFailure, Mailer};
use cam_domain::{Clock, StorageError};
use tokio::sync::Notify;

pub use messages::FluentEmails;
pub use smtp::{SmtpMailer, SmtpSettings};

static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Delivery counts of this process, for `/metrics`.
#[derive(Debug, Default)]
pub struct DeliveryCounts {
    /// Emails queued by committed transactions.
    pub queued: AtomicU64,
    /// Emails the SMTP server took.
    pub sent: AtomicU64,
    /// Emails given up after 24 hours (`FAILED`).
    pub failed: AtomicU64,
    /// Failed attempts that will be tried again.
    pub retried: AtomicU64,
}

static COUNTS: LazyLock<DeliveryCounts> = LazyLock::new(DeliveryCounts::default);

/// This process's delivery counts.
pub fn counts() -> &'static DeliveryCounts {
    &COUNTS
}

/// A transaction that queued `n` emails committed: count them and wake the
/// dispatcher.
pub(crate) fn queued_and_committed(n: u64) {
    COUNTS.queued.fetch_add(n, Ordering::Relaxed);
    WAKE.notify_one();
}

/// What one round of the dispatcher did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Claims due emails and delivers them, one round at a time.
pub struct Dispatcher {
    queue: Arc<dyn DeliveryQueue>,
    mailer: Arc<dyn Mailer>,
    /// Delivery time (real time in production): back-off, the 24 hours,
    /// claims. Not the domain's test clock.
    clock: Arc<dyn Clock>,
    /// Emails claimed per round.
    pub batch: u32,
    /// How long a claim holds.
    pub lease: chrono::Duration,
    /// The longest one send may take (the mailer's timeout, and a margin):
    /// an email is sent only while its claim holds at least this long, so
    /// that no other server claims it while it is on its way.
    pub send_budget: chrono::Duration,
}

impl Dispatcher {
    pub fn new(queue: Arc<dyn DeliveryQueue>, mailer: Arc<dyn Mailer>, clock: Arc<dyn Clock>) -> Self {
        Self {
            queue,
            mailer,
            clock,
            batch: 20,
            lease: chrono::Duration::seconds(45),
            send_budget: chrono::Duration::seconds(smtp::SEND_TIMEOUT_SECONDS as i64 + 5),
        }
    }

    /// Claims up to `batch` due emails and tries each once.
    /// Errors: the outbox could not be read or written.
    pub async fn round(&self) -> Result<Round, StorageError> {
        let token = uuid::Uuid::new_v4().to_string();
        let now = self.clock.now();
        let until = now + self.lease;
        let claimed = self.queue.claim_due(now, until, &token, self.batch).await?;
        let mut round = Round { claimed: claimed.len(), ..Round::default() };
        let mut emails = claimed.into_iter();
        while let Some(email) = emails.next() {
            if self.clock.now() + self.send_budget > until {
                // Not enough of the claim left to send safely: the rest go
                // back for a later round (here or on another server).
                self.give_back(std::iter::once(email).chain(emails), &token).await?;
                break;
            }
            match self.mailer.send(&email).await {
                Ok(()) => {
                    if self.queue.mark_sent(email.id, &token, self.clock.now()).await? {
                        COUNTS.sent.fetch_add(1, Ordering::Relaxed);
                        round.sent += 1;
                        tracing::info!(outbox_id = email.id, kind = %email.kind, "email sent");
                    } else {
                        tracing::warn!(outbox_id = email.id, "email sent after its claim ran out");
                    }
                }
                Err(failure) => {
                    // Stored and logged with every cause (SMTP's reply),
                    // each once; never an address's secret (the mailer's
                    // errors name no password, and no link is in them).
                    let error = cam_domain::chain(&failure);
                    let now = self.clock.now();
                    let since = email.failing_since.unwrap_or(now);
                    let attempts = email.attempts.saturating_add(1);
                    let next = match (failure.failure, after_failure(attempts, since, now)) {
                        (MailFailure::Permanent, _) | (_, AfterFailure::GiveUp) => None,
                        (_, AfterFailure::RetryAt(at)) => Some(at),
                    };
                    self.queue.mark_failed_attempt(email.id, &token, &error, since, next).await?;
                    match next {
                        Some(at) => {
                            COUNTS.retried.fetch_add(1, Ordering::Relaxed);
                            round.retried += 1;
                            tracing::warn!(outbox_id = email.id, kind = %email.kind, attempts, retry_at = %at,
                                error = %error, "email not sent; will try again");
                        }
                        None => {
                            COUNTS.failed.fetch_add(1, Ordering::Relaxed);
                            round.failed += 1;
                            let why = if failure.failure == MailFailure::Permanent {
                                "refused for good by the SMTP server"
                            } else {
                                "not sent for 24 hours"
                            };
                            tracing::error!(outbox_id = email.id, kind = %email.kind, attempts, error = %error,
                                "email {why}: FAILED");
                        }
                    }
                    if failure.failure == MailFailure::Unreachable {
                        self.give_back(emails, &token).await?;
                        break;
                    }
                }
            }
        }
        Ok(round)
    }

    /// Gives the round's untried emails back, logging why.
    async fn give_back(
        &self,
        untried: impl Iterator<Item = cam_domain::notify::model::OutboxEmail>,
        token: &str,
    ) -> Result<(), StorageError> {
        let ids: Vec<i64> = untried.map(|e| e.id).collect();
        if !ids.is_empty() {
            tracing::info!(untried = ids.len(), "emails given back untried for a later round");
            self.queue.release(&ids, token).await?;
        }
        Ok(())
    }

    /// Delivers until the task is dropped: a round whenever a commit queued
    /// an email, or every `poll`; at once again while rounds are full.
    pub async fn run(self, poll: Duration) {
        loop {
            let full = match self.round().await {
                Ok(r) => r.claimed as u32 >= self.batch && r.sent + r.retried + r.failed > 0,
                Err(e) => {
                    tracing::warn!(error = %cam_domain::chain(&e), "could not read the outbox");
                    false
                }
            };
            if !full {
                tokio::select! {
                    _ = WAKE.notified() => {}
                    _ = tokio::time::sleep(poll) => {}
                }
            }
        }
    }
}

/// Delivers the outbox through `mailer` until the task is dropped, polling
/// every `every` (and at once after a commit that queued email).
pub async fn dispatch_forever(
    queue: Arc<dyn DeliveryQueue>,
    mailer: Arc<dyn Mailer>,
    clock: Arc<dyn Clock>,
    every: Duration,
) {
    Dispatcher::new(queue, mailer, clock).run(every).await
}
