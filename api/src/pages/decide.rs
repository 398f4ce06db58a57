//! `POST /access/<token>/approve` and `/decline`: the page's form posts
//! (R10, R54), refused from another site.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use cam_domain::access_link::model::LinkPreview;
use cam_domain::{AccountId, Principal};

use super::access::{person, who_asks};
use super::{asked_language, escape, from_this_site, page, preview, refusal, their_language, Words};
use crate::graphql::ids::{input_id, Kind};
use crate::wiring::App;

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
    let who = if app.cam.sessions.can_sign_in() {
        // R51: the session cookie and its anti-forgery token, nothing else.
        let signed = match super::auth::signed_in(&app, &headers).await {
            Ok(s) => s,
            Err(r) => return r,
        };
        let Some(signed) = signed else {
            return outcome(asked, &token, &p, StatusCode::UNAUTHORIZED, false, &asked.sign_in_again());
        };
        let w = Words::new(signed.user.locale);
        if !app.cam.sessions.anti_forgery_matches(&signed, form.csrf.as_deref().unwrap_or_default()) {
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
        Act::Approve => app
            .cam
            .access_links
            .approve_access_link(&who, &token, client)
            .await
            .map(|a| w.approved(&p.worker_name, &a.client.name)),
        Act::Decline => app
            .cam
            .access_links
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
