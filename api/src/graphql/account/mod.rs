//! Accounts: `Viewer`, `PartnerAccount` (with the three tabs), `ClientAccount`.
mod query;
mod types;

pub use query::AccountQuery;
pub use types::{ClientAccount, PartnerAccount, Viewer};
