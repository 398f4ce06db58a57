//! Bearer tokens: HS256 JWTs whose `sub` is the user's email (algorithm
//! pinned, `exp` required and checked against real time, R35, a future
//! `nbf` refused, a lifetime of at most `MAX_TOKEN_LIFETIME_SECS`, five
//! seconds of leeway), the operator's static token, compared in constant
//! time, and, when issuers are configured, the tokens of OpenID Connect
//! issuers (R50, `oidc.rs`). The header's algorithm says which: HS256 is
//! this server's own, RS256/ES256/EdDSA an issuer's, anything else is
//! refused.

use async_trait::async_trait;
use cam_domain::identity::{Authenticated, Identity, IdentityProvider, TokenError};
use cam_domain::user::model::Email;
use jsonwebtoken::{decode, encode, errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::oidc::OidcIssuers;

/// Longest a user token may live: 30 days. A token whose `exp` is further
/// away is refused, whoever signed it.
pub const MAX_TOKEN_LIFETIME_SECS: i64 = 30 * 24 * 3600;
/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
}

pub struct JwtIdentity {
    secret: Option<Vec<u8>>,
    /// SHA-256 of the operator token: comparing digests in constant time
    /// leaks neither content nor length.
    operator_digest: Option<[u8; 32]>,
    /// R50: the trusted OpenID Connect issuers, if any.
    oidc: Option<OidcIssuers>,
}

impl JwtIdentity {
    pub fn new(secret: Option<&str>, operator_token: Option<&str>) -> Self {
        Self {
            secret: secret.filter(|s| !s.is_empty()).map(|s| s.as_bytes().to_vec()),
            operator_digest: operator_token.filter(|t| !t.is_empty()).map(|t| Sha256::digest(t.as_bytes()).into()),
            oidc: None,
        }
    }

    /// Trusts the tokens of these OpenID Connect issuers too (R50).
    pub fn with_issuers(mut self, issuers: OidcIssuers) -> Self {
        self.oidc = (!issuers.is_empty()).then_some(issuers);
        self
    }

    /// A token of this server, signed with the HS256 secret.
    fn own_token(&self, bearer: &str) -> Result<Authenticated, TokenError> {
        let Some(secret) = &self.secret else { return Err(TokenError::Invalid) };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        let data =
            decode::<Claims>(bearer, &DecodingKey::from_secret(secret), &validation).map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        if data.claims.exp - chrono::Utc::now().timestamp() > MAX_TOKEN_LIFETIME_SECS + LEEWAY_SECS as i64 {
            return Err(TokenError::Invalid);
        }
        let email = Email::parse(&data.claims.sub).map_err(|_| TokenError::Invalid)?;
        // Refused from the first second past `exp` and its leeway.
        let expires_at = chrono::DateTime::from_timestamp(data.claims.exp + LEEWAY_SECS as i64 + 1, 0);
        Ok(Authenticated { identity: Identity::User(email), expires_at })
    }
}

#[async_trait]
impl IdentityProvider for JwtIdentity {
    async fn authenticate(&self, bearer: &str) -> Result<Authenticated, TokenError> {
        if let Some(op) = &self.operator_digest {
            let given: [u8; 32] = Sha256::digest(bearer.as_bytes()).into();
            if bool::from(given.ct_eq(op)) {
                return Ok(Authenticated { identity: Identity::Operator, expires_at: None });
            }
        }
        match jsonwebtoken::decode_header(bearer).map(|h| h.alg) {
            Ok(Algorithm::HS256) => self.own_token(bearer),
            Ok(_) => match &self.oidc {
                Some(oidc) => oidc
                    .verify(bearer)
                    .await
                    .map(|(email, expires_at)| Authenticated { identity: Identity::Federated(email), expires_at }),
                None => Err(TokenError::Invalid),
            },
            Err(_) => Err(TokenError::Invalid),
        }
    }

    fn issue(&self, email: &Email, ttl_seconds: i64) -> Result<String, TokenError> {
        let Some(secret) = &self.secret else { return Err(TokenError::NoSecret) };
        let ttl_seconds = ttl_seconds.min(MAX_TOKEN_LIFETIME_SECS);
        let claims = Claims { sub: email.as_str().to_string(), exp: chrono::Utc::now().timestamp() + ttl_seconds };
        encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret))
            .map_err(|_| TokenError::NoSecret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email::parse("ana@agency.com").unwrap()
    }

    /// Whom a token names, if it is accepted.
    async fn who(id: &JwtIdentity, token: &str) -> Result<Identity, TokenError> {
        id.authenticate(token).await.map(|a| a.identity)
    }

    #[tokio::test]
    async fn an_issued_token_names_its_user_and_the_operator_token_names_the_operator() {
        let id = JwtIdentity::new(Some("s3cret"), Some("op-token"));
        let t = id.issue(&email(), 60).unwrap();
        assert_eq!(who(&id, &t).await, Ok(Identity::User(email())));
        assert_eq!(who(&id, "op-token").await, Ok(Identity::Operator));
        assert_eq!(id.authenticate("op-token ").await, Err(TokenError::Invalid));
    }

    #[tokio::test]
    async fn an_accepted_token_says_until_when_it_is_accepted() {
        // R35, R43: a connection it signs in ends then
        let id = JwtIdentity::new(Some("s3cret"), Some("op-token"));
        let before = chrono::Utc::now().timestamp();
        let until = id.authenticate(&id.issue(&email(), 60).unwrap()).await.unwrap().expires_at.unwrap().timestamp();
        assert!((before + 60 + LEEWAY_SECS as i64..=chrono::Utc::now().timestamp() + 61 + LEEWAY_SECS as i64)
            .contains(&until));
        assert_eq!(id.authenticate("op-token").await.unwrap().expires_at, None, "the operator's token does not expire");
    }

    #[tokio::test]
    async fn expired_foreign_and_unsigned_tokens_are_refused() {
        let id = JwtIdentity::new(Some("s3cret"), None);
        let old = id.issue(&email(), -3600).unwrap();
        assert_eq!(id.authenticate(&old).await, Err(TokenError::Expired));
        let other = JwtIdentity::new(Some("other"), None).issue(&email(), 60).unwrap();
        assert_eq!(id.authenticate(&other).await, Err(TokenError::Invalid));
        // alg "none": header.payload. with no signature.
        let parts: Vec<&str> = other.split('.').collect();
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1]);
        assert_eq!(id.authenticate(&none).await, Err(TokenError::Invalid));
        assert_eq!(JwtIdentity::new(None, None).authenticate(&other).await, Err(TokenError::Invalid));
    }

    #[tokio::test]
    async fn a_token_without_exp_is_refused() {
        #[derive(Serialize)]
        struct NoExp {
            sub: String,
        }
        let t = encode(
            &Header::new(Algorithm::HS256),
            &NoExp { sub: "ana@agency.com".into() },
            &EncodingKey::from_secret(b"k"),
        )
        .unwrap();
        assert_eq!(JwtIdentity::new(Some("k"), None).authenticate(&t).await, Err(TokenError::Invalid));
    }

    #[tokio::test]
    async fn a_token_not_yet_valid_or_living_too_long_is_refused() {
        #[derive(Serialize)]
        struct C {
            sub: String,
            exp: i64,
            nbf: i64,
        }
        let now = chrono::Utc::now().timestamp();
        let sign = |exp: i64, nbf: i64| {
            encode(
                &Header::new(Algorithm::HS256),
                &C { sub: "ana@agency.com".into(), exp, nbf },
                &EncodingKey::from_secret(b"k"),
            )
            .unwrap()
        };
        let id = JwtIdentity::new(Some("k"), None);
        assert!(id.authenticate(&sign(now + 3600, now - 10)).await.is_ok());
        assert_eq!(id.authenticate(&sign(now + 3600, now + 600)).await, Err(TokenError::Invalid));
        assert_eq!(id.authenticate(&sign(now + MAX_TOKEN_LIFETIME_SECS + 3600, now)).await, Err(TokenError::Invalid));
        // Issuing caps the lifetime instead of making a token it would refuse.
        let long = id.issue(&email(), 10 * MAX_TOKEN_LIFETIME_SECS).unwrap();
        assert_eq!(who(&id, &long).await, Ok(Identity::User(email())));
    }
}
