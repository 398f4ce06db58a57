//! Memberships and workers: the partner admin's day to day (R12–R16), the
//! client's own admins (R22), offboarding (R23–R28) and migration (R29–R31).
mod expiry;
mod mutation;
mod query;
mod types;

pub use expiry::ExpiryMutation;
pub use mutation::MembershipMutation;
pub use query::MembershipQuery;
pub use types::{Membership, Worker};
