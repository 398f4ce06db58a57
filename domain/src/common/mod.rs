//! Building blocks shared by every area: identifiers, errors, paging, time
//! and reruns of transient failures.
pub mod error;
#[macro_use]
pub mod strings;
pub mod ids;
pub mod page;
pub mod retry;
pub mod time;
