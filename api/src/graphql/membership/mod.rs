//! Memberships and workers.
mod types;

pub use types::{Membership, Worker};
