//! Users: people identified by a unique, case-insensitive email.
pub mod model;
pub mod ports;
pub mod service;
