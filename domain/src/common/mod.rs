//! Building blocks shared by every area: identifiers, errors, paging, time
//! and the acting principal.
pub mod error;
#[macro_use]
pub mod strings;
pub mod ids;
pub mod page;
pub mod principal;
pub mod retry;
pub mod time;
