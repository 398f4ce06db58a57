//! Pages served by the binary for people rather than programs: the
//! approval page an access link opens (R9, R10, R53, R54). Its script and
//! style are embedded (no CDN) and only this server's own run (CSP).
//!
//! - `GET /access/<token>` says, without any script, who asks, what
//!   approving grants and for how long, or why the link can no longer be
//!   approved (then with no form).
//! - With an OIDC client configured (R51), the decide section offers a
//!   "Sign in" link to the identity provider (`auth`); once signed in
//!   (the session cookie), the page itself lists the accounts the person may
//!   decide for (R10), each marked when it decided already, with the
//!   session's anti-forgery token in the form and a Sign out button. No
//!   script is needed and no token reaches the script.
//! - Without one, signing in is a development token field: the script
//!   keeps the pasted token in memory and reads
//!   `GET /access/<token>/accounts` with it.
//! - `POST /access/<token>/approve` and `/decline` are plain form posts
//!   that run the same use cases as the GraphQL mutations, with the session
//!   cookie and its anti-forgery token (or, for development, the pasted
//!   token, which is never written back into a page). They are refused from
//!   another site (`Sec-Fetch-Site`, `Origin`).
//!
//! Every sentence comes from [`text`], in the language the browser asks
//! for, or the signed-in person's own (R55).

mod access;
pub mod auth;
mod decide;
mod text;

pub use access::{access_accounts, access_page};
pub use decide::{approve_post, decline_post, DecisionForm};
pub use text::Words;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cam_adapters::i18n;
use cam_domain::access_link::model::LinkPreview;
use cam_domain::user::model::Locale;
use cam_domain::{Error, Principal};

use crate::graphql::enums::UserErrorCode;
use crate::wiring::App;

/// Longest token looked up; longer ones are unknown.
const MAX_TOKEN: usize = 512;

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Only this server's own script and style run, the page calls only this
/// server and posts its forms only here. The token is in the path: never
/// send it on as a Referer.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The language a browser asks for (`Accept-Language`), else English
/// (R55): the page's language before anyone signs in.
pub fn asked_language(headers: &HeaderMap) -> Words {
    let asked = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(i18n::negotiate);
    Words::new(asked.unwrap_or_default())
}

/// The words of a signed-in person: their own locale (R55).
fn their_language(who: &Principal, otherwise: Words) -> Words {
    match who {
        Principal::User(u) => Words::new(u.locale),
        Principal::Operator => otherwise,
    }
}

/// Headers every answer of the page carries: its language, and that the
/// answer depends on the one asked for.
fn language_headers(locale: Locale) -> [(header::HeaderName, &'static str); 2] {
    [(header::CONTENT_LANGUAGE, locale.language_tag()), (header::VARY, "Accept-Language")]
}

fn html_response(status: StatusCode, w: Words, body: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, language_headers(w.locale()), body).into_response()
}

fn text_response(status: StatusCode, w: Words, message: &str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, language_headers(w.locale()), message.to_string()).into_response()
}

/// A whole page around `main`.
pub(crate) fn page(status: StatusCode, w: Words, title: &str, main: &str) -> Response {
    html_response(
        status,
        w,
        format!(
            "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
             <link rel=\"stylesheet\" href=\"/assets/access/access.css\"></head><body><main>{main}</main>\
             <script src=\"/assets/access/access.js\"></script></body></html>",
            escape(title),
            lang = w.locale().language_tag(),
        ),
    )
}

/// The link's preview, or the page to answer instead (unknown link, or the
/// database failed).
async fn preview(app: &App, w: Words, token: &str) -> Result<LinkPreview, Response> {
    let found = if token.len() > MAX_TOKEN { Ok(None) } else { app.cam.access_links.preview_access_link(token).await };
    match found {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(page(
            StatusCode::NOT_FOUND,
            w,
            &w.unknown_link_title(),
            &format!("<h1>{}</h1><p>{}</p>", w.unknown_link_title(), w.unknown_link()),
        )),
        Err(e) => {
            tracing::error!(error = %cam_domain::chain(&e), "could not read an access link");
            Err(page(
                StatusCode::SERVICE_UNAVAILABLE,
                w,
                &w.try_again_title(),
                &format!("<h1>{}</h1><p>{}</p>", w.try_again_title(), w.try_again()),
            ))
        }
    }
}

/// Whether a form post comes from a page of this server (R51: the page's
/// actions are refused from another origin). Browsers say where a request
/// comes from in `Sec-Fetch-Site`, and older ones in `Origin`; a request
/// with neither is not sent by a browser on someone else's behalf.
pub fn from_this_site(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site == "same-origin";
    }
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        None => true,
        Some(origin) => crate::cors::same_origin(origin, headers, public_url),
    }
}

/// A use case's refusal as the page says it, with its code for support.
fn refusal(w: Words, e: Error, p: &LinkPreview) -> (StatusCode, String) {
    match e {
        Error::Refused(rs) => {
            let Some(first) = rs.first() else {
                return (StatusCode::BAD_REQUEST, w.refusal(cam_domain::Code::InvalidInput, "", ""));
            };
            let status = match first.code {
                cam_domain::Code::NotFound => StatusCode::NOT_FOUND,
                cam_domain::Code::InvalidInput => StatusCode::BAD_REQUEST,
                _ => StatusCode::CONFLICT,
            };
            let words = w.refusal(first.code, &p.worker_name, &p.partner_name);
            (status, format!("{words} ({})", UserErrorCode::from(first.code).as_str()))
        }
        Error::Forbidden(_) => (StatusCode::FORBIDDEN, format!("{} (FORBIDDEN)", w.forbidden())),
        Error::Storage(s) => {
            tracing::error!(error = %cam_domain::chain(&s), "the approval page could not decide");
            (StatusCode::SERVICE_UNAVAILABLE, w.busy())
        }
    }
}

/// The approval page's script and style.
pub async fn access_asset(Path(file): Path<String>) -> Response {
    let (bytes, content_type): (&'static [u8], &'static str) = match file.as_str() {
        "access.js" => (include_bytes!("../../assets/access/access.js"), "text/javascript"),
        "access.css" => (include_bytes!("../../assets/access/access.css"), "text/css"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let cache = HeaderValue::from_static("public, max-age=3600");
    ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type)), (header::CACHE_CONTROL, cache)], bytes)
        .into_response()
}
