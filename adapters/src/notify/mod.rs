//! Email delivery: the `LogMailer` logs each outbox email (no secret and no
//! body in the log) and a dispatcher marks them sent.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use cam_domain::notify::model::OutboxEmail;
use cam_domain::notify::ports::{Mailer, OutboxRepository};
use cam_domain::Clock;

/// Logs instead of sending: the default while no SMTP server is configured.
pub struct LogMailer;

#[async_trait]
impl Mailer for LogMailer {
    async fn send(&self, email: &OutboxEmail) -> Result<(), String> {
        tracing::info!(outbox_id = email.id, to = %email.to, subject = %email.subject, "email sent (logged only)");
        Ok(())
    }
}

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
