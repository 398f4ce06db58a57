//! Sessions and pending sign-ins.

use chrono::{DateTime, Duration, Utc};

use crate::common::ids::UserId;
use crate::user::model::User;

/// R51: a session lasts at most this long.
pub const SESSION_LIFETIME: Duration = Duration::hours(8);
/// How long a person has at the identity provider before the sign-in they
/// started can no longer be finished.
pub const SIGN_IN_LIFETIME: Duration = Duration::minutes(10);
/// Longest session or sign-in secret looked up; longer ones are unknown.
pub const MAX_SECRET: usize = 128;
/// Longest page a sign-in returns to.
pub const MAX_RETURN_PATH: usize = 1024;

/// The id of a stored session (never its secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(i64);

impl SessionId {
    pub const fn new(raw: i64) -> Self {
        Self(raw)
    }
    pub const fn get(self) -> i64 {
        self.0
    }
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Session {
    /// Whether it still signs its person in at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A session to store: the hash of its secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub secret_hash: String,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A person signed in by a live session: the session, its user (whose
/// locale the page speaks, R55) and the anti-forgery token its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub session: Session,
    pub user: User,
    pub anti_forgery: String,
}

/// A session just started: its secret (the cookie's value, shown nowhere
/// else and never stored) and whom it signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedSession {
    pub secret: String,
    pub signed_in: SignedIn,
}

/// A page of this server to go back to after signing in: a local path
/// (`/access/…`), never another site (no open redirect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnPath(String);

impl ReturnPath {
    /// `None` unless `raw` is a path on this server: it starts with one `/`
    /// (not `//` or `/\`, which browsers read as another host), holds no
    /// backslash, control character or space, and is not too long.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = raw.starts_with('/')
            && !raw.starts_with("//")
            && raw.len() <= MAX_RETURN_PATH
            && !raw.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace());
        ok.then(|| Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an identity provider needs to send a person back signed in, made
/// by the `SignInProvider` for one sign-in: the URL to send the browser
/// to, and the secrets the callback is checked with.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    pub url: String,
    /// The `state` the provider sends back unchanged.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier whose S256 challenge is in `url`.
    pub pkce_verifier: String,
}

impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Authorization { .. }")
    }
}

/// A sign-in started and not finished yet, stored until its callback.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPendingSignIn {
    /// Hash of the secret in the browser's sign-in cookie.
    pub key_hash: String,
    /// Hash of the `state`.
    pub state_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: ReturnPath,
    pub expires_at: DateTime<Utc>,
}

/// A pending sign-in as its callback finds it.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    pub state_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: ReturnPath,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn").field("return_to", &self.return_to).finish_non_exhaustive()
    }
}

/// A callback's sign-in to finish: the provider's code is exchanged with
/// these.
#[derive(Clone, PartialEq, Eq)]
pub struct SignInToFinish {
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: ReturnPath,
}

/// Why a callback signs nobody in, each with the stable code the page
/// shows. Nothing is created for any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInRefused {
    /// No sign-in was started in this browser, or it was finished already
    /// (a replayed callback).
    #[error("no sign-in was started in this browser, or it was used already")]
    Unknown,
    #[error("the sign-in was started too long ago")]
    Expired,
    /// The `state` is not the one this browser's sign-in sent.
    #[error("the state does not match the sign-in started in this browser")]
    WrongState,
    /// The identity provider said no (the person cancelled, or an error).
    #[error("the identity provider did not sign the person in")]
    Denied,
    /// The provider refused the code (used already, wrong PKCE verifier,
    /// wrong client credentials).
    #[error("the identity provider refused the authorization code")]
    CodeRefused,
    /// The ID token's `nonce` is not this sign-in's.
    #[error("the ID token's nonce does not match")]
    WrongNonce,
    /// The ID token fails R50's checks (signature, issuer, audience,
    /// expiry, a verified email in the issuer's domains).
    #[error("the ID token is not valid")]
    InvalidIdToken,
    /// A valid ID token of someone who is no user of this server.
    #[error("no user has this email")]
    NoUser,
    /// The identity provider cannot be reached or answers garbage.
    #[error("the identity provider cannot be reached")]
    Unavailable,
}

impl SignInRefused {
    /// The stable code the page shows (for support).
    pub fn code(self) -> &'static str {
        match self {
            Self::Unknown => "SIGN_IN_UNKNOWN",
            Self::Expired => "SIGN_IN_EXPIRED",
            Self::WrongState => "STATE_MISMATCH",
            Self::Denied => "SIGN_IN_DENIED",
            Self::CodeRefused => "CODE_REFUSED",
            Self::WrongNonce => "NONCE_MISMATCH",
            Self::InvalidIdToken => "ID_TOKEN_INVALID",
            Self::NoUser => "NO_USER",
            Self::Unavailable => "PROVIDER_UNAVAILABLE",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_path_is_a_page_of_this_server_only() {
        // R51: no open redirect.
        assert!(ReturnPath::parse("/access/abc").is_some());
        assert!(ReturnPath::parse("/").is_some());
        for bad in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "evil.example",
            "javascript:alert(1)",
            "/access/a\r\nSet-Cookie: x=y",
            "/a b",
            "",
        ] {
            assert!(ReturnPath::parse(bad).is_none(), "{bad:?}");
        }
        assert!(ReturnPath::parse(&format!("/{}", "a".repeat(MAX_RETURN_PATH))).is_none());
    }
}
