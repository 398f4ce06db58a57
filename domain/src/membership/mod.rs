//! Memberships: a user in an account with a role, seat, status and
//! permissions. A membership of a partner account is a *worker*; one of a
//! client account may represent a partner (a *partner user*).
pub mod access;
pub mod bulk_ports;
pub mod client_users;
pub mod cross_client;
pub mod expiry;
pub mod individual;
pub mod migration;
pub mod model;
pub mod offboarding;
pub mod pages;
pub mod partner_users;
pub mod ports;
pub mod service;
