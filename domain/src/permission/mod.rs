//! Permissions, permission sets and the grant ceiling (R15–R20).
pub mod ceiling;
pub mod change;
pub mod model;
pub mod ports;
pub mod service;
pub mod template;

pub use ceiling::{apply_ceiling, CeilingOutcome};
pub use model::{Permission, PermissionSet, PermissionSetName, Permissions};
