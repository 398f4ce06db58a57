//! R51: browser sign-in on the approval page. A person signs in with the
//! organisation's identity provider (the `SignInProvider` port: the
//! authorization code flow with PKCE, the ID token checked as R50 says),
//! and gets a server-side session: only a SHA-256 hash of its random id is
//! stored (`SessionRepository`), so that a restarted or a second server
//! keeps it and a stolen database row signs nobody in. A session lasts at
//! most [`model::SESSION_LIFETIME`] of domain time (the clock port, R35) and
//! ends when its person signs out. Its anti-forgery token is derived from
//! the session's secret, never stored.
pub mod model;
pub mod ports;
