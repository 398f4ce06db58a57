//! Users: people identified by a unique, case-insensitive email.
pub mod email_domain;
pub mod model;
pub mod ports;
pub mod principal;
