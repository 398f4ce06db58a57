//! Time-driven work (R36): relationships that end and their warnings
//! (R37), memberships that expire and their warnings (R39), and the
//! offboarding notice (R38). A sweep runs it all; every piece of work is
//! claimed in the transaction that records it, so that it is done once
//! even when several servers sweep the same database.
pub mod ports;
