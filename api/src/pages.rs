//! Pages served by the binary for people rather than programs: the
//! one-click approval page an access link opens (R9, R10). Its script and
//! style are embedded (no CDN) and it calls the GraphQL API like any other
//! client.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::graphql::enums::UserErrorCode;
use crate::wiring::App;

/// Longest token looked up; longer ones are unknown.
const MAX_TOKEN: usize = 512;

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The page an access link opens: who asks for access and until when (R9,
/// nothing else), then a form where a client admin pastes their bearer
/// token, picks one of their client accounts and approves (R10), seeing the
/// result or the reason for a refusal.
pub async fn access_page(State(app): State<App>, Path(token): Path<String>) -> Response {
    let preview = if token.len() > MAX_TOKEN { Ok(None) } else { app.cam.preview_access_link(&token).await };
    let (status, body) = match preview {
        Ok(Some(p)) => {
            let state = match p.problem {
                None => "<p id=\"state\">This link can be approved.</p>".to_string(),
                Some(problem) => format!(
                    "<p id=\"state\" class=\"state-bad\">This link cannot be approved: {}.</p>",
                    escape(&UserErrorCode::from(problem.code()).as_str())
                ),
            };
            (
                StatusCode::OK,
                format!(
                    "<h1>Access request</h1>\
                     <p id=\"preview\"><strong>{}</strong> ({}) of <strong>{}</strong> asks to become a partner admin \
                     of your client account. The link expires {}.</p>{state}\
                     <form id=\"signin-form\"><label for=\"bearer\">Your bearer token</label>\
                     <textarea id=\"bearer\" autocomplete=\"off\" spellcheck=\"false\" \
                     placeholder=\"eyJhbGciOi…\"></textarea>\
                     <button id=\"signin-button\" type=\"submit\">Sign in</button></form>\
                     <form id=\"approve-form\" hidden><p>Signed in as <span id=\"who\"></span>.</p>\
                     <label for=\"client\">Client account</label><select id=\"client\"></select>\
                     <button id=\"approve-button\" type=\"submit\">Approve</button></form>\
                     <p id=\"result\" role=\"status\"></p>\
                     <script src=\"/assets/access/access.js\"></script>",
                    escape(&p.worker_name),
                    escape(&p.worker_email),
                    escape(&p.partner_name),
                    p.expires_at.format("%Y-%m-%d %H:%M UTC"),
                ),
            )
        }
        Ok(None) => (StatusCode::NOT_FOUND, "<h1>Unknown access link</h1><p>Check the link you were sent.</p>".into()),
        Err(e) => {
            tracing::error!(error = %cam_domain::chain(&e), "could not read an access link");
            (StatusCode::SERVICE_UNAVAILABLE, "<h1>Please try again later</h1>".to_string())
        }
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Access request</title>\
         <link rel=\"stylesheet\" href=\"/assets/access/access.css\"></head><body><main>{body}</main></body></html>"
    );
    // The token is in the path: never send it on as a Referer. Only this
    // server's own script and style run, and the page calls only this server.
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; form-action 'none'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, html).into_response()
}

/// The approval page's script and style.
pub async fn access_asset(Path(file): Path<String>) -> Response {
    let (bytes, content_type): (&'static [u8], &str) = match file.as_str() {
        "access.js" => (include_bytes!("../assets/access/access.js"), "text/javascript"),
        "access.css" => (include_bytes!("../assets/access/access.css"), "text/css"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], bytes).into_response()
}
