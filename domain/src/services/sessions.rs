//! R51: the sign-in and session use cases.

use std::sync::Arc;

use crate::access_link::ports::LinkTokens;
use crate::policy::Policy;
use crate::session::ports::SignInProvider;
use crate::store::{body, Store};

use serde_json::json;

use crate::session::model::{
    NewPendingSignIn, NewSession, ReturnPath, SignInRefused, SignedIn, StartedSession, MAX_SECRET, SESSION_LIFETIME,
    SIGN_IN_LIFETIME,
};

use crate::common::error::{Error, Result};
use crate::user::model::{Email, User};

/// A sign-in just begun: where to send the browser, and the secret its
/// sign-in cookie keeps (which binds the callback to this browser).
#[derive(Clone, PartialEq, Eq)]
pub struct BegunSignIn {
    pub provider_url: String,
    pub browser_key: String,
}

/// Why a sign-in did not end with a session.
#[derive(Debug, thiserror::Error)]
pub enum SignInFailure {
    /// Refused, with the reason the page gives.
    #[error("{0}")]
    Refused(SignInRefused),
    /// The database failed.
    #[error(transparent)]
    Failed(#[from] Error),
}

impl From<crate::common::error::StorageError> for SignInFailure {
    fn from(e: crate::common::error::StorageError) -> Self {
        Self::Failed(e.into())
    }
}

impl From<SignInRefused> for SignInFailure {
    fn from(r: SignInRefused) -> Self {
        Self::Refused(r)
    }
}

/// Domain separation between a session's lookup hash and its anti-forgery
/// token, both derived from its secret.
const ANTI_FORGERY_PREFIX: &str = "cam-anti-forgery:";

/// R51: browser sign-in on the approval page and its sessions.
#[derive(Clone)]
pub struct SessionService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
    /// Random session ids and their hashes.
    pub(crate) tokens: Arc<dyn LinkTokens>,
    /// The identity provider of browser sign-in, if configured.
    pub(crate) sign_in: Option<Arc<dyn SignInProvider>>,
}

impl SessionService {
    /// Whether browser sign-in is configured (R51).
    pub fn can_sign_in(&self) -> bool {
        self.sign_in.is_some()
    }

    fn provider(&self) -> std::result::Result<&dyn SignInProvider, SignInRefused> {
        self.sign_in.as_deref().ok_or(SignInRefused::Unavailable)
    }

    /// R51: starts a sign-in that comes back to `return_to`. The pending
    /// sign-in (its `state` as a hash, its `nonce`, its PKCE verifier and
    /// the page to return to) is kept server-side for
    /// [`SIGN_IN_LIFETIME`], under the hash of a random key that only this
    /// browser's sign-in cookie holds: any server sharing the database can
    /// finish it, exactly once, and only in the browser that began it (a
    /// callback link sent to someone else signs nobody in: login CSRF).
    /// The nonce and verifier are stored as they are because the exchange
    /// needs them; they are worthless without the authorization code, which
    /// only the browser gets, and are deleted when the callback comes.
    /// Errors: `Refused(Unavailable)` (no provider, or it cannot be read).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn begin_sign_in(&self, return_to: ReturnPath) -> std::result::Result<BegunSignIn, SignInFailure> {
        let auth = self.provider()?.authorization().await?;
        let browser_key = self.tokens.generate();
        let now = self.policy.now();
        let (auth, return_to, key_hash) = (&auth, &return_to, self.tokens.hash(&browser_key));
        let key_hash = &key_hash;
        self.store
            .transaction(|tx| {
                body(async move {
                    tx.insert_pending_sign_in(NewPendingSignIn {
                        key_hash: key_hash.clone(),
                        state_hash: self.tokens.hash(&auth.state),
                        nonce: auth.nonce.clone(),
                        pkce_verifier: auth.pkce_verifier.clone(),
                        return_to: return_to.clone(),
                        expires_at: now + SIGN_IN_LIFETIME,
                    })
                    .await?;
                    Ok(())
                })
            })
            .await?;
        Ok(BegunSignIn { provider_url: auth.url.clone(), browser_key })
    }

    /// R51: the identity provider's callback. Takes this browser's pending
    /// sign-in (once: a replayed callback finds none), checks the `state`,
    /// exchanges the `code` with the PKCE verifier, checks the ID token and
    /// its `nonce`, then starts a session for the user with its email.
    /// A refused callback creates nothing. `provider_error` is the
    /// provider's `error` parameter (the person cancelled): the pending
    /// sign-in ends. Returns the session and the page to go back to.
    /// Errors: `Refused` with the reason; `Failed` (the database).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn finish_sign_in(
        &self,
        browser_key: Option<&str>,
        state: Option<&str>,
        code: Option<&str>,
        provider_error: bool,
    ) -> std::result::Result<(StartedSession, ReturnPath), SignInFailure> {
        let provider = self.provider()?;
        let key = browser_key.filter(|k| !k.is_empty() && k.len() <= MAX_SECRET).ok_or(SignInRefused::Unknown)?;
        let pending = self.store.take_pending_sign_in(&self.tokens.hash(key)).await?.ok_or(SignInRefused::Unknown)?;
        if self.policy.now() >= pending.expires_at {
            return Err(SignInRefused::Expired.into());
        }
        let state = state.filter(|s| s.len() <= MAX_SECRET).ok_or(SignInRefused::WrongState)?;
        if self.tokens.hash(state) != pending.state_hash {
            return Err(SignInRefused::WrongState.into());
        }
        if provider_error {
            return Err(SignInRefused::Denied.into());
        }
        let code = code.filter(|c| !c.is_empty() && c.len() <= 4096).ok_or(SignInRefused::CodeRefused)?;
        let email = provider.finish(code, &pending.pkce_verifier, &pending.nonce).await?;
        let started = self.start_session(&email).await?;
        Ok((started, pending.return_to))
    }

    /// R51: a session of [`SESSION_LIFETIME`] for the user with this email,
    /// audited (`session.signed_in`). Errors: `Refused(NoUser)`; `Failed`.
    async fn start_session(&self, email: &Email) -> std::result::Result<StartedSession, SignInFailure> {
        let secret = self.tokens.generate();
        let now = self.policy.now();
        let secret_hash = &self.tokens.hash(&secret);
        let started = self
            .store
            .transaction(|tx| {
                body(async move {
                    let Some(user) = tx.find_user_by_email(email).await? else { return Ok(None) };
                    let session = tx
                        .insert_session(NewSession {
                            secret_hash: secret_hash.clone(),
                            user_id: user.id,
                            created_at: now,
                            expires_at: now + SESSION_LIFETIME,
                        })
                        .await?;
                    let mut ev = self.policy.event(Some(&user), "session.signed_in");
                    ev.subject_id = Some(user.id);
                    ev.after = Some(json!({"sessionId": session.id.get(), "expiresAt": session.expires_at}));
                    tx.record(ev).await?;
                    Ok(Some((user, session)))
                })
            })
            .await?;
        let (user, session) = started.ok_or(SignInRefused::NoUser)?;
        tracing::info!(user = user.id.get(), session = session.id.get(), "signed in on the approval page");
        let anti_forgery = self.anti_forgery(&secret);
        Ok(StartedSession { secret, signed_in: SignedIn { session, user, anti_forgery } })
    }

    /// R51: the person a session's secret (the cookie) signs in, while the
    /// session is live: not revoked, not past its end on the clock (R35).
    /// Errors: `Storage`.
    pub async fn session(&self, secret: &str) -> Result<Option<SignedIn>> {
        if secret.is_empty() || secret.len() > MAX_SECRET {
            return Ok(None);
        }
        let Some(session) = self.store.find_session_by_hash(&self.tokens.hash(secret)).await? else {
            return Ok(None);
        };
        if !session.is_live(self.policy.now()) {
            return Ok(None);
        }
        let Some(user) = self.store.find_user(session.user_id).await? else { return Ok(None) };
        Ok(Some(SignedIn { session, user, anti_forgery: self.anti_forgery(secret) }))
    }

    /// R51: whether `given` is the anti-forgery token of this session.
    /// Both sides are hashed before they are compared, so the comparison's
    /// time says nothing about the token.
    pub fn anti_forgery_matches(&self, signed_in: &SignedIn, given: &str) -> bool {
        !given.is_empty()
            && given.len() <= MAX_SECRET
            && self.tokens.hash(given) == self.tokens.hash(&signed_in.anti_forgery)
    }

    /// R51: signs the person out: the session is revoked at once (on every
    /// server), audited (`session.signed_out`). False when it was not live.
    /// Errors: `Storage`.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn sign_out(&self, signed_in: &SignedIn) -> Result<bool> {
        self.store
            .transaction(|tx| {
                body(async move {
                    let now = self.policy.now();
                    if !tx.revoke_session(signed_in.session.id, now).await? {
                        return Ok(false);
                    }
                    let user: &User = &signed_in.user;
                    let mut ev = self.policy.event(Some(user), "session.signed_out");
                    ev.subject_id = Some(user.id);
                    ev.before = Some(json!({"sessionId": signed_in.session.id.get()}));
                    tx.record(ev).await?;
                    Ok(true)
                })
            })
            .await
    }

    /// The anti-forgery token of a session: a one-way function of its
    /// secret, distinct from the stored hash, so it need not be stored, is
    /// the same on every server, and tells nothing of the secret when a
    /// page shows it.
    fn anti_forgery(&self, secret: &str) -> String {
        self.tokens.hash(&format!("{ANTI_FORGERY_PREFIX}{secret}"))
    }
}
