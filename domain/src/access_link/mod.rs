//! The access link (R8–R11): personal to one worker, shown once, approved by
//! client accounts, or declined (R54).
pub mod model;
pub mod ports;
