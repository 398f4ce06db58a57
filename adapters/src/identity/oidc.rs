//! R50: bearer tokens from OpenID Connect issuers (`CAM_OIDC_ISSUERS`).
//!
//! Each trusted issuer comes with the audience it must name and the email
//! domains it speaks for. Its signing keys are found by discovery
//! (`/.well-known/openid-configuration` → `jwks_uri`) and kept in memory:
//! a token signed with a key not seen yet fetches them again, at most once
//! every `REFRESH_AT_MOST_EVERY` per issuer, one fetch at a time however
//! many requests wait for it (single flight), each fetch bounded in time
//! (`FETCH_DEADLINE`) and size (`MAX_DOCUMENT_BYTES`). Keys are used at
//! most `KEYS_KEPT_AT_MOST` after they were fetched. Only RS256, ES256 and
//! EdDSA keys published by the issuer are used: never `none`, never HMAC,
//! never a key named by the token itself (`jwk`, `jku`, `x5u`, `x5c`).
//! The signature and claims are checked by `jsonwebtoken`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cam_domain::identity::TokenError;
use cam_domain::user::model::Email;
use cam_domain::Clock;
use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{decode, decode_header, errors::ErrorKind, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::issuers::{allowed_url, IssuerSettings};
use url::Url;

/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 60;
/// An issuer's keys are fetched again at most this often (an unknown `kid`).
pub const REFRESH_AT_MOST_EVERY: chrono::Duration = chrono::Duration::seconds(30);
/// Keys fetched longer ago than this are no longer used.
pub const KEYS_KEPT_AT_MOST: chrono::Duration = chrono::Duration::hours(24);
/// Longest a refresh (discovery and JWKS together) may take; a token that
/// waits for it is answered well within two seconds.
pub const FETCH_DEADLINE: Duration = Duration::from_millis(1500);
/// Largest discovery or JWKS document read.
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// Largest bearer token looked at.
const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Most keys kept of one JWKS document.
const MAX_KEYS: usize = 64;

/// An HTTP client for an identity provider: no redirect followed, every
/// request within `deadline`. Errors: it could not be built (no TLS roots).
pub(crate) fn provider_client(deadline: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(deadline)
        .timeout(deadline)
        .user_agent(concat!("cam/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("could not build the HTTP client for OpenID Connect: {e}"))
}

/// Why an answer's body was not read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Over `MAX_DOCUMENT_BYTES`, said or seen.
    TooLarge,
    Read(reqwest::Error),
}

/// An answer's body of at most `MAX_DOCUMENT_BYTES`, refused as soon as it
/// says or shows it is larger.
pub(crate) async fn bounded_body(mut r: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    if r.content_length().is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = r.chunk().await.map_err(BodyError::Read)? {
        if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why a refresh failed, for the log (URLs of issuers are not secret).
#[derive(Debug, thiserror::Error)]
enum FetchError {
    #[error("{0}")]
    Http(String),
    #[error("the document is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge,
    #[error("the document is not what was expected: {0}")]
    Malformed(String),
    #[error("no answer within {FETCH_DEADLINE:?}")]
    Timeout,
}

/// A verification key and the one algorithm it is used with.
#[derive(Clone)]
struct Key {
    alg: Algorithm,
    key: DecodingKey,
}

#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, Key>,
    /// When `by_kid` was fetched.
    fetched_at: Option<DateTime<Utc>>,
    /// When a refresh last started, whether it worked or not.
    last_attempt: Option<DateTime<Utc>>,
}

struct Issuer {
    settings: IssuerSettings,
    keys: RwLock<Keys>,
    /// Held by the one refresh in flight.
    refresh: tokio::sync::Mutex<()>,
}

/// The trusted issuers and their keys.
pub struct OidcIssuers {
    issuers: Vec<Issuer>,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
}

#[derive(Deserialize)]
struct Unverified {
    iss: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    exp: i64,
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
}

impl OidcIssuers {
    /// The issuers of these settings; `clock` paces refreshes and ages keys.
    /// Errors: the HTTP client could not be built (no TLS roots).
    pub fn new(settings: Vec<IssuerSettings>, clock: Arc<dyn Clock>) -> Result<Self, String> {
        let http = provider_client(FETCH_DEADLINE)?;
        let issuers = settings
            .into_iter()
            .map(|settings| Issuer { settings, keys: RwLock::new(Keys::default()), refresh: Default::default() })
            .collect();
        Ok(Self { issuers, http, clock })
    }

    /// True when no issuer is configured.
    pub fn is_empty(&self) -> bool {
        self.issuers.is_empty()
    }

    /// The email a token of a trusted issuer vouches for, and the instant
    /// after which the token is refused (its `exp` and the leeway).
    /// Errors: `Invalid` for anything but a token of a configured issuer,
    /// signed with one of its current keys by RS256, ES256 or EdDSA, for
    /// its audience, with a verified email in its domains; `Expired`.
    #[tracing::instrument(skip_all)]
    pub async fn verify(&self, token: &str) -> Result<(Email, Option<DateTime<Utc>>), TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::Invalid);
        }
        let header = decode_header(token).map_err(|_| TokenError::Invalid)?;
        // A key is never taken from the token itself.
        if header.jwk.is_some() || header.jku.is_some() || header.x5u.is_some() || header.x5c.is_some() {
            return Err(TokenError::Invalid);
        }
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256 | Algorithm::EdDSA) {
            return Err(TokenError::Invalid);
        }
        let iss = unverified_issuer(token).ok_or(TokenError::Invalid)?;
        let issuer = self.issuers.iter().find(|i| i.settings.issuer == iss).ok_or(TokenError::Invalid)?;
        let kid = header.kid.ok_or(TokenError::Invalid)?;
        let key = self.key(issuer, &kid).await.ok_or(TokenError::Invalid)?;
        if key.alg != header.alg {
            return Err(TokenError::Invalid);
        }
        let mut v = Validation::new(key.alg);
        v.algorithms = vec![key.alg];
        v.leeway = LEEWAY_SECS;
        v.validate_nbf = true;
        v.set_issuer(&[&issuer.settings.issuer]);
        v.set_audience(&[&issuer.settings.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud"]);
        let claims = decode::<Claims>(token, &key.key, &v)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?
            .claims;
        if claims.email_verified.as_ref().is_some_and(is_false) {
            return Err(TokenError::Invalid);
        }
        let email =
            Email::parse(claims.email.as_deref().ok_or(TokenError::Invalid)?).map_err(|_| TokenError::Invalid)?;
        // nOAuth: an issuer speaks only for its own domains.
        if !issuer.settings.speaks_for(&email) {
            return Err(TokenError::Invalid);
        }
        Ok((email, DateTime::from_timestamp(claims.exp + LEEWAY_SECS as i64 + 1, 0)))
    }

    /// The issuer's key `kid`: from memory, else after one refresh if none
    /// ran in the last `REFRESH_AT_MOST_EVERY`. `None` when it cannot be
    /// found in time.
    async fn key(&self, issuer: &Issuer, kid: &str) -> Option<Key> {
        if let Some(k) = issuer.cached(kid, self.clock.now()) {
            return Some(k);
        }
        // Single flight: whoever comes while a refresh runs waits for it,
        // then finds the key or finds that a refresh has just been tried.
        let _one = issuer.refresh.lock().await;
        let now = self.clock.now();
        if let Some(k) = issuer.cached(kid, now) {
            return Some(k);
        }
        {
            let mut keys = issuer.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            if keys.last_attempt.is_some_and(|t| now < t + REFRESH_AT_MOST_EVERY) {
                return None;
            }
            keys.last_attempt = Some(now);
        }
        match tokio::time::timeout(FETCH_DEADLINE, self.fetch(&issuer.settings.issuer)).await {
            Ok(Ok(by_kid)) => {
                tracing::info!(issuer = %issuer.settings.issuer, keys = by_kid.len(), "fetched the issuer's keys");
                let mut keys = issuer.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
                keys.by_kid = by_kid;
                keys.fetched_at = Some(now);
            }
            Ok(Err(e)) => {
                tracing::warn!(issuer = %issuer.settings.issuer, error = %e, "could not fetch the issuer's keys")
            }
            Err(_) => {
                tracing::warn!(issuer = %issuer.settings.issuer, error = %FetchError::Timeout, "could not fetch the issuer's keys")
            }
        }
        issuer.cached(kid, now)
    }

    /// Discovery, then the JWKS document: the issuer's usable keys.
    async fn fetch(&self, issuer: &str) -> Result<HashMap<String, Key>, FetchError> {
        #[derive(Deserialize)]
        struct Discovery {
            issuer: String,
            jwks_uri: String,
        }
        let discovery_url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let d: Discovery = serde_json::from_slice(&self.get(&discovery_url).await?)
            .map_err(|e| FetchError::Malformed(format!("discovery: {e}")))?;
        if d.issuer != issuer {
            return Err(FetchError::Malformed("discovery names another issuer".into()));
        }
        let jwks_uri = Url::parse(&d.jwks_uri).map_err(|_| FetchError::Malformed("jwks_uri is no URL".into()))?;
        allowed_url(&jwks_uri).map_err(|why| FetchError::Malformed(format!("jwks_uri: {why}")))?;
        parse_jwks(&self.get(jwks_uri.as_str()).await?)
    }

    /// A document of at most `MAX_DOCUMENT_BYTES`.
    async fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let r = self.http.get(url).send().await.map_err(|e| FetchError::Http(format!("{url}: {e}")))?;
        if !r.status().is_success() {
            return Err(FetchError::Http(format!("{url}: status {}", r.status())));
        }
        bounded_body(r).await.map_err(|e| match e {
            BodyError::TooLarge => FetchError::TooLarge,
            BodyError::Read(e) => FetchError::Http(format!("{url}: {e}")),
        })
    }
}

impl Issuer {
    fn cached(&self, kid: &str, now: DateTime<Utc>) -> Option<Key> {
        let keys = self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh = keys.fetched_at.is_some_and(|t| now < t + KEYS_KEPT_AT_MOST);
        if fresh {
            keys.by_kid.get(kid).cloned()
        } else {
            None
        }
    }
}

/// `iss` of a token not verified yet: only to pick the issuer whose keys
/// then verify it.
fn unverified_issuer(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<Unverified>(&bytes).ok()?.iss
}

/// `email_verified: false`, also written as a string by some providers.
fn is_false(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Bool(b) => !b,
        serde_json::Value::String(s) => !s.eq_ignore_ascii_case("true"),
        _ => true,
    }
}

/// The signing keys of a JWKS document that this server uses: RSA for
/// RS256, EC P-256 for ES256, Ed25519 for EdDSA, each with a `kid`; the
/// others (encryption keys, HMAC secrets, other curves) are left out.
fn parse_jwks(doc: &[u8]) -> Result<HashMap<String, Key>, FetchError> {
    #[derive(Deserialize)]
    struct Doc {
        keys: Vec<serde_json::Value>,
    }
    let doc: Doc = serde_json::from_slice(doc).map_err(|e| FetchError::Malformed(format!("JWKS: {e}")))?;
    let mut out = HashMap::new();
    for raw in doc.keys.into_iter().take(MAX_KEYS) {
        let Ok(jwk) = serde_json::from_value::<Jwk>(raw) else { continue };
        if jwk.common.public_key_use.as_ref().is_some_and(|u| *u != PublicKeyUse::Signature) {
            continue;
        }
        let (alg, named) = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => (Algorithm::RS256, KeyAlgorithm::RS256),
            AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256 => {
                (Algorithm::ES256, KeyAlgorithm::ES256)
            }
            AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => {
                (Algorithm::EdDSA, KeyAlgorithm::EdDSA)
            }
            _ => continue,
        };
        if jwk.common.key_algorithm.is_some_and(|a| a != named) {
            continue;
        }
        let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(&jwk)) else { continue };
        out.insert(kid, Key { alg, key });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_verified_false_in_any_spelling_is_false() {
        // R50
        assert!(is_false(&serde_json::json!(false)));
        assert!(is_false(&serde_json::json!("false")));
        assert!(!is_false(&serde_json::json!(true)));
        assert!(!is_false(&serde_json::json!("true")));
    }

    #[test]
    fn only_signing_keys_of_the_three_algorithms_are_kept() {
        // R50: no HMAC secret, no encryption key, no key without a kid.
        let doc = serde_json::json!({"keys": [
            {"kty": "oct", "kid": "h", "k": "c2VjcmV0"},
            {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
            {"kty": "OKP", "crv": "Ed25519", "kid": "enc", "use": "enc", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
            {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
            {"kty": "OKP", "crv": "Ed25519", "kid": "wrong-alg", "alg": "RS256", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
            {"kty": "unknown"}
        ]});
        let keys = parse_jwks(doc.to_string().as_bytes()).unwrap();
        assert_eq!(keys.keys().collect::<Vec<_>>(), ["ed"]);
        assert!(parse_jwks(b"not json").is_err());
    }
}
