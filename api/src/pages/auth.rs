//! R51: browser sign-in over HTTP, for the approval page.
//!
//! - `GET /auth/sign-in?return=<path>` begins a sign-in (the domain keeps
//!   it server-side, `Cam::begin_sign_in`) and sends the browser to the
//!   identity provider, with a short-lived sign-in cookie that binds the
//!   callback to this browser.
//! - `GET /auth/callback` finishes it: the session cookie is set and the
//!   browser goes back to the page it came from (a local path only).
//! - `POST /auth/sign-out` (same site, with the session's anti-forgery
//!   token) revokes the session on every server and clears the cookie.
//!
//! Cookies are `HttpOnly` (no script reads them), `SameSite=Lax` (sent on
//! the provider's redirect back, never on another site's form post),
//! `Secure` when `CAM_PUBLIC_URL` is https. The session cookie holds only a
//! random secret; the database holds its hash. It authenticates the pages
//! and their form posts only: `/graphql` stays bearer-only.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use cam_domain::services::sessions::SignInFailure;
use cam_domain::session::model::{ReturnPath, SignInRefused, SignedIn, SESSION_LIFETIME, SIGN_IN_LIFETIME};

use super::{asked_language, escape, from_this_site, page, Words};
use crate::wiring::App;

/// The session cookie: a random secret of 256 bits.
pub const SESSION_COOKIE: &str = "cam_session";
/// The cookie of a sign-in under way, only sent to `/auth/`.
pub const SIGN_IN_COOKIE: &str = "cam_sign_in";

/// The value of cookie `name` in the request, if any.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

fn secure(app: &App) -> bool {
    app.cam.public_url().starts_with("https://")
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Lax`, `Secure` behind https.
fn set_cookie(app: &App, name: &str, value: &str, path: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if secure(app) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"))
        .ok()
}

fn see_other(location: &str, cookies: Vec<Option<HeaderValue>>) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(l) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, l);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    with_cookies(r, cookies)
}

fn with_cookies(mut r: Response, cookies: Vec<Option<HeaderValue>>) -> Response {
    for c in cookies.into_iter().flatten() {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

/// A page that says why, with its code, in the language asked for.
fn refusal_page(status: StatusCode, w: Words, message: &str, code: &str) -> Response {
    let title = w.sign_in_title();
    page(
        status,
        w,
        &title,
        &format!(
            "<h1>{title}</h1><p id=\"result\" class=\"error\" role=\"alert\">{message} ({code})</p>",
            title = escape(&title),
            message = escape(message),
            code = escape(code),
        ),
    )
}

fn unavailable(w: Words) -> Response {
    refusal_page(StatusCode::SERVICE_UNAVAILABLE, w, &w.busy(), "SERVICE_UNAVAILABLE")
}

/// The person the request's session cookie signs in, if any (their
/// `User`, whose locale the page speaks, R55): `Err` is the page to answer
/// when the database cannot say.
pub async fn signed_in(app: &App, headers: &HeaderMap) -> Result<Option<SignedIn>, Response> {
    let Some(secret) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    app.cam.sessions.session(secret).await.map_err(|e| {
        tracing::error!(error = %cam_domain::chain(&e), "could not read a session");
        unavailable(asked_language(headers))
    })
}

#[derive(serde::Deserialize)]
pub struct SignInQuery {
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// `GET /auth/sign-in?return=<path>`: to the identity provider.
pub async fn sign_in(State(app): State<App>, headers: HeaderMap, Query(q): Query<SignInQuery>) -> Response {
    let w = asked_language(&headers);
    if !app.cam.sessions.can_sign_in() {
        return refusal_page(StatusCode::NOT_FOUND, w, &w.sign_in_not_set_up(), "SIGN_IN_NOT_CONFIGURED");
    }
    let Some(return_to) = ReturnPath::parse(q.return_to.as_deref().unwrap_or("/")) else {
        return refusal_page(StatusCode::BAD_REQUEST, w, &w.return_not_local(), "RETURN_NOT_LOCAL");
    };
    match app.cam.sessions.begin_sign_in(return_to).await {
        Ok(begun) => {
            let max_age = SIGN_IN_LIFETIME.num_seconds();
            see_other(&begun.provider_url, vec![set_cookie(&app, SIGN_IN_COOKIE, &begun.browser_key, "/auth", max_age)])
        }
        Err(SignInFailure::Refused(r)) => refused(w, r),
        Err(SignInFailure::Failed(e)) => {
            tracing::error!(error = %cam_domain::chain(&e), "could not begin a sign-in");
            unavailable(w)
        }
    }
}

#[derive(serde::Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/callback`: back from the identity provider, signed in or
/// refused with a page that says why. Either way the sign-in is over.
pub async fn callback(State(app): State<App>, headers: HeaderMap, Query(q): Query<CallbackQuery>) -> Response {
    let w = asked_language(&headers);
    let key = cookie(&headers, SIGN_IN_COOKIE);
    let done = app.cam.sessions.finish_sign_in(key, q.state.as_deref(), q.code.as_deref(), q.error.is_some()).await;
    let clear = set_cookie(&app, SIGN_IN_COOKIE, "", "/auth", 0);
    match done {
        Ok((started, return_to)) => {
            let max_age = SESSION_LIFETIME.num_seconds();
            let session = set_cookie(&app, SESSION_COOKIE, &started.secret, "/", max_age);
            see_other(return_to.as_str(), vec![session, clear])
        }
        Err(SignInFailure::Refused(r)) => with_cookies(refused(w, r), vec![clear]),
        Err(SignInFailure::Failed(e)) => {
            tracing::error!(error = %cam_domain::chain(&e), "could not finish a sign-in");
            with_cookies(unavailable(w), vec![clear])
        }
    }
}

/// A refused sign-in as a page.
fn refused(w: Words, r: SignInRefused) -> Response {
    tracing::info!(reason = r.code(), "a sign-in was refused");
    let status = match r {
        SignInRefused::NoUser => StatusCode::FORBIDDEN,
        SignInRefused::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    };
    refusal_page(status, w, &w.sign_in_refused(r), r.code())
}

#[derive(serde::Deserialize)]
pub struct SignOutForm {
    csrf: Option<String>,
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// `POST /auth/sign-out`: revokes the session (same site, with its
/// anti-forgery token), clears the cookie, back to the page.
pub async fn sign_out(State(app): State<App>, headers: HeaderMap, Form(form): Form<SignOutForm>) -> Response {
    let w = asked_language(&headers);
    if !from_this_site(&headers, app.cam.public_url()) {
        return refusal_page(StatusCode::FORBIDDEN, w, &w.foreign_site(), "FOREIGN_SITE");
    }
    let clear = set_cookie(&app, SESSION_COOKIE, "", "/", 0);
    let signed = match signed_in(&app, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let back = form.return_to.as_deref().and_then(ReturnPath::parse);
    let Some(signed) = signed else {
        // Signed out already (or the session ended): nothing to revoke.
        return match back {
            Some(b) => see_other(b.as_str(), vec![clear]),
            None => with_cookies(signed_out_page(w), vec![clear]),
        };
    };
    let w = Words::new(signed.user.locale);
    if !app.cam.sessions.anti_forgery_matches(&signed, form.csrf.as_deref().unwrap_or_default()) {
        return refusal_page(StatusCode::FORBIDDEN, w, &w.anti_forgery(), "ANTI_FORGERY");
    }
    if let Err(e) = app.cam.sessions.sign_out(&signed).await {
        tracing::error!(error = %cam_domain::chain(&e), "could not sign out");
        return unavailable(w);
    }
    match back {
        Some(b) => see_other(b.as_str(), vec![clear]),
        None => with_cookies(signed_out_page(w), vec![clear]),
    }
}

fn signed_out_page(w: Words) -> Response {
    let title = w.sign_in_title();
    page(
        StatusCode::OK,
        w,
        &title,
        &format!("<h1>{title}</h1><p id=\"result\" class=\"ok\" role=\"status\">{}</p>", w.signed_out()),
    )
}
