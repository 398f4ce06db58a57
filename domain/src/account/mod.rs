//! Partner and client accounts, partner tiers (R2) and verified email
//! domains (R3).
pub mod model;
pub mod ports;
pub mod service;
