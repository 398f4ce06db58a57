//! Pages served by the binary for people rather than programs: the
//! approval page an access link opens (R9, R10, R53, R54). Its script and
//! style are embedded (no CDN) and only this server's own run (CSP).
//!
//! - `GET /access/<token>` says, without any script, who asks, what
//!   approving grants and for how long, or why the link can no longer be
//!   approved (then with no form).
//! - Signing in is, until browser sign-in (R51), a development token field:
//!   the script keeps the pasted token in memory and reads
//!   `GET /access/<token>/accounts` with it, the accounts the person may
//!   decide for (R10), each marked when it decided already.
//! - `POST /access/<token>/approve` and `/decline` are plain form posts
//!   that run the same use cases as the GraphQL mutations. The token
//!   travels in the post and is never written back into a page. They are
//!   refused from another site (`Sec-Fetch-Site`, `Origin`).
//!
//! Every sentence comes from [`text`].

mod text;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use cam_domain::access_link::model::{Decision, LinkChoice, LinkPreview};
use cam_domain::identity::TokenError;
use cam_domain::{AccountId, Error, Principal};

use crate::graphql::enums::UserErrorCode;
use crate::graphql::ids::{encode, input_id, Kind};
use crate::wiring::App;

/// Longest token looked up; longer ones are unknown.
const MAX_TOKEN: usize = 512;

fn escape(s: &str) -> String {
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

fn html_response(status: StatusCode, body: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, body).into_response()
}

fn text_response(status: StatusCode, message: &str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, message.to_string()).into_response()
}

/// A whole page around `main`.
fn page(status: StatusCode, title: &str, main: &str) -> Response {
    html_response(
        status,
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
             <link rel=\"stylesheet\" href=\"/assets/access/access.css\"></head><body><main>{main}</main>\
             <script src=\"/assets/access/access.js\"></script></body></html>",
            escape(title)
        ),
    )
}

/// The link's preview, or the page to answer instead (unknown link, or the
/// database failed).
async fn preview(app: &App, token: &str) -> Result<LinkPreview, Response> {
    let found = if token.len() > MAX_TOKEN { Ok(None) } else { app.cam.preview_access_link(token).await };
    match found {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(page(
            StatusCode::NOT_FOUND,
            text::UNKNOWN_LINK_TITLE,
            &format!("<h1>{}</h1><p>{}</p>", text::UNKNOWN_LINK_TITLE, text::UNKNOWN_LINK),
        )),
        Err(e) => {
            tracing::error!(error = %cam_domain::chain(&e), "could not read an access link");
            Err(page(
                StatusCode::SERVICE_UNAVAILABLE,
                text::TRY_AGAIN_TITLE,
                &format!("<h1>{}</h1><p>{}</p>", text::TRY_AGAIN_TITLE, text::TRY_AGAIN),
            ))
        }
    }
}

/// Who asks, for which partner (R9).
fn who_asks(p: &LinkPreview) -> String {
    format!(
        "<h1>{title}</h1><dl id=\"preview\"><dt>{pl}</dt><dd>{partner}</dd><dt>{wl}</dt><dd>{worker}</dd>\
         <dt>{el}</dt><dd>{email}</dd></dl><p id=\"asks\">{asks}</p>",
        title = text::TITLE,
        pl = text::PARTNER,
        wl = text::WORKER,
        el = text::EMAIL,
        partner = escape(&p.partner_name),
        worker = escape(&p.worker_name),
        email = escape(&p.worker_email),
        asks = escape(&text::asks(&p.worker_name, &p.partner_name)),
    )
}

/// R53: the role, the seat and each permission approving grants, and for
/// how long.
fn what_it_grants(p: &LinkPreview) -> String {
    let permissions: String = p
        .grants
        .iter()
        .map(|g| format!("<li data-permission=\"{}\">{}</li>", g.as_str(), text::permission(g)))
        .collect();
    format!(
        "<section id=\"grants\" aria-labelledby=\"grants-title\"><h2 id=\"grants-title\">{title}</h2>\
         <p>{intro}</p><ul class=\"grants\"><li id=\"grant-role\">{role}</li><li id=\"grant-seat\">{seat}</li>\
         <li>{heading}<ul id=\"permissions\" class=\"permissions\">{permissions}</ul></li></ul>\
         <p class=\"never\">{never}</p><h2>{duration_title}</h2><p id=\"duration\">{duration}</p></section>",
        title = text::GRANTS_TITLE,
        intro = escape(&text::grants_intro(&p.worker_name)),
        role = text::ROLE,
        seat = text::SEAT,
        heading = escape(&text::permissions_heading(p.grants.iter().count())),
        never = text::NEVER,
        duration_title = text::DURATION_TITLE,
        duration = escape(&text::duration(&p.worker_name, &p.partner_name)),
    )
}

/// The page an access link opens (R9, R53): who asks, what approving
/// grants and for how long, then the sign-in that leads to Approve and
/// Decline. A link that can no longer be approved says why, with no form.
pub async fn access_page(State(app): State<App>, Path(token): Path<String>) -> Response {
    let p = match preview(&app, &token).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut main = who_asks(&p);
    match p.problem {
        Some(problem) => {
            let why = text::dead(problem, p.expires_at, &p.worker_name, &p.partner_name);
            main.push_str(&format!("<p id=\"state\" class=\"state-bad\" role=\"alert\">{}</p>", escape(&why)));
        }
        None => {
            main.push_str(&format!(
                "<p id=\"state\" class=\"state-ok\">{}</p>",
                escape(&text::can_be_approved(p.expires_at))
            ));
            main.push_str(&what_it_grants(&p));
            main.push_str(&format!(
                "<section id=\"decide\" aria-labelledby=\"decide-title\"><h2 id=\"decide-title\">{title}</h2>\
                 <p>{who}</p><noscript><p class=\"note\">{noscript}</p></noscript>\
                 <form id=\"signin-form\" hidden data-busy=\"{busy}\" data-empty=\"{empty}\" data-offline=\"{offline}\">\
                 <label for=\"bearer\">{label}</label>\
                 <textarea id=\"bearer\" autocomplete=\"off\" spellcheck=\"false\" placeholder=\"eyJhbGciOi…\"></textarea>\
                 <button id=\"signin-button\" type=\"submit\">{sign_in}</button></form>\
                 <div id=\"choices\"></div><p id=\"result\" role=\"status\"></p></section>",
                title = text::DECIDE_TITLE,
                who = text::WHO_MAY_DECIDE,
                noscript = text::NEEDS_SCRIPT,
                busy = escape(text::SIGNING_IN),
                empty = escape(text::TOKEN_EMPTY),
                offline = escape(text::OFFLINE),
                label = text::TOKEN_LABEL,
                sign_in = text::SIGN_IN,
            ));
        }
    }
    page(StatusCode::OK, text::TITLE, &main)
}

/// Why a bearer token signs nobody in, in words.
enum SignIn {
    Missing,
    Invalid,
    Operator,
    Unavailable,
}

impl SignIn {
    fn answer(self) -> (StatusCode, &'static str) {
        match self {
            Self::Missing => (StatusCode::UNAUTHORIZED, text::SIGN_IN_FIRST),
            Self::Invalid => (StatusCode::UNAUTHORIZED, text::TOKEN_INVALID),
            Self::Operator => (StatusCode::FORBIDDEN, text::OPERATOR),
            Self::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, text::BUSY),
        }
    }
}

/// The person a bearer token signs in (the operator cannot decide for a
/// client account).
async fn person(app: &App, token: Option<&str>) -> Result<Principal, SignIn> {
    let token = token.map(str::trim).filter(|t| !t.is_empty()).ok_or(SignIn::Missing)?;
    let signed = app.identity.authenticate(token).await.map_err(|e: TokenError| {
        tracing::debug!(error = %e, "the approval page was given a token that is not valid");
        SignIn::Invalid
    })?;
    match app.cam.principal_of(signed.identity).await {
        Ok(Some(p @ Principal::User(_))) => Ok(p),
        Ok(Some(Principal::Operator)) => Err(SignIn::Operator),
        Ok(None) => Err(SignIn::Invalid),
        Err(e) => {
            tracing::error!(error = %cam_domain::chain(&e), "could not look up the token's user");
            Err(SignIn::Unavailable)
        }
    }
}

/// `GET /access/<token>/accounts` with `Authorization: Bearer …`: the part
/// of the page a signed-in person sees (R53, R10), as an HTML fragment;
/// a refusal in words as text.
pub async fn access_accounts(State(app): State<App>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    let who = match person(&app, bearer).await {
        Ok(p) => p,
        Err(why) => {
            let (status, message) = why.answer();
            return text_response(status, message);
        }
    };
    let p = match preview(&app, &token).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Some(problem) = p.problem {
        return text_response(
            StatusCode::CONFLICT,
            &text::dead(problem, p.expires_at, &p.worker_name, &p.partner_name),
        );
    }
    let choices = match app.cam.access_link_choices(&who, &token).await {
        Ok(Some(c)) => c,
        Ok(None) => return text_response(StatusCode::NOT_FOUND, text::UNKNOWN_LINK),
        Err(e) => return refused_text(e, &p),
    };
    let user = match &who {
        Principal::User(u) => u,
        Principal::Operator => return text_response(StatusCode::FORBIDDEN, text::OPERATOR),
    };
    html_response(StatusCode::OK, choices_fragment(&token, &p, user, &choices))
}

fn refused_text(e: Error, p: &LinkPreview) -> Response {
    let (status, message) = refusal(e, p);
    text_response(status, &message)
}

/// The accounts a signed-in person may decide for, with Approve and
/// Decline (R53, R54).
fn choices_fragment(
    token: &str,
    p: &LinkPreview,
    user: &cam_domain::user::model::User,
    choices: &[LinkChoice],
) -> String {
    let mut out = format!(
        "<p id=\"who\">{} <button type=\"button\" id=\"other-token\" class=\"link\">{}</button></p>",
        escape(&text::signed_in_as(&user.name, user.email.as_str())),
        text::OTHER_TOKEN
    );
    if choices.is_empty() {
        out.push_str(&format!("<p id=\"no-accounts\" class=\"note\">{}</p>", text::NO_ACCOUNTS));
        return out;
    }
    let mut first_open = true;
    let items: String = choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = encode(Kind::ClientAccount, c.account.id.get());
            let (mark, disabled) = match c.decision {
                Some(Decision::Approved) => {
                    (format!(" <span class=\"mark mark-approved\">{}</span>", text::MARK_APPROVED), " disabled")
                }
                Some(Decision::Declined) => {
                    (format!(" <span class=\"mark mark-declined\">{}</span>", text::MARK_DECLINED), " disabled")
                }
                None => (String::new(), ""),
            };
            let checked = if c.decision.is_none() && first_open {
                first_open = false;
                " checked"
            } else {
                ""
            };
            format!(
                "<li class=\"account{decided}\"><input type=\"radio\" id=\"account-{i}\" name=\"clientAccountId\" \
                 value=\"{id}\"{checked}{disabled}><label for=\"account-{i}\">{name}</label>{mark}</li>",
                decided = if c.decision.is_some() { " decided" } else { "" },
                id = escape(&id.0),
                name = escape(&c.account.name),
            )
        })
        .collect();
    let token = escape(token);
    let open = choices.iter().any(|c| c.decision.is_none());
    out.push_str(&format!(
        "<form id=\"decide-form\" method=\"post\" action=\"/access/{token}/approve\">\
         <fieldset><legend>{legend}</legend><ul id=\"accounts\">{items}</ul></fieldset>",
        legend = text::ACCOUNTS_LEGEND,
    ));
    if open {
        out.push_str(&format!(
            "<label for=\"note\">{note}</label><textarea id=\"note\" name=\"note\" maxlength=\"500\"></textarea>\
             <input type=\"hidden\" name=\"bearer\" id=\"bearer-post\" value=\"\">\
             <div class=\"actions\"><button id=\"approve-button\" type=\"submit\" formaction=\"/access/{token}/approve\">\
             {approve}</button><button id=\"decline-button\" class=\"secondary\" type=\"submit\" \
             formaction=\"/access/{token}/decline\">{decline}</button></div>",
            note = escape(&text::note_label(&p.worker_name)),
            approve = text::APPROVE,
            decline = text::DECLINE,
        ));
    } else {
        out.push_str(&format!("<p id=\"all-decided\" class=\"note\">{}</p>", text::ALL_DECIDED));
    }
    out.push_str("</form>");
    out
}

/// What the page's form posts carry.
#[derive(serde::Deserialize)]
pub struct DecisionForm {
    bearer: Option<String>,
    #[serde(rename = "clientAccountId")]
    client_account_id: Option<String>,
    note: Option<String>,
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

#[derive(Clone, Copy)]
enum Act {
    Approve,
    Decline,
}

/// `POST /access/<token>/approve`: the page's Approve (R10).
pub async fn approve_post(
    State(app): State<App>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<DecisionForm>,
) -> Response {
    decide(app, token, headers, form, Act::Approve).await
}

/// `POST /access/<token>/decline`: the page's Decline, with its note (R54).
pub async fn decline_post(
    State(app): State<App>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<DecisionForm>,
) -> Response {
    decide(app, token, headers, form, Act::Decline).await
}

/// A page that answers a decision: what happened, and the way back.
fn outcome(token: &str, p: &LinkPreview, status: StatusCode, ok: bool, message: &str) -> Response {
    let main = format!(
        "{who}<p id=\"result\" class=\"{class}\" role=\"status\">{message}</p>\
         <p><a id=\"back\" href=\"/access/{token}\">{back}</a></p>",
        who = who_asks(p),
        class = if ok { "ok" } else { "error" },
        message = escape(message),
        token = escape(token),
        back = text::BACK,
    );
    page(status, text::TITLE, &main)
}

async fn decide(app: App, token: String, headers: HeaderMap, form: DecisionForm, act: Act) -> Response {
    // Nothing is read for a post from another site.
    if !from_this_site(&headers, app.cam.public_url()) {
        return page(
            StatusCode::FORBIDDEN,
            text::TITLE,
            &format!("<h1>{}</h1><p id=\"result\" class=\"error\">{}</p>", text::TITLE, text::FOREIGN_SITE),
        );
    }
    let p = match preview(&app, &token).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let who = match person(&app, form.bearer.as_deref()).await {
        Ok(who) => who,
        Err(why) => {
            let (status, message) = why.answer();
            return outcome(&token, &p, status, false, message);
        }
    };
    let Some(raw_client) = form.client_account_id.filter(|c| !c.trim().is_empty()) else {
        return outcome(&token, &p, StatusCode::BAD_REQUEST, false, text::CHOOSE_ACCOUNT);
    };
    let client = match input_id(Kind::ClientAccount, &raw_client.into(), &["clientAccountId"]) {
        Ok(raw) => AccountId::new(raw),
        Err(e) => {
            let (status, message) = refusal(e, &p);
            return outcome(&token, &p, status, false, &message);
        }
    };
    let done = match act {
        Act::Approve => app
            .cam
            .approve_access_link(&who, &token, client)
            .await
            .map(|a| text::approved(&p.worker_name, &a.client.name)),
        Act::Decline => app
            .cam
            .decline_access_link(&who, &token, client, form.note.as_deref())
            .await
            .map(|d| text::declined(&p.worker_name, &d.client.name)),
    };
    match done {
        Ok(message) => outcome(&token, &p, StatusCode::OK, true, &message),
        Err(e) => {
            let (status, message) = refusal(e, &p);
            outcome(&token, &p, status, false, &message)
        }
    }
}

/// A use case's refusal as the page says it, with its code for support.
fn refusal(e: Error, p: &LinkPreview) -> (StatusCode, String) {
    match e {
        Error::Refused(rs) => {
            let Some(first) = rs.first() else {
                return (StatusCode::BAD_REQUEST, text::refusal(cam_domain::Code::InvalidInput, "", ""));
            };
            let status = match first.code {
                cam_domain::Code::NotFound => StatusCode::NOT_FOUND,
                cam_domain::Code::InvalidInput => StatusCode::BAD_REQUEST,
                _ => StatusCode::CONFLICT,
            };
            let words = text::refusal(first.code, &p.worker_name, &p.partner_name);
            (status, format!("{words} ({})", UserErrorCode::from(first.code).as_str()))
        }
        Error::Forbidden(_) => (StatusCode::FORBIDDEN, format!("{} (FORBIDDEN)", text::FORBIDDEN)),
        Error::Storage(s) => {
            tracing::error!(error = %cam_domain::chain(&s), "the approval page could not decide");
            (StatusCode::SERVICE_UNAVAILABLE, text::BUSY.to_string())
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
