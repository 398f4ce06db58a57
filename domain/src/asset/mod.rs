//! Assets: records in a client account owned by a user (R25).
pub mod model;
pub mod ports;
