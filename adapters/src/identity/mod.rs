//! Identity adapters: JWT bearer tokens and the operator token
//! (`JwtIdentity`), OpenID Connect issuers' tokens (`OidcIssuers`, R50),
//! browser sign-in with an OpenID Connect provider (`OidcSignIn`, R51),
//! TXT lookups of domain proofs (`HickoryTxtLookup`, R52), partner email-domain verification (`DbDomainVerifier`,
//! with the public-mail deny list) and the hashing of
//! access-link and SCIM token secrets (`Sha256LinkTokens`).

mod dns;
mod domains;
mod issuers;
mod jwt;
mod link_tokens;
mod oidc;
mod sign_in;

pub use dns::HickoryTxtLookup;
pub use domains::{is_public_mail_domain, DbDomainVerifier};
pub use issuers::{parse_issuers, IssuerSettings};
pub use jwt::JwtIdentity;
pub use link_tokens::Sha256LinkTokens;
pub use oidc::OidcIssuers;
pub use sign_in::{OidcSignIn, SignInSettings};
