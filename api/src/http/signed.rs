//! Who calls GraphQL over HTTP: the bearer token of the `Authorization`
//! header, as the identity provider and the domain read it.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use cam_domain::identity::{Identity, TokenError};
use cam_domain::Principal;

use super::policy::error_response;
use crate::graphql::error;
use crate::labels::Caller;
use crate::wiring::App;

/// Who is calling.
pub(super) enum Signed {
    Anonymous,
    As(Principal),
    /// R50: a person an OpenID Connect issuer vouches for who is no user.
    NoAccess,
}

impl Signed {
    /// The caller's label in the access log and the metrics.
    pub(super) fn caller(&self) -> Caller {
        Caller(match self {
            Signed::Anonymous => "anonymous",
            Signed::As(Principal::Operator) => "operator",
            Signed::As(Principal::User(_)) => "user",
            Signed::NoAccess => "no_user",
        })
    }
}

fn unauthenticated(why: &str) -> Response {
    let mut r = error_response(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", why);
    r.extensions_mut().insert(Caller("unauthenticated"));
    r
}

/// Who is calling: nobody, the operator, a user, or a person an issuer
/// vouches for who is no user (R50). Errors: a 401 response (a 503 when
/// the user cannot be looked up).
pub(super) async fn authenticate(app: &App, headers: &HeaderMap) -> Result<Signed, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(Signed::Anonymous) };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthenticated("the Authorization header must be: Bearer <token>"))?;
    let signed = match app.identity.authenticate(token).await {
        Ok(signed) => signed,
        Err(TokenError::Expired) => return Err(unauthenticated("the token has expired")),
        Err(_) => return Err(unauthenticated("the token is not valid")),
    };
    let federated = matches!(signed.identity, Identity::Federated(_));
    match app.cam.users.principal_of(signed.identity).await {
        Ok(Some(p)) => Ok(Signed::As(p)),
        Ok(None) if federated => Ok(Signed::NoAccess),
        Ok(None) => Err(unauthenticated("the token names no known user")),
        Err(e) => {
            tracing::error!(error = %cam_domain::chain(&e), "could not look up the token's user");
            let mut r =
                error_response(StatusCode::SERVICE_UNAVAILABLE, error::SERVICE_UNAVAILABLE, "retry in a moment");
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(r)
        }
    }
}
