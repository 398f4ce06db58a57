//! Permissions, permission sets and the grant ceiling (R15–R20).
pub mod ceiling;
pub mod model;
pub mod ports;

pub use ceiling::{apply_ceiling, CeilingOutcome};
pub use model::{Permission, PermissionSet, PermissionSetName, Permissions};
