//! Memberships and workers: the partner admin's day to day (R12–R16), the
//! client's own admins (R22), offboarding (R23–R28) and migration (R29–R31).
mod cross_client;
mod expiry;
mod mutation;
mod payloads;
mod permission_changes;
mod query;
mod types;

pub use cross_client::CrossClientMutation;
pub use expiry::ExpiryMutation;
pub use mutation::MembershipMutation;
pub use permission_changes::{PermissionChangeMutation, PermissionChangeQuery};
pub use query::MembershipQuery;
pub use types::{Membership, Worker};
