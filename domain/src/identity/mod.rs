//! Identity: who a bearer token names (tokens), whose email domain is
//! verified (R3, R4), and who may be provisioned through SCIM (R21).
//! All three are ports so that the adapters can be swapped.
pub mod ports;
pub use ports::{DomainVerifier, Identity, IdentityProvider, ScimPolicy, TokenError};
