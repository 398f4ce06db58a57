//! Identity: who a bearer token names (tokens) and whose email domain is
//! verified (R3, R4). Both are ports so that the adapters can be swapped.
//! Who may be provisioned through SCIM (R21, R44) is a rule of the domain:
//! `scim::model::is_scim_user`.
pub mod ports;
pub use ports::{Authenticated, DomainVerifier, Identity, IdentityProvider, TokenError};
