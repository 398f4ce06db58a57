//! Accounts: `Viewer`, `PartnerAccount` (with the three tabs), `ClientAccount`.
mod domains;
pub(crate) mod plan;
mod query;
mod tab;
mod types;

pub use domains::DomainMutation;
pub use query::AccountQuery;
pub use types::{ClientAccount, PartnerAccount, Viewer};
