//! Adapters: the outside world behind the domain's ports.
//!
//! - [`storage`]: sea-orm repositories over SQLite or PostgreSQL.
//! - [`identity`]: JWT bearer tokens, domain verification, SCIM policy,
//!   access-link token hashing.
//! - [`notify`]: the mailer that drains the outbox.
//! - [`clock`]: the system clock and the settable test clock.

pub mod clock;
pub mod i18n;
pub mod identity;
pub mod notify;
pub mod storage;
