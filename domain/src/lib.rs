//! The business of the Client Access Manager.
//!
//! Everything here is independent of storage, HTTP and GraphQL: models with
//! validated constructors, the rules R1–R49 of `shared/spec/RULES.md`, and the
//! ports (traits) through which the use cases reach the outside world.
//! Each area has its own folder; `Cam` in [`app`] holds the ports and exposes
//! one method per thing a user can do.

#[macro_use]
pub mod common;
pub mod access_link;
pub mod account;
pub mod app;
pub mod asset;
pub mod audit;
pub mod identity;
pub mod membership;
pub mod notify;
pub mod permission;
pub mod policy;
pub mod relationship;
pub mod schedule;
pub mod scim;
pub mod services;
pub mod session;
pub mod store;
pub mod user;

pub use app::{Cam, CamConfig};
pub use common::error::{chain, Code, Error, Refusal, Result, StorageError};
pub use common::ids::*;
pub use common::page::{Page, PageRequest};
pub use common::time::Clock;
pub use user::principal::Principal;
