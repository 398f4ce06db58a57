//! The approval page (R53, R54, R10) as a browser gets it from the router:
//! what it says before anyone signs in, a dead link, the accounts a
//! signed-in person may decide for, and the Approve and Decline form posts
//! with their Origin check. The page in a real browser is
//! tests/browser/approve_page.py.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use cam_api::http::router;
use cam_tests::*;
use chrono::Duration;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const HOST: &str = "cam.test";
const SELF: &str = "https://cam.test";

async fn send(t: &TestApp, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let resp = router(t.app.clone()).oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

async fn get_page(t: &TestApp, token: &str) -> (StatusCode, HeaderMap, String) {
    send(t, Request::get(format!("/access/{token}")).header(header::HOST, HOST).body(Body::empty()).unwrap()).await
}

async fn accounts(t: &TestApp, token: &str, bearer: Option<&str>) -> (StatusCode, String) {
    let mut req = Request::get(format!("/access/{token}/accounts")).header(header::HOST, HOST);
    if let Some(b) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {b}"));
    }
    let (status, _, body) = send(t, req.body(Body::empty()).unwrap()).await;
    (status, body)
}

fn form(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// A form post as a browser sends it from `origin` (`Sec-Fetch-Site` as
/// given, if any).
async fn post(
    t: &TestApp,
    path: &str,
    origin: Option<&str>,
    site: Option<&str>,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut req = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(o) = origin {
        req = req.header(header::ORIGIN, o);
    }
    if let Some(s) = site {
        req = req.header("sec-fetch-site", s);
    }
    let (status, _, body) = send(t, req.body(Body::from(form(fields))).unwrap()).await;
    (status, body)
}

struct Scene {
    partner: String,
    boss: W,
    token: String,
    link_id: String,
    client: String,
    owner: W,
}

async fn scene(w: &World<'_>) -> Scene {
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let link = w.access_link(&partner, &boss.who, None).await;
    Scene {
        partner,
        boss,
        token: link["token"].as_str().unwrap().to_string(),
        link_id: link["accessLink"]["id"].as_str().unwrap().to_string(),
        client,
        owner,
    }
}

async fn footprint(t: &TestApp) -> (i64, i64, i64, i64, i64) {
    (
        t.count("access_link_declines").await,
        t.count("access_link_approvals").await,
        t.count("audit_events").await,
        t.count("email_outbox").await,
        t.count("memberships").await,
    )
}

#[tokio::test]
async fn before_sign_in_the_page_says_who_asks_what_approving_grants_and_for_how_long() {
    // R53, R9, R20, R27
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;

    let (status, headers, page) = get_page(&t, &s.token).await;

    assert_eq!(status, StatusCode::OK);
    let partner_name = t
        .ok(&s.boss.who, "query($id: ID!){ partnerAccount(id:$id){ name } }", json!({"id": s.partner}))
        .await["partnerAccount"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.contains(&partner_name) && page.contains(&s.boss.email), "who asks: {page}");
    assert!(page.contains("the Partner Admin role") && page.contains("the partner seat"), "{page}");
    let shown = page.matches("data-permission=\"").count();
    assert_eq!(shown, 18, "each permission of the Partner Admin set: {page}");
    for (code, words) in
        [("USERS_ADD_EDIT", "Add and edit users"), ("PAYMENT_CONNECTION_CREATE", "Connect payment processing")]
    {
        assert!(page.contains(&format!("data-permission=\"{code}\">{words}</li>")), "{code}: {page}");
    }
    for excluded in PA_EXCLUDED {
        assert!(!page.contains(&format!("data-permission=\"{excluded}\"")), "{excluded}");
    }
    assert!(page.contains("There is no end date") && page.contains("managed relationship"), "for how long: {page}");
    assert!(page.contains("can be approved until March 31, 2026, 09:00 UTC"), "{page}");
    // Readable without its script; only this server's own script and style run.
    assert!(!page.contains("<script>") && page.contains("<script src=\"/assets/access/access.js\">"));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("form-action 'self'"), "{csp}");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
}

#[tokio::test]
async fn a_dead_link_says_why_in_words_and_offers_no_form() {
    // R53
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    t.advance(Duration::days(31));

    let (status, _, expired) = get_page(&t, &s.token).await;

    assert_eq!(status, StatusCode::OK);
    assert!(expired.contains("This link expired on March 31, 2026, 09:00 UTC"), "{expired}");
    assert!(
        !expired.contains("LINK_EXPIRED") && !expired.contains("<form") && !expired.contains("<button"),
        "{expired}"
    );

    t.ok(
        &s.boss.who,
        "mutation($i: RevokeAccessLinkInput!){ revokeAccessLink(input:$i){ userErrors{ code } } }",
        json!({"i": {"accessLinkId": s.link_id}}),
    )
    .await;
    let (_, _, revoked) = get_page(&t, &s.token).await;
    assert!(revoked.contains("This link was revoked"), "{revoked}");
    assert!(!revoked.contains("<form") && !revoked.contains("<button"), "{revoked}");
    // Its form posts are refused too, whatever a stale page sends.
    let bearer = t.token(&s.owner.email);
    let (status, body) = post(
        &t,
        &format!("/access/{}/approve", s.token),
        Some(SELF),
        Some("same-origin"),
        &[("bearer", &bearer), ("clientAccountId", &s.client)],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("LINK_REVOKED"), "{body}");
}

#[tokio::test]
async fn signed_in_the_page_lists_the_accounts_the_person_may_decide_for_marking_decisions() {
    // R53, R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let declined = w.client("Declined").await;
    let open = w.client("Open").await;
    let viewing = w.client("Viewing").await;
    for (client, input) in [
        (&declined, json!({"role": "SUPER_ADMIN", "seat": "CORE"})),
        (&open, json!({"role": "STANDARD", "seat": "CORE", "permissions": ["USERS_ADD_EDIT"]})),
        (&viewing, json!({"role": "STANDARD", "seat": "CORE", "permissions": ["CONTACTS_VIEW"]})),
    ] {
        let p = w.member(client, &s.owner.user_id, input).await;
        assert!(user_error_codes(&p).is_empty(), "{p}");
    }
    assert!(user_error_codes(&w.approve(&s.token, &s.client, &s.owner.who).await).is_empty());
    let d = t
        .payload(
            &s.owner.who,
            "mutation($i: DeclineAccessLinkInput!){ declineAccessLink(input:$i){ declined userErrors{ code } } }",
            json!({"i": {"token": s.token, "clientAccountId": declined}}),
        )
        .await;
    assert_eq!(d["declined"], true);
    let bearer = t.token(&s.owner.email);

    let (status, html) = accounts(&t, &s.token, Some(&bearer)).await;

    assert_eq!(status, StatusCode::OK, "{html}");
    let items: Vec<&str> = html.split("<li class=\"account").skip(1).collect();
    assert_eq!(items.len(), 3, "not the account where they may not approve: {html}");
    let item = |name: &str| *items.iter().find(|i| i.contains(&format!(">{name} w"))).unwrap();
    assert!(item("Acme").contains("approved already") && item("Acme").contains("disabled"), "{html}");
    assert!(item("Declined").contains("declined") && item("Declined").contains("disabled"), "{html}");
    assert!(item("Open").contains("checked") && !item("Open").contains("disabled"), "{html}");
    assert!(!html.contains("Viewing"), "{html}");
    assert!(html.contains("id=\"approve-button\"") && html.contains("id=\"decline-button\""), "{html}");
    assert!(!html.contains(&bearer), "the token is never shown back");

    let (status, said) = accounts(&t, &s.token, Some("not-a-token")).await;
    assert_eq!((status, said.contains("not valid")), (StatusCode::UNAUTHORIZED, true), "{said}");
    let (status, _) = accounts(&t, &s.token, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_page_declines_and_approves_with_form_posts_that_never_echo_the_token() {
    // R54, R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let other = w.client("Other").await;
    let p = w.member(&other, &s.owner.user_id, json!({"role": "SUPER_ADMIN", "seat": "CORE"})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let bearer = t.token(&s.owner.email);
    let decline = format!("/access/{}/decline", s.token);
    let approve = format!("/access/{}/approve", s.token);

    let (status, page) = post(
        &t,
        &decline,
        Some(SELF),
        Some("same-origin"),
        &[("bearer", &bearer), ("clientAccountId", &s.client), ("note", "Not this quarter & not by link")],
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Declined for Acme") && page.contains("nothing was granted"), "{page}");
    assert!(!page.contains(&bearer), "the token is never written back");
    let mails =
        t.ok(&As::Operator, "query($to: String){ outbox(to:$to){ kind body } }", json!({"to": s.boss.email})).await;
    let bodies: Vec<&str> = mails["outbox"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "access_link.declined")
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(bodies.len() == 1 && bodies[0].contains("Not this quarter & not by link"), "{mails}");

    // Approving there now is refused in words; approving elsewhere works
    // (an older browser that sends Origin but not Sec-Fetch-Site).
    let (status, page) =
        post(&t, &approve, Some(SELF), Some("same-origin"), &[("bearer", &bearer), ("clientAccountId", &s.client)])
            .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("declined this link") && page.contains("LINK_DECLINED"), "{page}");
    let (status, page) =
        post(&t, &approve, Some(SELF), None, &[("bearer", &bearer), ("clientAccountId", &other)]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("is now a partner admin of Other"), "{page}");
    assert!(!page.contains(&bearer));
    let members = t
        .ok(
            &s.owner.who,
            "query($id: ID!){ clientAccount(id:$id){ members(first:10){ edges{ node{ role user{ email } } } } } }",
            json!({"id": other}),
        )
        .await;
    assert!(members.to_string().contains(&s.boss.email) && members.to_string().contains("PARTNER_ADMIN"), "{members}");
}

#[tokio::test]
async fn form_posts_from_another_site_or_without_a_sign_in_are_refused_and_change_nothing() {
    // R54, R51 (refused from another origin), R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let bearer = t.token(&s.owner.email);
    let fields = [("bearer", bearer.as_str()), ("clientAccountId", s.client.as_str()), ("note", "no")];
    let before = footprint(&t).await;

    for path in [format!("/access/{}/approve", s.token), format!("/access/{}/decline", s.token)] {
        for (origin, site) in [
            (Some("https://evil.example"), Some("cross-site")),
            (Some("https://evil.example"), None),
            (Some("null"), None),
            (Some(SELF), Some("same-site")),
        ] {
            let (status, page) = post(&t, &path, origin, site, &fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} {origin:?} {site:?}: {page}");
            assert!(page.contains("another site"), "{page}");
        }
        let (status, page) = post(&t, &path, Some(SELF), Some("same-origin"), &fields[1..]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "no token: {page}");
    }
    let long = "n".repeat(501);
    let (status, page) = post(
        &t,
        &format!("/access/{}/decline", s.token),
        Some(SELF),
        Some("same-origin"),
        &[("bearer", &bearer), ("clientAccountId", &s.client), ("note", &long)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("500 characters"), "{page}");

    assert_eq!(footprint(&t).await, before);
}

async fn get_page_in(t: &TestApp, token: &str, accept_language: &str) -> (StatusCode, HeaderMap, String) {
    let req = Request::get(format!("/access/{token}"))
        .header(header::HOST, HOST)
        .header(header::ACCEPT_LANGUAGE, accept_language)
        .body(Body::empty())
        .unwrap();
    send(t, req).await
}

#[tokio::test]
async fn the_page_speaks_the_language_the_browser_asks_for_until_someone_signs_in() {
    // R55, R53
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;

    let (status, headers, page) = get_page_in(&t, &s.token, "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5").await;
    let page = page.replace("&#39;", "'");

    assert_eq!(status, StatusCode::OK);
    assert!(page.starts_with("<!doctype html><html lang=\"fr\">"), "{page}");
    assert_eq!(headers[header::CONTENT_LANGUAGE], "fr");
    assert!(headers[header::VARY].to_str().unwrap().contains("Accept-Language"));
    assert!(page.contains("<title>Demande d'accès</title>"), "{page}");
    assert!(page.contains("Ce lien peut être approuvé jusqu'au 31 mars 2026 à 09:00 UTC."), "{page}");
    assert!(page.contains("le siège partenaire"), "{page}");
    assert!(page.contains("data-permission=\"USERS_ADD_EDIT\">Ajouter et modifier des utilisateurs</li>"), "{page}");
    assert!(!page.contains("What approving grants") && !page.contains("Approve or decline"), "no English left: {page}");

    let (_, headers, page) = get_page_in(&t, &s.token, "ja-JP,ja;q=0.9").await;
    assert_eq!(headers[header::CONTENT_LANGUAGE], "ja");
    assert!(page.contains("このリンクは2026年3月31日 09:00（UTC）まで承認できます。"), "{page}");

    // A language the product does not speak, or none: English.
    for asked in ["es-ES, pt;q=0.8", "*", ""] {
        let (_, headers, page) = get_page_in(&t, &s.token, asked).await;
        assert_eq!(headers[header::CONTENT_LANGUAGE], "en", "{asked:?}");
        assert!(page.contains("What approving grants"), "{asked:?}: {page}");
    }

    // A dead link says why in the language asked for.
    t.advance(Duration::days(31));
    let (_, _, expired) = get_page_in(&t, &s.token, "it").await;
    assert!(
        expired.contains("Questo link è scaduto il 31 marzo 2026 alle 09:00 UTC e non può più essere approvato."),
        "{expired}"
    );
}

#[tokio::test]
async fn a_signed_in_person_reads_the_page_in_their_own_language_whatever_the_browser_asks() {
    // R55, R54
    let t = TestApp::new().await;
    let w = World::new(&t);
    let s = scene(&w).await;
    let p = t
        .payload(
            &s.owner.who,
            "mutation($i: UpdateMyProfileInput!){ updateMyProfile(input:$i){ userErrors{ code } } }",
            json!({"i": {"locale": "DE"}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    let bearer = t.token(&s.owner.email);

    let req = Request::get(format!("/access/{}/accounts", s.token))
        .header(header::HOST, HOST)
        .header(header::ACCEPT_LANGUAGE, "fr")
        .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, fragment) = send(&t, req).await;
    assert_eq!(status, StatusCode::OK, "{fragment}");
    assert_eq!(headers[header::CONTENT_LANGUAGE], "de");
    assert!(fragment.contains("Ihre Kundenkonten") && fragment.contains(">Genehmigen</button>"), "{fragment}");

    let req = Request::post(format!("/access/{}/decline", s.token))
        .header(header::HOST, HOST)
        .header(header::ORIGIN, SELF)
        .header(header::ACCEPT_LANGUAGE, "fr")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form(&[("bearer", &bearer), ("clientAccountId", &s.client)])))
        .unwrap();
    let (status, headers, page) = send(&t, req).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(headers[header::CONTENT_LANGUAGE], "de");
    assert!(page.contains("<html lang=\"de\">") && page.contains("Für Acme w"), "{page}");
    assert!(page.contains("abgelehnt: Es wurde nichts gewährt."), "{page}");

    // Nobody signed in: the refusal is in the language the browser asks for.
    let req = Request::post(format!("/access/{}/approve", s.token))
        .header(header::HOST, HOST)
        .header(header::ORIGIN, SELF)
        .header(header::ACCEPT_LANGUAGE, "ja")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form(&[("clientAccountId", &s.client)])))
        .unwrap();
    let (status, _, page) = send(&t, req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("先にサインインしてください"), "{page}");
}
