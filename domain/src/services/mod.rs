//! The use cases, one service an area, each holding only the ports it
//! needs. They share the checks of `crate::policy`; a service that builds
//! on another (SCIM and the sweep on memberships) holds it, and none holds
//! one above it. `Cam` (the app module) composes them for the transports.

pub mod access_links;
pub mod accounts;
pub mod assets;
pub mod audit;
pub mod batch;
pub mod memberships;
pub mod permissions;
pub mod proofs;
pub mod relationships;
pub mod schedule;
pub mod scim;
pub mod sessions;
pub mod users;
