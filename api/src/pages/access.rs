//! `GET /access/<token>`, the approval page, and
//! `GET /access/<token>/accounts`, the part a person signed in with a
//! development token sees (R9, R10, R53).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use cam_domain::access_link::model::{Decision, LinkChoice, LinkPreview};
use cam_domain::identity::TokenError;
use cam_domain::session::model::SignedIn;
use cam_domain::{Error, Principal};

use super::{asked_language, escape, html_response, page, preview, refusal, text_response, their_language, Words};
use crate::graphql::ids::{encode, Kind};
use crate::wiring::App;

/// Who asks, for which partner (R9).
pub(super) fn who_asks(w: Words, p: &LinkPreview) -> String {
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
    let signed = if app.cam.sessions.can_sign_in() {
        match super::auth::signed_in(&app, &headers).await {
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
            if app.cam.sessions.can_sign_in() {
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
            match app.cam.access_links.access_link_choices(&who, token).await {
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
pub(super) enum SignIn {
    Missing,
    Invalid,
    Operator,
    Unavailable,
}

impl SignIn {
    pub(super) fn answer(self, w: Words) -> (StatusCode, String) {
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
pub(super) async fn person(app: &App, token: Option<&str>) -> Result<Principal, SignIn> {
    let token = token.map(str::trim).filter(|t| !t.is_empty()).ok_or(SignIn::Missing)?;
    let signed = app.identity.authenticate(token).await.map_err(|e: TokenError| {
        tracing::debug!(error = %e, "the approval page was given a token that is not valid");
        SignIn::Invalid
    })?;
    match app.cam.users.principal_of(signed.identity).await {
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
    let choices = match app.cam.access_links.access_link_choices(&who, &token).await {
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
    let mut out = who_decides(w, token, user, credential);
    if choices.is_empty() {
        out.push_str(&format!("<p id=\"no-accounts\" class=\"note\">{}</p>", w.no_accounts()));
        return out;
    }
    let items = account_items(w, choices);
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

/// Who is signed in, with the way to another token (development) or a
/// Sign out form (R51).
fn who_decides(w: Words, token: &str, user: &cam_domain::user::model::User, credential: Credential<'_>) -> String {
    let signed_in_as = escape(&w.signed_in_as(&user.name, user.email.as_str()));
    match credential {
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
    }
}

/// One radio button a choice, those already decided marked and disabled;
/// the first open one checked.
fn account_items(w: Words, choices: &[LinkChoice]) -> String {
    let mut first_open = true;
    choices
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
        .collect()
}
