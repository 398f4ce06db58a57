//! The one place where errors become `extensions.code`.
//!
//! Domain refusals become the payload's `userErrors`; `Forbidden` becomes a
//! top-level `FORBIDDEN`; storage failures are logged with their whole chain
//! and answered as `INTERNAL` with a request id, never with database text.

use async_graphql::{Context, ErrorExtensions, SimpleObject};
use cam_domain::{Code, Error, Refusal};

use super::enums::UserErrorCode;

pub fn coded(code: &str, message: impl Into<String>) -> async_graphql::Error {
    let code = code.to_string();
    async_graphql::Error::new(message.into()).extend_with(|_, e| e.set("code", code.clone()))
}

pub fn unauthenticated() -> async_graphql::Error {
    coded("UNAUTHENTICATED", "sign in: send Authorization: Bearer <token>")
}

pub fn forbidden(message: impl Into<String>) -> async_graphql::Error {
    coded("FORBIDDEN", message)
}

pub fn invalid_input(message: impl Into<String>) -> async_graphql::Error {
    coded("INVALID_INPUT", message)
}

pub fn not_found(message: impl Into<String>) -> async_graphql::Error {
    coded("NOT_FOUND", message)
}

/// A failure of ours: logged once, with its whole chain of causes and a
/// request id that the client also gets.
pub fn internal(ctx: &Context<'_>, e: &(dyn std::error::Error + 'static)) -> async_graphql::Error {
    let request_id = ctx.data_opt::<super::RequestId>().map(|r| r.0.clone()).unwrap_or_default();
    tracing::error!(request_id = %request_id, error = %cam_domain::chain(e), "internal error");
    async_graphql::Error::new("internal error").extend_with(|_, x| {
        x.set("code", "INTERNAL");
        x.set("requestId", request_id.clone());
    })
}

/// Stored data that breaks an invariant (a membership without its user):
/// a failure of ours.
#[derive(Debug, thiserror::Error)]
#[error("stored data is inconsistent: {0}")]
pub struct Inconsistent(pub &'static str);

/// The code of a storage failure the client may retry (HTTP 503).
pub const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";

/// A storage failure: `SERVICE_UNAVAILABLE` when retrying later may work
/// (no free connection, a lock or statement timeout, a conflict that
/// persisted through the use case's retries), else `INTERNAL`.
pub fn failure(ctx: &Context<'_>, e: &cam_domain::StorageError) -> async_graphql::Error {
    use cam_domain::StorageError::{Transient, Unavailable};
    match e {
        Unavailable(_) | Transient(_) => {
            let request_id = ctx.data_opt::<super::RequestId>().map(|r| r.0.clone()).unwrap_or_default();
            tracing::warn!(request_id = %request_id, error = %cam_domain::chain(e), "storage unavailable");
            coded(SERVICE_UNAVAILABLE, "the service is busy; retry in a moment")
        }
        _ => internal(ctx, e),
    }
}

/// Maps a use-case error that is not a refusal.
pub fn top_level(ctx: &Context<'_>, e: Error) -> async_graphql::Error {
    match e {
        Error::Forbidden(why) => forbidden(why),
        Error::Storage(s) => failure(ctx, &s),
        Error::Refused(rs) => {
            let first = rs.first().cloned().unwrap_or_else(|| Refusal::new(Code::InvalidInput, "refused"));
            coded(&UserErrorCode::from(first.code).as_str(), first.message)
        }
    }
}

#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    pub code: UserErrorCode,
    /// Path to the input field at fault, e.g. ["input", "workerIds", "2"].
    pub field: Option<Vec<String>>,
    pub message: String,
}

impl From<Refusal> for UserError {
    fn from(r: Refusal) -> Self {
        Self { code: r.code.into(), field: r.field, message: r.message }
    }
}

/// Splits a use-case result: success, refusals for `userErrors`, or a
/// top-level error.
pub fn split<T>(ctx: &Context<'_>, r: Result<T, Error>) -> async_graphql::Result<Result<T, Vec<UserError>>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(Error::Refused(rs)) => Ok(Err(rs.into_iter().map(UserError::from).collect())),
        Err(e) => Err(top_level(ctx, e)),
    }
}

/// A mutation payload: what the use case returned, or its refusals in
/// `userErrors` with every other field left empty.
pub trait Payload: Default {
    fn refused(user_errors: Vec<UserError>) -> Self;
}

/// Declares the payload types of a module (their field `user_errors`).
macro_rules! payloads {
    ($($t:ty),+ $(,)?) => {
        $(impl $crate::graphql::error::Payload for $t {
            // A payload may hold nothing but its `userErrors`.
            #[allow(clippy::needless_update)]
            fn refused(user_errors: Vec<$crate::graphql::error::UserError>) -> Self {
                Self { user_errors, ..Default::default() }
            }
        })+
    };
}
pub(crate) use payloads;

/// The payload of a use case's result: `ok` builds it from the value, a
/// refusal becomes `userErrors`, any other error is top-level.
pub fn payload<T, P: Payload>(
    ctx: &Context<'_>,
    r: Result<T, Error>,
    ok: impl FnOnce(T) -> P,
) -> async_graphql::Result<P> {
    Ok(match split(ctx, r)? {
        Ok(v) => ok(v),
        Err(user_errors) => P::refused(user_errors),
    })
}

/// For queries: a use-case error as a top-level error.
pub fn query<T>(ctx: &Context<'_>, r: Result<T, Error>) -> async_graphql::Result<T> {
    r.map_err(|e| top_level(ctx, e))
}

/// A storage error as a top-level error.
pub fn storage<T>(ctx: &Context<'_>, r: Result<T, cam_domain::StorageError>) -> async_graphql::Result<T> {
    r.map_err(|e| failure(ctx, &e))
}
