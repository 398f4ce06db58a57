//! The managed relationship between a partner and a client (R27).
pub mod model;
pub mod ports;
pub mod tab;
