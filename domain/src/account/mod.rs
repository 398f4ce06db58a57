//! Partner and client accounts, partner tiers (R2) and verified email
//! domains (R3), proven by DNS (R52, `proof`).
pub mod model;
pub mod ports;
pub mod proof;
