//! Pages served by the binary for people rather than programs: the
//! approval page an access link opens (R9, R10, R53, R54). Its script and
//! style are embedded (no CDN) and only this server's own run (CSP).
//!
//! - `GET /access/<token>` says, without any script, who asks, what
//!   approving grants and for how long, or why the link can no longer be
//!   approved (then with no form).
//! - With an OIDC client configured (R51), the decide section offers a
//!   "Sign in" link to the identity provider (`crate::auth`); once signed in
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

mod text;

pub use text::Words;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use cam_adapters::i18n;
use cam_domain::access_link::model::{Decision, LinkChoice, LinkPreview};
use cam_domain::identity::TokenError;
use cam_domain::session::model::SignedIn;
use cam_domain::user::model::Locale;
use cam_domain::{AccountId, Error, Principal};

use crate::graphql::enums::UserErrorCode;
use crate::graphql::ids::{encode, input_id, Kind};
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
    let found = if token.len() > MAX_TOKEN { Ok(None) } else { app.cam.preview_access_link(token).await };
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

/// Who asks, for which partner (R9).
fn who_asks(w: Words, p: &LinkPreview) -> String {
    format!(
        "<h1>{title}</h1><dl id=\"preview\"><dt>{pl}</dt><dd>{partner}</dd><dt>{wl}</dt><dd>{worker}</dd>\
         <dt>{el}</dt><dd>{email}</dd></dl><p id=\"asks\">{asks}</p>",
        title = w.title(),
        pl = w.partner(),
        wl = w.worker(),
        el = w.email(),
        partner = escape(&p.partner_name),
        worker = escape(&p.worker_name),
        email = escape(&p.worker_email),
        asks = escape(&w.asks(&p.worker_name, &p.partner_name)),
    )
}

/// R53: the role, the seat and each permission approving grants, and for
/// how long.
fn what_it_grants(w: Words, p: &LinkPreview) -> String {
    let permissions: String =
        p.grants.iter().map(|g| format!("<li data-permission=\"{}\">{}</li>", g.as_str(), w.permission(g))).collect();
    format!(
        "<section id=\"grants\" aria-labelledby=\"grants-title\"><h2 id=\"grants-title\">{title}</h2>\
         <p>{intro}</p><ul class=\"grants\"><li id=\"grant-role\">{role}</li><li id=\"grant-seat\">{seat}</li>\
         <li>{heading}<ul id=\"permissions\" class=\"permissions\">{permissions}</ul></li></ul>\
         <p class=\"never\">{never}</p><h2>{duration_title}</h2><p id=\"duration\">{duration}</p></section>",
        title = w.grants_title(),
        intro = escape(&w.grants_intro(&p.worker_name)),
        role = w.role(),
        seat = w.seat(),
        heading = escape(&w.permissions_heading(p.grants.iter().count())),
        never = w.never(),
        duration_title = w.duration_title(),
        duration = escape(&w.duration(&p.worker_name, &p.partner_name)),
    )
}

/// The page an access link opens (R9, R53): who asks, what approving
/// grants and for how long, then the sign-in that leads to Approve and
/// Decline. A link that can no longer be approved says why, with no form.
pub async fn access_page(State(app): State<App>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let asked = asked_language(&headers);
    // R51, R55: signed in, the page speaks the person's own language.
    let signed = if app.cam.can_sign_in() {
        match crate::auth::signed_in(&app, &headers).await {
            Ok(s) => s,
            Err(r) => return r,
        }
    } else {
        None
    };
    let w = signed.as_ref().map_or(asked, |s| Words::new(s.user.locale));
    let p = match preview(&app, w, &token).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut main = who_asks(w, &p);
    match p.problem {
        Some(problem) => {
            let why = w.dead(problem, p.expires_at, &p.worker_name, &p.partner_name);
            main.push_str(&format!("<p id=\"state\" class=\"state-bad\" role=\"alert\">{}</p>", escape(&why)));
        }
        None => {
            main.push_str(&format!(
                "<p id=\"state\" class=\"state-ok\">{}</p>",
                escape(&w.can_be_approved(p.expires_at))
            ));
            main.push_str(&what_it_grants(w, &p));
            if app.cam.can_sign_in() {
                main.push_str(&decide_signed_in(&app, w, &token, &p, signed.as_ref()).await);
                return page(StatusCode::OK, w, &w.title(), &main);
            }
            main.push_str(&format!(
                "<section id=\"decide\" aria-labelledby=\"decide-title\"><h2 id=\"decide-title\">{title}</h2>\
                 <p>{who}</p><noscript><p class=\"note\">{noscript}</p></noscript>\
                 <form id=\"signin-form\" hidden data-busy=\"{busy}\" data-empty=\"{empty}\" data-offline=\"{offline}\">\
                 <label for=\"bearer\">{label}</label>\
                 <textarea id=\"bearer\" autocomplete=\"off\" spellcheck=\"false\" placeholder=\"eyJhbGciOi…\"></textarea>\
                 <button id=\"signin-button\" type=\"submit\">{sign_in}</button></form>\
                 <div id=\"choices\"></div><p id=\"result\" role=\"status\"></p></section>",
                title = w.decide_title(),
                who = w.who_may_decide(),
                noscript = w.needs_script(),
                busy = escape(&w.signing_in()),
                empty = escape(&w.token_empty()),
                offline = escape(&w.offline()),
                label = w.token_label(),
                sign_in = w.sign_in(),
            ));
        }
    }
    page(StatusCode::OK, w, &w.title(), &main)
}

/// R51: the decide section with browser sign-in: a Sign in link, or the
/// accounts the signed-in person may decide for, rendered here.
async fn decide_signed_in(app: &App, w: Words, token: &str, p: &LinkPreview, signed: Option<&SignedIn>) -> String {
    let inner = match signed {
        None => format!(
            "<p><a id=\"sign-in\" class=\"button\" href=\"/auth/sign-in?return=/access/{token}\">{sign_in}</a></p>\
             <p class=\"note\">{how}</p>",
            token = escape(token),
            sign_in = w.sign_in(),
            how = w.sign_in_with_provider(),
        ),
        Some(s) => {
            let who = Principal::User(s.user.clone());
            match app.cam.access_link_choices(&who, token).await {
                Ok(Some(c)) => choices_fragment(w, token, p, &s.user, &c, Credential::Session(&s.anti_forgery)),
                Ok(None) => format!("<p id=\"result\" class=\"error\">{}</p>", w.unknown_link()),
                Err(e) => {
                    let (_, message) = refusal(w, e, p);
                    format!("<p id=\"result\" class=\"error\">{}</p>", escape(&message))
                }
            }
        }
    };
    format!(
        "<section id=\"decide\" aria-labelledby=\"decide-title\"><h2 id=\"decide-title\">{title}</h2>\
         <p>{who}</p><div id=\"choices\">{inner}</div></section>",
        title = w.decide_title(),
        who = w.who_may_decide(),
    )
}

/// Why a bearer token signs nobody in, in words.
enum SignIn {
    Missing,
    Invalid,
    Operator,
    Unavailable,
}

impl SignIn {
    fn answer(self, w: Words) -> (StatusCode, String) {
        match self {
            Self::Missing => (StatusCode::UNAUTHORIZED, w.sign_in_first()),
            Self::Invalid => (StatusCode::UNAUTHORIZED, w.token_invalid()),
            Self::Operator => (StatusCode::FORBIDDEN, w.operator()),
            Self::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, w.busy()),
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
    let asked = asked_language(&headers);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    let who = match person(&app, bearer).await {
        Ok(p) => p,
        Err(why) => {
            let (status, message) = why.answer(asked);
            return text_response(status, asked, &message);
        }
    };
    let w = their_language(&who, asked);
    let p = match preview(&app, w, &token).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Some(problem) = p.problem {
        return text_response(StatusCode::CONFLICT, w, &w.dead(problem, p.expires_at, &p.worker_name, &p.partner_name));
    }
    let choices = match app.cam.access_link_choices(&who, &token).await {
        Ok(Some(c)) => c,
        Ok(None) => return text_response(StatusCode::NOT_FOUND, w, &w.unknown_link()),
        Err(e) => return refused_text(w, e, &p),
    };
    let user = match &who {
        Principal::User(u) => u,
        Principal::Operator => return text_response(StatusCode::FORBIDDEN, w, &w.operator()),
    };
    html_response(StatusCode::OK, w, choices_fragment(w, &token, &p, user, &choices, Credential::Bearer))
}

fn refused_text(w: Words, e: Error, p: &LinkPreview) -> Response {
    let (status, message) = refusal(w, e, p);
    text_response(status, w, &message)
}

/// What the page's form posts carry to say who decides.
#[derive(Clone, Copy)]
enum Credential<'a> {
    /// Development: the pasted token, set into the post by the script.
    Bearer,
    /// R51: the session cookie, and this anti-forgery token in the form.
    Session(&'a str),
}

/// The accounts a signed-in person may decide for, with Approve and
/// Decline (R53, R54).
fn choices_fragment(
    w: Words,
    token: &str,
    p: &LinkPreview,
    user: &cam_domain::user::model::User,
    choices: &[LinkChoice],
    credential: Credential<'_>,
) -> String {
    let signed_in_as = escape(&w.signed_in_as(&user.name, user.email.as_str()));
    let mut out = match credential {
        Credential::Bearer => format!(
            "<p id=\"who\">{signed_in_as} <button type=\"button\" id=\"other-token\" class=\"link\">{}</button></p>",
            w.other_token()
        ),
        // A form of its own: forms do not nest.
        Credential::Session(anti_forgery) => format!(
            "<div class=\"who\"><p id=\"who\">{signed_in_as}</p><form id=\"sign-out-form\" method=\"post\" \
             action=\"/auth/sign-out\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" \
             name=\"return\" value=\"/access/{token}\"><button id=\"sign-out-button\" class=\"link\" type=\"submit\">\
             {sign_out}</button></form></div>",
            csrf = escape(anti_forgery),
            token = escape(token),
            sign_out = w.sign_out(),
        ),
    };
    if choices.is_empty() {
        out.push_str(&format!("<p id=\"no-accounts\" class=\"note\">{}</p>", w.no_accounts()));
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
                    (format!(" <span class=\"mark mark-approved\">{}</span>", w.mark_approved()), " disabled")
                }
                Some(Decision::Declined) => {
                    (format!(" <span class=\"mark mark-declined\">{}</span>", w.mark_declined()), " disabled")
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
    let credential_field = match credential {
        Credential::Bearer => "<input type=\"hidden\" name=\"bearer\" id=\"bearer-post\" value=\"\">".to_string(),
        Credential::Session(anti_forgery) => {
            format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", escape(anti_forgery))
        }
    };
    out.push_str(&format!(
        "<form id=\"decide-form\" method=\"post\" action=\"/access/{token}/approve\">\
         <fieldset><legend>{legend}</legend><ul id=\"accounts\">{items}</ul></fieldset>",
        legend = w.accounts_legend(),
    ));
    if open {
        out.push_str(&format!(
            "<label for=\"note\">{note}</label><textarea id=\"note\" name=\"note\" maxlength=\"500\"></textarea>\
             {credential_field}<div class=\"actions\"><button id=\"approve-button\" type=\"submit\" formaction=\"/access/{token}/approve\">\
             {approve}</button><button id=\"decline-button\" class=\"secondary\" type=\"submit\" \
             formaction=\"/access/{token}/decline\">{decline}</button></div>",
            note = escape(&w.note_label(&p.worker_name)),
            approve = w.approve(),
            decline = w.decline(),
        ));
    } else {
        out.push_str(&format!("<p id=\"all-decided\" class=\"note\">{}</p>", w.all_decided()));
    }
    out.push_str("</form>");
    out
}

/// What the page's form posts carry.
#[derive(serde::Deserialize)]
pub struct DecisionForm {
    bearer: Option<String>,
    /// R51: the session's anti-forgery token.
    csrf: Option<String>,
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
fn outcome(w: Words, token: &str, p: &LinkPreview, status: StatusCode, ok: bool, message: &str) -> Response {
    let main = format!(
        "{who}<p id=\"result\" class=\"{class}\" role=\"status\">{message}</p>\
         <p><a id=\"back\" href=\"/access/{token}\">{back}</a></p>",
        who = who_asks(w, p),
        class = if ok { "ok" } else { "error" },
        message = escape(message),
        token = escape(token),
        back = w.back(),
    );
    page(status, w, &w.title(), &main)
}

async fn decide(app: App, token: String, headers: HeaderMap, form: DecisionForm, act: Act) -> Response {
    let asked = asked_language(&headers);
    // Nothing is read for a post from another site.
    if !from_this_site(&headers, app.cam.public_url()) {
        let w = asked;
        return page(
            StatusCode::FORBIDDEN,
            w,
            &w.title(),
            &format!("<h1>{}</h1><p id=\"result\" class=\"error\">{}</p>", w.title(), w.foreign_site()),
        );
    }
    let p = match preview(&app, asked, &token).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let who = if app.cam.can_sign_in() {
        // R51: the session cookie and its anti-forgery token, nothing else.
        let signed = match crate::auth::signed_in(&app, &headers).await {
            Ok(s) => s,
            Err(r) => return r,
        };
        let Some(signed) = signed else {
            return outcome(asked, &token, &p, StatusCode::UNAUTHORIZED, false, &asked.sign_in_again());
        };
        let w = Words::new(signed.user.locale);
        if !app.cam.anti_forgery_matches(&signed, form.csrf.as_deref().unwrap_or_default()) {
            let message = format!("{} (ANTI_FORGERY)", w.anti_forgery());
            return outcome(w, &token, &p, StatusCode::FORBIDDEN, false, &message);
        }
        Principal::User(signed.user)
    } else {
        match person(&app, form.bearer.as_deref()).await {
            Ok(who) => who,
            Err(why) => {
                let (status, message) = why.answer(asked);
                return outcome(asked, &token, &p, status, false, &message);
            }
        }
    };
    let w = their_language(&who, asked);
    let Some(raw_client) = form.client_account_id.filter(|c| !c.trim().is_empty()) else {
        return outcome(w, &token, &p, StatusCode::BAD_REQUEST, false, &w.choose_account());
    };
    let client = match input_id(Kind::ClientAccount, &raw_client.into(), &["clientAccountId"]) {
        Ok(raw) => AccountId::new(raw),
        Err(e) => {
            let (status, message) = refusal(w, e, &p);
            return outcome(w, &token, &p, status, false, &message);
        }
    };
    let done = match act {
        Act::Approve => {
            app.cam.approve_access_link(&who, &token, client).await.map(|a| w.approved(&p.worker_name, &a.client.name))
        }
        Act::Decline => app
            .cam
            .decline_access_link(&who, &token, client, form.note.as_deref())
            .await
            .map(|d| w.declined(&p.worker_name, &d.client.name)),
    };
    match done {
        Ok(message) => outcome(w, &token, &p, StatusCode::OK, true, &message),
        Err(e) => {
            let (status, message) = refusal(w, e, &p);
            outcome(w, &token, &p, status, false, &message)
        }
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
