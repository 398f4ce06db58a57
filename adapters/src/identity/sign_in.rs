//! R51: browser sign-in with the organisation's OpenID Connect provider,
//! built on the `openidconnect` crate: discovery
//! (`/.well-known/openid-configuration` and its JWKS), the authorization
//! code flow with PKCE (S256), a random `state` and `nonce`, the code
//! exchanged with the client's credentials (HTTP Basic), and the ID token
//! checked by the crate (signature by RS256, ES256 or EdDSA with a key the
//! provider publishes, never HMAC or `none`; `iss`; `aud` naming this
//! client, any other audience only the issuer's configured one; `exp`
//! against real time, R35; the `nonce`), then as R50 says: `email_verified`
//! not false and the email in the issuer's domains (nOAuth). A provider
//! that keeps the email out of the ID token (OpenID Connect Core 5.4: the
//! `email` scope's claims come from UserInfo when an access token is
//! issued) is asked at its UserInfo endpoint with the access token, for the
//! same `sub`.
//!
//! Every request to the provider is bounded in time (`DEADLINE`) and size
//! (`MAX_DOCUMENT_BYTES`) and follows no redirect. The discovery document
//! and keys are kept `METADATA_KEPT`; an ID token signed with a key not
//! among them makes them be read again, at most once every
//! `REFRESH_AT_MOST_EVERY`. The access token is not used (so its `at_hash`
//! is not checked). Nothing secret (code, tokens, state, nonce, verifier,
//! client secret) is ever logged: errors are logged by kind only.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use cam_domain::session::model::{Authorization, SignInRefused};
use cam_domain::session::ports::SignInProvider;
use cam_domain::user::model::Email;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AsyncHttpClient, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, EndUserEmail,
    HttpRequest, HttpResponse, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse,
};

use super::issuers::IssuerSettings;
use super::oidc::{bounded_body, provider_client, BodyError, MAX_DOCUMENT_BYTES};

/// Longest one request to the provider may take.
pub const DEADLINE: Duration = Duration::from_secs(5);
/// The discovery document and keys are read again after this long.
const METADATA_KEPT: Duration = Duration::from_secs(600);
/// An unknown signing key makes the keys be read again at most this often.
const REFRESH_AT_MOST_EVERY: Duration = Duration::from_secs(30);

/// The client the approval page signs people in with.
#[derive(Clone)]
pub struct SignInSettings {
    /// The issuer entry of `CAM_OIDC_ISSUERS` it signs in at (its
    /// audience and email domains apply).
    pub issuer: IssuerSettings,
    pub client_id: String,
    pub client_secret: String,
    /// `<CAM_PUBLIC_URL>/auth/callback`.
    pub redirect_uri: String,
}

impl std::fmt::Debug for SignInSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInSettings")
            .field("issuer", &self.issuer.issuer)
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// Why a request to the provider failed (no secret in it: URLs of the
/// provider's endpoints carry none, bodies are never included).
#[derive(Debug, thiserror::Error)]
pub enum HttpFailure {
    #[error("{0}")]
    Request(String),
    #[error("the answer is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge,
}

/// `reqwest` for `openidconnect`, with no redirects, a deadline and a size
/// bound on every answer.
struct BoundedHttp(reqwest::Client);

impl<'c> AsyncHttpClient<'c> for BoundedHttp {
    type Error = HttpFailure;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpFailure>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request: reqwest::Request =
                request.try_into().map_err(|e: reqwest::Error| HttpFailure::Request(e.without_url().to_string()))?;
            let url = request.url().clone();
            let r = self
                .0
                .execute(request)
                .await
                .map_err(|e| HttpFailure::Request(format!("{url}: {}", e.without_url())))?;
            let mut builder = openidconnect::http::Response::builder().status(r.status());
            for (name, value) in r.headers() {
                builder = builder.header(name, value);
            }
            let body = bounded_body(r).await.map_err(|e| match e {
                BodyError::TooLarge => HttpFailure::TooLarge,
                BodyError::Read(e) => HttpFailure::Request(format!("{url}: {}", e.without_url())),
            })?;
            builder.body(body).map_err(|e| HttpFailure::Request(e.to_string()))
        })
    }
}

struct Metadata {
    doc: CoreProviderMetadata,
    read_at: Instant,
}

/// R51: the OpenID Connect provider of the approval page's sign-in.
pub struct OidcSignIn {
    settings: SignInSettings,
    issuer_url: IssuerUrl,
    redirect: RedirectUrl,
    http: BoundedHttp,
    metadata: tokio::sync::Mutex<Option<Metadata>>,
}

impl OidcSignIn {
    /// Errors: the issuer or redirect URI is no URL, or the HTTP client
    /// cannot be built (a message for the operator, without the secret).
    pub fn new(settings: SignInSettings) -> Result<Self, String> {
        let issuer_url = IssuerUrl::new(settings.issuer.issuer.clone())
            .map_err(|e| format!("the sign-in issuer {:?} is no URL: {e}", settings.issuer.issuer))?;
        let redirect = RedirectUrl::new(settings.redirect_uri.clone())
            .map_err(|e| format!("the redirect URI {:?} is no URL: {e}", settings.redirect_uri))?;
        let http = provider_client(DEADLINE)?;
        Ok(Self { settings, issuer_url, redirect, http: BoundedHttp(http), metadata: tokio::sync::Mutex::new(None) })
    }

    /// The provider's discovery document and keys: those kept, unless
    /// older than `METADATA_KEPT` or `fresh_after` asks for newer ones.
    async fn metadata(&self, refresh: bool) -> Result<CoreProviderMetadata, SignInRefused> {
        let mut kept = self.metadata.lock().await;
        if let Some(m) = kept.as_ref() {
            let age = m.read_at.elapsed();
            let young = if refresh { age < REFRESH_AT_MOST_EVERY } else { age < METADATA_KEPT };
            if young {
                return Ok(m.doc.clone());
            }
        }
        let doc = CoreProviderMetadata::discover_async(self.issuer_url.clone(), &self.http).await.map_err(|e| {
            tracing::warn!(issuer = %self.settings.issuer.issuer, error = %e, "could not read the sign-in provider's discovery document");
            SignInRefused::Unavailable
        })?;
        *kept = Some(Metadata { doc: doc.clone(), read_at: Instant::now() });
        Ok(doc)
    }

    fn client(
        &self,
        doc: CoreProviderMetadata,
    ) -> CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    > {
        CoreClient::from_provider_metadata(
            doc,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// R50's checks of the claims of a verified ID token (or of UserInfo
    /// for its `sub`): a verified email in the issuer's domains.
    fn email_of(&self, email: Option<&EndUserEmail>, verified: Option<bool>) -> Result<Email, SignInRefused> {
        if verified == Some(false) {
            tracing::info!("an ID token's email is not verified");
            return Err(SignInRefused::InvalidIdToken);
        }
        let email = email.and_then(|e| Email::parse(e.as_str()).ok()).ok_or(SignInRefused::InvalidIdToken)?;
        if !self.settings.issuer.speaks_for(&email) {
            tracing::info!(domain = email.domain(), "an ID token's email is outside the issuer's domains");
            return Err(SignInRefused::InvalidIdToken);
        }
        Ok(email)
    }
}

/// The signature algorithms accepted (R50): never HMAC, never `none`.
const ALGORITHMS: [CoreJwsSigningAlgorithm; 3] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EdDsa,
];

#[async_trait]
impl SignInProvider for OidcSignIn {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn authorization(&self) -> Result<Authorization, SignInRefused> {
        let client = self.client(self.metadata(false).await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn finish(&self, code: &str, pkce_verifier: &str, nonce: &str) -> Result<Email, SignInRefused> {
        let client = self.client(self.metadata(false).await?);
        let request = client.exchange_code(AuthorizationCode::new(code.to_string())).map_err(|e| {
            tracing::warn!(error = %e, "the sign-in provider publishes no token endpoint");
            SignInRefused::Unavailable
        })?;
        let answer = request
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => {
                    tracing::info!(error = %r.error(), "the sign-in provider refused the authorization code");
                    SignInRefused::CodeRefused
                }
                RequestTokenError::Request(e) => {
                    tracing::warn!(error = %e, "could not reach the sign-in provider's token endpoint");
                    SignInRefused::Unavailable
                }
                other => {
                    // `Parse` carries the body, which may hold tokens: only its kind is logged.
                    let kind = match other {
                        RequestTokenError::Parse(..) => "unparsable answer",
                        _ => "unexpected answer",
                    };
                    tracing::warn!(error = kind, "the sign-in provider's token endpoint answered garbage");
                    SignInRefused::Unavailable
                }
            })?;
        let id_token = answer.id_token().ok_or_else(|| {
            tracing::warn!("the sign-in provider sent no ID token");
            SignInRefused::InvalidIdToken
        })?;
        let nonce = Nonce::new(nonce.to_string());
        let audience = self.settings.issuer.audience.clone();
        let verify = |client: &CoreClient<_, _, _, _, _, _>| -> Result<CoreIdTokenClaims, ClaimsVerificationError> {
            let verifier = client
                .id_token_verifier()
                .set_allowed_algs(ALGORITHMS)
                .set_other_audience_verifier_fn(|aud| **aud == audience);
            id_token.claims(&verifier, &nonce).cloned()
        };
        let refused = |e: &ClaimsVerificationError| {
            tracing::info!(error = kind(e), "an ID token was refused");
            match e {
                ClaimsVerificationError::InvalidNonce(_) => SignInRefused::WrongNonce,
                _ => SignInRefused::InvalidIdToken,
            }
        };
        let claims = match verify(&client) {
            Ok(claims) => claims,
            // A key not seen yet: the provider's keys are read again once.
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                verify(&self.client(self.metadata(true).await?)).map_err(|e| refused(&e))?
            }
            Err(e) => return Err(refused(&e)),
        };
        if claims.email().is_some() {
            return self.email_of(claims.email(), claims.email_verified());
        }
        let request =
            client.user_info(answer.access_token().clone(), Some(claims.subject().clone())).map_err(|_| {
                tracing::info!("an ID token names no email and the provider has no UserInfo endpoint");
                SignInRefused::InvalidIdToken
            })?;
        let info: CoreUserInfoClaims = request.request_async(&self.http).await.map_err(|e| {
            let kind = match e {
                openidconnect::UserInfoError::ClaimsVerification(_) => "claims",
                openidconnect::UserInfoError::Parse(_) => "unparsable answer",
                openidconnect::UserInfoError::Request(_) => "request failed",
                openidconnect::UserInfoError::Response(status, ..) => {
                    tracing::info!(status = status.as_u16(), "UserInfo refused");
                    "refused"
                }
                _ => "other",
            };
            tracing::warn!(error = kind, "could not read the person's email at UserInfo");
            SignInRefused::InvalidIdToken
        })?;
        self.email_of(info.email(), info.email_verified())
    }
}

/// What was wrong with an ID token, without its values.
fn kind(e: &ClaimsVerificationError) -> &'static str {
    match e {
        ClaimsVerificationError::Expired(_) => "expired",
        ClaimsVerificationError::InvalidAudience(_) => "audience",
        ClaimsVerificationError::InvalidIssuer(_) => "issuer",
        ClaimsVerificationError::InvalidNonce(_) => "nonce",
        ClaimsVerificationError::SignatureVerification(_) => "signature",
        ClaimsVerificationError::Unsupported(_) => "unsupported",
        _ => "other",
    }
}
