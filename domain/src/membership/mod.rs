//! Memberships: a user in an account with a role, seat, status and
//! permissions. A membership of a partner account is a *worker*; one of a
//! client account may represent a partner (a *partner user*).
pub mod bulk_ports;
pub mod change;
pub mod model;
pub mod ports;
