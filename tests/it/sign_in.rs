//! R51: browser sign-in on the approval page, driven as a browser would:
//! the page's Sign in link, the hop through a test OpenID provider on
//! loopback (tests/support/oidc_issuer.rs, which signs the chosen person in
//! without a screen, checks the client, the PKCE verifier and takes each
//! code once), the callback, then the page rendered for the session, its
//! form posts, signing out, and every way a sign-in or a post is refused.
//! Cookies are kept by hand from `Set-Cookie`. Session ends are read on the
//! test clock, never by sleeping.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use cam_adapters::identity::parse_issuers;
use cam_api::http::router;
use cam_api::wiring::{build, App, Settings, SignInClient};
use cam_domain::Clock;
use cam_tests::oidc_issuer::{Mode, TestIssuer, CLIENT_ID, CLIENT_SECRET};
use cam_tests::*;
use chrono::Duration;
use http_body_util::BodyExt;
use jsonwebtoken::Algorithm;
use serde_json::json;
use sha2::Digest;
use tower::ServiceExt;

const HOST: &str = "cam.test";
/// Where the approval page's people have their email.
const ACME: &str = "acme.test";
const GLOBEX: &str = "globex.test";

/// The settings of an app that signs people in at `issuer` (for the
/// domains of the scene's clients).
fn signing_in_at(issuer: &TestIssuer) -> impl Fn(&mut Settings) {
    let setting = issuer.setting(&[ACME, GLOBEX]);
    move |s: &mut Settings| {
        s.oidc_issuers = parse_issuers(&setting).unwrap();
        s.sign_in = SignInClient::choose(&s.oidc_issuers, Some(CLIENT_ID), Some(CLIENT_SECRET), None).unwrap();
    }
}

/// A second server on the same database (its own wiring: own caches, own
/// identity adapters), on the same test clock.
fn second_server(t: &TestApp, issuer: &TestIssuer) -> App {
    let mut settings = Settings { jwt_secret: Some("another-secret".into()), operator_token: None, ..test_settings() };
    signing_in_at(issuer)(&mut settings);
    build(t.app.store.clone(), &settings, Some(t.clock.clone() as std::sync::Arc<dyn Clock>)).unwrap()
}

/// A browser: the cookies it keeps for this server, and the `Set-Cookie`
/// lines of the last answer.
struct Browser {
    app: App,
    jar: BTreeMap<String, String>,
    set_cookies: Vec<String>,
    provider: reqwest::Client,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn location(&self) -> String {
        self.headers[header::LOCATION].to_str().unwrap().to_string()
    }
}

impl Browser {
    fn new(app: App) -> Self {
        let provider = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { app, jar: BTreeMap::new(), set_cookies: Vec::new(), provider }
    }

    /// The same person's browser talking to another server.
    fn on(&self, app: App) -> Self {
        let mut b = Self::new(app);
        b.jar = self.jar.clone();
        b
    }

    async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Answer {
        let mut req = req.header(header::HOST, HOST);
        if !self.jar.is_empty() {
            let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(header::COOKIE, cookies.join("; "));
        }
        let resp = router(self.app.clone()).oneshot(req.body(body).unwrap()).await.unwrap();
        let (status, headers) = (resp.status(), resp.headers().clone());
        let body = String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        self.set_cookies =
            headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
        for line in &self.set_cookies {
            let (pair, attrs) = line.split_once(';').unwrap_or((line, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_string(), value.to_string());
            }
        }
        Answer { status, headers, body }
    }

    async fn get(&mut self, path: &str) -> Answer {
        self.send(Request::get(path), Body::empty()).await
    }

    /// A form post from a page of this server (`Sec-Fetch-Site` as given).
    async fn post(&mut self, path: &str, site: Option<&str>, origin: Option<&str>, fields: &[(&str, &str)]) -> Answer {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.send(req, Body::from(body)).await
    }

    /// The page's Sign in link: the provider's authorization URL.
    async fn begin(&mut self, return_to: &str) -> String {
        let a = self.get(&format!("/auth/sign-in?return={return_to}")).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        a.location()
    }

    /// At the provider: where it sends the browser back (this server's
    /// callback, as a path and query).
    async fn at_provider(&self, authorize: &str) -> String {
        let r = self.provider.get(authorize).send().await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::FOUND);
        let back = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(
            format!("{}://{}{}", back.scheme(), back.host_str().unwrap(), back.path()),
            "https://cam.test/auth/callback"
        );
        format!("{}?{}", back.path(), back.query().unwrap())
    }

    /// Begins a sign-in and goes through the provider: the callback to open.
    async fn through_provider(&mut self, return_to: &str) -> String {
        let authorize = self.begin(return_to).await;
        self.at_provider(&authorize).await
    }

    /// Signs in from `return_to` all the way; the callback's answer.
    async fn sign_in(&mut self, return_to: &str) -> Answer {
        let authorize = self.begin(return_to).await;
        let callback = self.at_provider(&authorize).await;
        self.get(&callback).await
    }

    fn session(&self) -> Option<String> {
        self.jar.get("cam_session").cloned()
    }
}

/// The value of a hidden field of a page.
fn hidden(page: &str, name: &str) -> String {
    let at = page.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no {name} in {page}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// A callback URL with one query parameter replaced.
fn with_param(callback: &str, name: &str, value: &str) -> String {
    let url = url::Url::parse(&format!("https://cam.test{callback}")).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.to_string(), if k == name { value.to_string() } else { v.to_string() }))
        .collect();
    let q = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    format!("{}?{q}", url.path())
}

struct Scene {
    t: TestApp,
    issuer: TestIssuer,
    token: String,
    acme: String,
    globex: String,
    olivia: String,
    worker: String,
}

impl Scene {
    fn page(&self) -> String {
        format!("/access/{}", self.token)
    }
    async fn sessions(&self) -> i64 {
        self.t.count("sessions").await
    }
    /// (approvals, declines, memberships, audit events, sessions)
    async fn footprint(&self) -> (i64, i64, i64, i64, i64) {
        (
            self.t.count("access_link_approvals").await,
            self.t.count("access_link_declines").await,
            self.t.count("memberships").await,
            self.t.count("audit_events").await,
            self.t.count("sessions").await,
        )
    }
}

/// A partner's worker with a pending link; Olivia, super admin of Acme and
/// of Globex; a provider that signs Olivia in.
async fn scene() -> Scene {
    scene_with(|_| {}).await
}

async fn scene_with(tweak: impl FnOnce(&mut Settings)) -> Scene {
    let issuer = TestIssuer::start().await;
    issuer.add_key(Algorithm::ES256);
    let sign_in = signing_in_at(&issuer);
    let t = TestApp::with_settings(|s| {
        sign_in(s);
        tweak(s);
    })
    .await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let link = w.access_link(&partner, &boss.who, None).await;
    let acme = w.client("Acme").await;
    let globex = w.client("Globex").await;
    let (olivia_id, olivia) = w.user("olivia", ACME).await;
    for c in [&acme, &globex] {
        let m = w.member(c, &olivia_id, json!({"role": "SUPER_ADMIN", "seat": "CORE"})).await;
        assert!(user_error_codes(&m).is_empty(), "{m}");
    }
    issuer.sign_in_as(Some(&olivia));
    Scene { token: link["token"].as_str().unwrap().to_string(), t, issuer, acme, globex, olivia, worker: boss.email }
}

#[tokio::test]
async fn olivia_signs_in_sees_her_accounts_approves_declines_and_signs_out() {
    // R51, R53, R10, R54
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());

    let before = b.get(&s.page()).await;
    assert_eq!(before.status, StatusCode::OK);
    let link = format!("href=\"/auth/sign-in?return=/access/{}\"", s.token);
    assert!(before.body.contains(&link), "a Sign in link back to this page: {}", before.body);
    assert!(!before.body.contains("id=\"bearer\""), "no token field with an OIDC client: {}", before.body);

    let back = b.sign_in(&s.page()).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(back.location(), s.page(), "back to the page she came from");
    assert!(b.session().is_some());

    let page = b.get(&s.page()).await.body;
    assert!(page.contains("Signed in as olivia (olivia@acme.test)"), "{page}");
    assert!(page.contains(&format!("value=\"{}\"", s.acme)) && page.contains(&format!("value=\"{}\"", s.globex)));
    assert!(page.contains("id=\"sign-out-button\"") && !page.contains("other-token"), "{page}");
    // Nothing the script could read signs anyone in: the session secret is
    // in no page.
    assert!(!page.contains(&b.session().unwrap()), "{page}");
    let csrf = hidden(&page, "csrf");

    let approve = format!("{}/approve", s.page());
    let a = b.post(&approve, Some("same-origin"), None, &[("csrf", &csrf), ("clientAccountId", &s.acme)]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("Approved:"), "{}", a.body);

    let decline = format!("{}/decline", s.page());
    let d = b
        .post(
            &decline,
            Some("same-origin"),
            None,
            &[("csrf", &csrf), ("clientAccountId", &s.globex), ("note", "Not now")],
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    assert!(d.body.contains("Declined for"), "{}", d.body);

    let page = b.get(&s.page()).await.body;
    assert!(page.contains("approved already") && page.contains("declined"), "{page}");
    assert_eq!(s.t.count("access_link_approvals").await, 1);
    assert_eq!(s.t.count("access_link_declines").await, 1);

    // Signing out revokes the session: the same cookie no longer works.
    let stolen = b.jar.clone();
    let out = b.post("/auth/sign-out", Some("same-origin"), None, &[("csrf", &csrf), ("return", &s.page())]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    assert_eq!(out.location(), s.page());
    assert!(b.set_cookies.iter().any(|c| c.starts_with("cam_session=;") && c.contains("Max-Age=0")));
    assert!(b.session().is_none());
    let mut replay = Browser::new(s.t.app.clone());
    replay.jar = stolen;
    let page = replay.get(&s.page()).await.body;
    assert!(page.contains(&link) && !page.contains("Signed in as"), "{page}");
    let again =
        replay.post(&decline, Some("same-origin"), None, &[("csrf", &csrf), ("clientAccountId", &s.acme)]).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{}", again.body);
    let audit =
        s.t.rows("SELECT action FROM audit_events WHERE action LIKE 'session.%' ORDER BY id")
            .await
            .iter()
            .map(|r| r.try_get::<String>("", "action").unwrap())
            .collect::<Vec<_>>();
    assert_eq!(audit, ["session.signed_in", "session.signed_out"]);
    let _ = &s.worker;
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_secure_behind_https_at_most_8_hours_and_stored_as_a_hash() {
    // R51
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    let authorize = b.begin(&s.page()).await;
    let pending = b.set_cookies.join("\n");
    assert!(pending.contains("cam_sign_in=") && pending.contains("HttpOnly") && pending.contains("SameSite=Lax"));
    assert!(pending.contains("; Secure"), "{pending}");
    // PKCE S256, a state and a nonce, the redirect URI of this server.
    let url = url::Url::parse(&authorize).unwrap();
    let q: BTreeMap<String, String> = url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["redirect_uri"], "https://cam.test/auth/callback");
    assert!(q["state"].len() >= 16 && q["nonce"].len() >= 16 && q["code_challenge"].len() == 43, "{q:?}");

    let callback = b.at_provider(&authorize).await;
    b.get(&callback).await;

    let cookie = b.set_cookies.iter().find(|c| c.starts_with("cam_session=")).unwrap().clone();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/;", "; Secure"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    let max_age: i64 = cookie.split("Max-Age=").nth(1).unwrap().split(';').next().unwrap().parse().unwrap();
    assert!(max_age > 0 && max_age <= 8 * 3600, "{cookie}");
    let secret = b.session().unwrap();
    assert!(secret.len() >= 22, "at least 128 bits: {secret}");
    let stored = s.t.rows("SELECT secret_hash FROM sessions").await;
    let hash: String = stored[0].try_get("", "secret_hash").unwrap();
    let expected: String = sha2::Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash, expected, "only the SHA-256 of the secret is stored");
}

#[tokio::test]
async fn behind_http_the_cookies_are_not_marked_secure() {
    // R51: Secure only when CAM_PUBLIC_URL is https.
    let s = scene_with(|s| s.public_url = "http://127.0.0.1:9".into()).await;
    let mut b = Browser::new(s.t.app.clone());
    let authorize = b.begin(&s.page()).await;
    assert!(!b.set_cookies.join("\n").contains("Secure"));
    let r = b.provider.get(&authorize).send().await.unwrap();
    let back = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(back.as_str().split('?').next().unwrap(), "http://127.0.0.1:9/auth/callback");
    b.get(&format!("{}?{}", back.path(), back.query().unwrap())).await;
    let cookie = b.set_cookies.iter().find(|c| c.starts_with("cam_session=")).unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn a_session_ends_after_8_hours_on_the_clock() {
    // R51, R35
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    b.sign_in(&s.page()).await;
    s.t.advance(Duration::hours(8) - Duration::minutes(1));
    let page = b.get(&s.page()).await.body;
    assert!(page.contains("Signed in as"), "{page}");
    let csrf = hidden(&page, "csrf");

    s.t.advance(Duration::minutes(2));

    let page = b.get(&s.page()).await.body;
    assert!(!page.contains("Signed in as") && page.contains("/auth/sign-in?return="), "{page}");
    let before = s.footprint().await;
    let a = b
        .post(
            &format!("{}/approve", s.page()),
            Some("same-origin"),
            None,
            &[("csrf", &csrf), ("clientAccountId", &s.acme)],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    assert!(a.body.contains("Sign in first"), "{}", a.body);
    assert_eq!(s.footprint().await, before);
    // The sweep prunes it.
    s.t.app.cam.schedule.sweep().await.unwrap();
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn a_callback_with_a_wrong_state_is_refused_and_creates_nothing() {
    // R51
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    let callback = b.through_provider(&s.page()).await;

    let r = b.get(&with_param(&callback, "state", "not-the-state")).await;

    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("STATE_MISMATCH") && r.body.contains("does not match"), "{}", r.body);
    assert!(b.session().is_none());
    assert_eq!(s.sessions().await, 0);
    // The sign-in is over: the right state no longer finishes it.
    let r = b.get(&callback).await;
    assert!(r.body.contains("SIGN_IN_UNKNOWN"), "{}", r.body);
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn a_callback_link_opened_in_another_browser_signs_nobody_in() {
    // R51: the sign-in is bound to the browser that began it (login CSRF).
    let s = scene().await;
    let mut olivia = Browser::new(s.t.app.clone());
    let callback = olivia.through_provider(&s.page()).await;

    let mut other = Browser::new(s.t.app.clone());
    let r = other.get(&callback).await;

    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("SIGN_IN_UNKNOWN"), "{}", r.body);
    assert_eq!(s.sessions().await, 0);
    assert_eq!(s.issuer.token_requests().0, 0, "the code was never even exchanged");
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_creates_nothing() {
    // R51
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    let callback = b.through_provider(&s.page()).await;
    b.get(&callback).await;
    assert_eq!(s.sessions().await, 1);
    let before = s.footprint().await;

    // The same callback again: its sign-in is finished.
    let r = b.get(&callback).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("SIGN_IN_UNKNOWN"), "{}", r.body);
    // The code in a fresh sign-in of an attacker's browser: the provider
    // takes each code once.
    let mut attacker = Browser::new(s.t.app.clone());
    let fresh = attacker.through_provider("/").await;
    let state = url::Url::parse(&format!("https://cam.test{fresh}"))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .to_string();
    let code = url::Url::parse(&format!("https://cam.test{callback}"))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let r = attacker.get(&with_param(&with_param(fresh.as_str(), "state", &state), "code", &code)).await;

    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("CODE_REFUSED"), "{}", r.body);
    assert!(attacker.session().is_none());
    assert_eq!(s.footprint().await, before);
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused() {
    // R51
    let s = scene().await;
    s.issuer.tamper_nonce("a-nonce-of-another-sign-in");
    let mut b = Browser::new(s.t.app.clone());

    let r = b.sign_in(&s.page()).await;

    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("NONCE_MISMATCH"), "{}", r.body);
    assert!(b.session().is_none());
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn a_pkce_verifier_that_does_not_match_the_challenge_is_refused_by_the_provider() {
    // R51: the code is useless without the verifier this server kept.
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    let callback = b.through_provider(&s.page()).await;
    s.t.execute("UPDATE pending_sign_ins SET pkce_verifier = 'a-verifier-of-someone-else-aaaaaaaaaaaaaaaaaaaaaa'")
        .await;

    let r = b.get(&callback).await;

    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("CODE_REFUSED"), "{}", r.body);
    assert_eq!(s.issuer.token_requests(), (1, 1));
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn a_sign_in_not_finished_within_10_minutes_expires() {
    // R51, R35
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    let callback = b.through_provider(&s.page()).await;
    s.t.advance(Duration::minutes(11));

    let r = b.get(&callback).await;

    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("SIGN_IN_EXPIRED"), "{}", r.body);
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn a_return_to_another_site_is_refused_before_anything_starts() {
    // R51: no open redirect.
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    for bad in ["https://evil.example/", "//evil.example/x", "/%5Cevil.example", "evil.example"] {
        let r = b.get(&format!("/auth/sign-in?return={bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.body.contains("RETURN_NOT_LOCAL"), "{bad}: {}", r.body);
        assert!(r.headers.get(header::LOCATION).is_none());
    }
    assert_eq!(s.t.count("pending_sign_ins").await, 0);
    // A sign-out's return is held to the same rule.
    b.sign_in(&s.page()).await;
    let csrf = hidden(&b.get(&s.page()).await.body, "csrf");
    let out = b
        .post("/auth/sign-out", Some("same-origin"), None, &[("csrf", &csrf), ("return", "https://evil.example/")])
        .await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.headers.get(header::LOCATION).is_none() && out.body.contains("You are signed out"), "{}", out.body);
}

#[tokio::test]
async fn a_post_with_a_session_but_a_missing_or_wrong_anti_forgery_token_changes_nothing() {
    // R51
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    b.sign_in(&s.page()).await;
    let csrf = hidden(&b.get(&s.page()).await.body, "csrf");
    let before = s.footprint().await;
    let approve = format!("{}/approve", s.page());

    let missing = b.post(&approve, Some("same-origin"), None, &[("clientAccountId", &s.acme)]).await;
    let wrong = b.post(&approve, Some("same-origin"), None, &[("csrf", "0000"), ("clientAccountId", &s.acme)]).await;
    let out = b.post("/auth/sign-out", Some("same-origin"), None, &[("csrf", "0000"), ("return", &s.page())]).await;

    for r in [&missing, &wrong, &out] {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(r.body.contains("ANTI_FORGERY"), "{}", r.body);
    }
    assert_eq!(s.footprint().await, before);
    assert!(b.get(&s.page()).await.body.contains("Signed in as"), "still signed in");
    // A pasted bearer token is no way around it once sign-in is set up.
    let bearer = s.t.token(&s.olivia);
    let r = Browser::new(s.t.app.clone())
        .post(&approve, Some("same-origin"), None, &[("bearer", &bearer), ("clientAccountId", &s.acme)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let ok = b.post(&approve, Some("same-origin"), None, &[("csrf", &csrf), ("clientAccountId", &s.acme)]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_the_session_cookie_and_its_token() {
    // R51: Origin / Sec-Fetch-Site.
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    b.sign_in(&s.page()).await;
    let csrf = hidden(&b.get(&s.page()).await.body, "csrf");
    let before = s.footprint().await;
    let approve = format!("{}/approve", s.page());
    let fields = [("csrf", csrf.as_str()), ("clientAccountId", s.acme.as_str())];

    let site = b.post(&approve, Some("cross-site"), Some("https://evil.example"), &fields).await;
    let origin = b.post(&approve, None, Some("https://evil.example"), &fields).await;
    let out = b.post("/auth/sign-out", Some("cross-site"), None, &[("csrf", &csrf)]).await;

    for r in [&site, &origin, &out] {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(r.body.contains("another site"), "{}", r.body);
    }
    assert_eq!(s.footprint().await, before);
}

#[tokio::test]
async fn the_session_cookie_does_not_authenticate_graphql() {
    // R51: the GraphQL API stays bearer-only.
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    b.sign_in(&s.page()).await;

    let r = b
        .send(
            Request::post("/graphql").header(header::CONTENT_TYPE, "application/json"),
            Body::from(json!({"query": "{ viewer { user { email } } }"}).to_string()),
        )
        .await;

    // Answered as for anyone without a token: nobody is signed in.
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["data"]["viewer"], serde_json::Value::Null, "{body}");
    // The same person with a bearer token is signed in.
    let bearer = s.t.token(&s.olivia);
    let r = b
        .send(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {bearer}")),
            Body::from(json!({"query": "{ viewer { user { email } } }"}).to_string()),
        )
        .await;
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["data"]["viewer"]["user"]["email"], s.olivia.as_str(), "{body}");
}

#[tokio::test]
async fn a_second_server_on_the_same_database_finishes_the_sign_in_and_keeps_the_session() {
    // R51: a restart or a second server keeps sessions and sign-ins.
    let s = scene().await;
    let other = second_server(&s.t, &s.issuer);
    let mut first = Browser::new(s.t.app.clone());
    let callback = first.through_provider(&s.page()).await;

    let mut second = first.on(other.clone());
    let r = second.get(&callback).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mut back = second.on(s.t.app.clone());
    let page = back.get(&s.page()).await.body;
    assert!(page.contains("Signed in as olivia"), "the first server knows the session: {page}");
    let csrf = hidden(&page, "csrf");
    let a = second
        .post(
            &format!("{}/approve", s.page()),
            Some("same-origin"),
            None,
            &[("csrf", &csrf), ("clientAccountId", &s.acme)],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "the same anti-forgery token on both: {}", a.body);
    second.post("/auth/sign-out", Some("same-origin"), None, &[("csrf", &csrf), ("return", &s.page())]).await;
    let page = back.get(&s.page()).await.body;
    assert!(!page.contains("Signed in as"), "signed out everywhere: {page}");
}

#[tokio::test]
async fn someone_the_provider_signs_in_who_is_no_user_gets_no_session() {
    // R51, R50: a valid ID token of someone who is no user.
    let s = scene().await;
    s.issuer.sign_in_as(Some("stranger@acme.test"));
    let mut b = Browser::new(s.t.app.clone());

    let r = b.sign_in(&s.page()).await;

    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("NO_USER"), "{}", r.body);
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn an_email_outside_the_issuers_domains_is_refused() {
    // R51, R50: nOAuth, also for ID tokens.
    let s = scene().await;
    let w = World::new(&s.t);
    let (_, outsider) = w.user("mallory", "elsewhere.test").await;
    s.issuer.sign_in_as(Some(&outsider));
    let mut b = Browser::new(s.t.app.clone());

    let r = b.sign_in(&s.page()).await;

    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("ID_TOKEN_INVALID"), "{}", r.body);
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn when_the_provider_says_no_the_page_says_so() {
    // R51
    let s = scene().await;
    s.issuer.sign_in_as(None);
    let mut b = Browser::new(s.t.app.clone());

    let r = b.sign_in(&s.page()).await;

    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("SIGN_IN_DENIED"), "{}", r.body);
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn without_an_oidc_client_the_page_keeps_its_token_field_and_sign_in_is_not_served() {
    // R51: development mode.
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let boss = w.boss(&partner).await;
    let token = w.access_link(&partner, &boss.who, None).await["token"].as_str().unwrap().to_string();
    let mut b = Browser::new(t.app.clone());

    let page = b.get(&format!("/access/{token}")).await.body;
    let sign_in = b.get("/auth/sign-in?return=/").await;

    assert!(page.contains("id=\"bearer\"") && !page.contains("/auth/sign-in"), "{page}");
    assert_eq!(sign_in.status, StatusCode::NOT_FOUND);
    assert!(sign_in.body.contains("SIGN_IN_NOT_CONFIGURED"), "{}", sign_in.body);
}

#[tokio::test]
async fn signed_in_the_page_speaks_the_persons_own_language_whatever_the_browser_asks() {
    // R51, R55: the session's user's locale, else Accept-Language.
    let s = scene().await;
    s.t.ok(&user(&s.olivia), "mutation { updateMyProfile(input: {locale: FR}) { userErrors { code } } }", json!({}))
        .await;
    let mut b = Browser::new(s.t.app.clone());
    let german = || Request::get(s.page()).header(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9");

    let before = b.send(german(), Body::empty()).await;
    b.sign_in(&s.page()).await;
    let after = b.send(german(), Body::empty()).await;

    assert!(before.body.contains("<html lang=\"de\"") && before.body.contains(">Anmelden</a>"), "{}", before.body);
    assert!(after.body.contains("<html lang=\"fr\"") && after.body.contains("Se déconnecter"), "{}", after.body);
    assert_eq!(after.headers[header::CONTENT_LANGUAGE], "fr");
}

#[tokio::test]
async fn a_provider_that_is_down_is_said_so_and_starts_nothing() {
    // R51: a provider that answers 503 gets a page in words; no pending
    // sign-in and no session are made, and nothing is remembered once it
    // is back.
    let s = scene().await;
    let mut b = Browser::new(s.t.app.clone());
    s.issuer.set_mode(Mode::Failing);

    let r = b.get(&format!("/auth/sign-in?return={}", s.page())).await;

    assert!(r.status.is_server_error(), "{}: {}", r.status, r.body);
    assert!(r.headers.get(header::LOCATION).is_none(), "no redirect to a provider that is down");
    assert!(r.body.contains("<html") && !r.body.contains("panicked"), "{}", r.body);
    assert_eq!((s.t.count("pending_sign_ins").await, s.sessions().await), (0, 0));

    // Back up: the same browser signs in.
    s.issuer.set_mode(Mode::Up);
    let r = b.sign_in(&s.page()).await;
    assert!(r.status.is_success() || r.status.is_redirection(), "{}: {}", r.status, r.body);
    assert_eq!(s.sessions().await, 1);
}
