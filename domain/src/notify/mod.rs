//! Emails: queued in the outbox in the same transaction as the change that
//! causes them, sent later by a `Mailer`.
pub mod model;
pub mod ports;
