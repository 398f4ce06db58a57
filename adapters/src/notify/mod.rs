//! Email delivery: a dispatcher hands each queued outbox email to a
//! `Mailer` and marks it sent only when the mailer says it left.

use std::sync::Arc;
use std::time::Duration;

use cam_domain::notify::ports::{Mailer, OutboxRepository};
use cam_domain::Clock;

/// Drains the outbox every `every` until the task is dropped.
pub async fn dispatch_forever(
    outbox: Arc<dyn OutboxRepository>,
    mailer: Arc<dyn Mailer>,
    clock: Arc<dyn Clock>,
    every: Duration,
) {
    loop {
        match outbox.unsent(100).await {
            Ok(batch) => {
                for email in batch {
                    match mailer.send(&email).await {
                        Ok(()) => {
                            if let Err(e) = outbox.mark_sent(email.id, clock.now()).await {
                                tracing::warn!(error = %e, "could not mark an email sent");
                            }
                        }
                        Err(e) => tracing::warn!(outbox_id = email.id, error = %e, "email not sent"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read the outbox"),
        }
        tokio::time::sleep(every).await;
    }
}
