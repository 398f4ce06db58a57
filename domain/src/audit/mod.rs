//! The audit log (R32): every change, written in the same transaction.
pub mod model;
pub mod ports;
