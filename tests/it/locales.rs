//! Languages (R55) and links in emails (R56): every user has a locale, set
//! by themselves or by their identity provider through SCIM; every email is
//! written wholly in its recipient's language and says so; with
//! `CAM_APP_URL` each email leads to where its recipient acts.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use base64::Engine;
use cam_adapters::notify::{SmtpMailer, SmtpSettings};
use cam_domain::notify::ports::OutboxRepository;
use cam_tests::*;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::lifecycle::{mails, set_clock};

const UPDATE: &str = "mutation($i: UpdateMyProfileInput!){ updateMyProfile(input:$i){
    user{ email locale } userErrors{ code field message } } }";
const ME: &str = "{ viewer { user { locale } } }";
const OUTBOX: &str = "query($to: String){ outbox(to:$to){ kind locale subject body } }";

async fn my_locale(t: &TestApp, who: &As) -> String {
    t.ok(who, ME, json!({})).await["viewer"]["user"]["locale"].as_str().unwrap().to_string()
}

async fn set_locale(t: &TestApp, who: &As, locale: &str) {
    let p = t.payload(who, UPDATE, json!({"i": {"locale": locale}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    assert_eq!(p["user"]["locale"], json!(locale));
}

/// The emails of one kind to `to`, newest first.
async fn outbox(t: &TestApp, to: &str, kind: &str) -> Vec<Value> {
    let d = t.ok(&As::Operator, OUTBOX, json!({"to": to})).await;
    d["outbox"].as_array().unwrap().iter().filter(|m| m["kind"] == kind).cloned().collect()
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[tokio::test]
async fn a_user_reads_english_until_they_choose_another_language() {
    // R55, R32
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    assert_eq!(my_locale(&t, &ana.who).await, "EN");

    set_locale(&t, &ana.who, "JA").await;
    assert_eq!(my_locale(&t, &ana.who).await, "JA");
    let events = t
        .rows("SELECT action FROM audit_events WHERE action = 'user.profile_updated'")
        .await
        .iter()
        .map(|r| r.try_get::<String>("", "action").unwrap())
        .collect::<Vec<_>>();
    assert_eq!(events.len(), 1, "the change is audited: {events:?}");

    // Asking for no change changes nothing, and writes nothing.
    let p = t.payload(&ana.who, UPDATE, json!({"i": {}})).await;
    assert_eq!((user_error_codes(&p), &p["user"]["locale"]), (vec![], &json!("JA")));
    set_locale(&t, &ana.who, "JA").await;
    assert_eq!(t.rows("SELECT id FROM audit_events WHERE action = 'user.profile_updated'").await.len(), 1);
}

#[tokio::test]
async fn a_locale_the_product_does_not_speak_is_refused_and_changes_nothing() {
    // R55, R34
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let ana = w.boss(&partner).await;
    for bad in [json!("ES"), json!("fr"), json!(""), json!(7)] {
        let r = t.exec(&ana.who, UPDATE, json!({"i": {"locale": bad}})).await;
        assert!(r["errors"].as_array().is_some_and(|e| !e.is_empty()), "{bad}: {r}");
    }
    assert_eq!(my_locale(&t, &ana.who).await, "EN");
    // The operator has no profile.
    let r = t.exec(&As::Operator, UPDATE, json!({"i": {"locale": "FR"}})).await;
    assert_eq!(error_codes(&r), vec!["FORBIDDEN"], "{r}");
    assert_eq!(t.rows("SELECT id FROM audit_events WHERE action = 'user.profile_updated'").await.len(), 0);
}

async fn scim(t: &TestApp, method: Method, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(format!("/scim/v2{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/scim+json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = cam_api::http::router(t.app.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_identity_provider_sets_the_locale_through_scim() {
    // R55, R44
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let p = t
        .payload(
            &owner.who,
            "mutation($i: CreateScimTokenInput!){ createScimToken(input:$i){ token userErrors{ code } } }",
            json!({"i": {"clientAccountId": client}}),
        )
        .await;
    let token = p["token"].as_str().unwrap().to_string();
    let email = format!("ada@{}", w.domain("client"));
    let ada = user(&email);
    let user_doc = |language: Value| {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": email, "emails": [{"value": email, "primary": true}], "preferredLanguage": language,
        })
    };

    // A BCP 47 tag with a region names its language.
    let (status, created) = scim(&t, Method::POST, "/Users", &token, user_doc(json!("fr-CA"))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created.get("preferredLanguage").is_none(), "writeOnly, never returned: {created}");
    assert_eq!(my_locale(&t, &ada).await, "FR");
    let id = created["id"].as_str().unwrap().to_string();

    // `locale` is read when `preferredLanguage` is not sent (PATCH).
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "locale", "value": "de-DE"}]});
    let (status, patched) = scim(&t, Method::PATCH, &format!("/Users/{id}"), &token, patch).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(my_locale(&t, &ada).await, "DE");

    // A language the product does not speak keeps the user's own.
    let (status, put) = scim(&t, Method::PUT, &format!("/Users/{id}"), &token, user_doc(json!("es-ES"))).await;
    assert_eq!((status, my_locale(&t, &ada).await.as_str()), (StatusCode::OK, "DE"), "{put}");
    let (status, _) = scim(&t, Method::PUT, &format!("/Users/{id}"), &token, user_doc(json!("ja-JP"))).await;
    assert_eq!((status, my_locale(&t, &ada).await.as_str()), (StatusCode::OK, "JA"));

    // Each change is audited in the client account (R32).
    let locales: Vec<Value> = t
        .rows(
            "SELECT \"after\" AS after_json FROM audit_events \
             WHERE action IN ('scim.user_created', 'scim.user_updated') ORDER BY id",
        )
        .await
        .iter()
        .filter_map(|r| r.try_get::<String>("", "after_json").ok())
        .map(|a| serde_json::from_str::<Value>(&a).unwrap()["locale"].clone())
        .collect();
    assert_eq!(locales, vec![json!("FR"), json!("DE"), json!("JA")]);
}

#[tokio::test]
async fn an_approval_is_written_in_each_recipients_language_permissions_included() {
    // R55, R10
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let mut seen = Vec::new();
    for (locale, permission) in [
        ("EN", "Add and edit users"),
        ("FR", "Ajouter et modifier des utilisateurs"),
        ("DE", "Benutzer hinzufügen und bearbeiten"),
        ("IT", "Aggiungere e modificare utenti"),
        ("JA", "ユーザーの追加と編集"),
    ] {
        let worker = w.worker(&partner, &locale.to_lowercase(), "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
        set_locale(&t, &worker.who, locale).await;
        let client = w.client(&format!("Client {locale}")).await;
        let owner = w.client_admin(&client, &format!("owner-{}", locale.to_lowercase())).await;
        let link = w.access_link(&partner, &worker.who, None).await;
        let ap = w.approve(link["token"].as_str().unwrap(), &client, &owner.who).await;
        assert!(user_error_codes(&ap).is_empty(), "{ap}");
        let m = outbox(&t, &worker.email, "access_link.approved").await.remove(0);
        assert_eq!(m["locale"], json!(locale));
        assert!(m["body"].as_str().unwrap().contains(permission), "{locale}: {m}");
        seen.push((m["subject"].as_str().unwrap().to_string(), m["body"].as_str().unwrap().to_string()));
    }
    for (i, (subject, body)) in seen.iter().enumerate() {
        for (other_subject, other_body) in &seen[i + 1..] {
            assert_ne!(subject, other_subject);
            assert_ne!(body, other_body);
        }
    }
    assert!(seen[1].1.starts_with("Bonjour ") && seen[4].1.contains(" 様"), "{seen:?}");
}

#[tokio::test]
async fn dates_in_emails_take_the_recipients_usual_form() {
    // R55, R39
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let set = w.permission_set(&c.partner, &c.admin.who, "Viewers", &["CONTACTS_VIEW"]).await;
    let ends = t.now() + Duration::days(10);
    let mut expected = Vec::new();
    for (locale, day) in [
        ("EN", "March 11, 2026"),
        ("FR", "11 mars 2026"),
        ("DE", "11. März 2026"),
        ("IT", "11 marzo 2026"),
        ("JA", "2026年3月11日"),
    ] {
        let worker =
            w.worker(&c.partner, &format!("temp-{}", locale.to_lowercase()), "STANDARD", &[], "EMPLOYEE", None).await;
        set_locale(&t, &worker.who, locale).await;
        let p = t
            .payload(
                &c.admin.who,
                "mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){ userErrors{ code } } }",
                json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client, "workerIds": [worker.id],
                    "permissionSetId": set, "expiresAt": iso(ends)}}),
            )
            .await;
        assert!(user_error_codes(&p).is_empty(), "{p}");
        expected.push((worker.email, locale, day));
    }
    set_clock(&t, ends - Duration::days(7) + Duration::hours(1)).await;
    for (email, locale, day) in expected {
        let m = outbox(&t, &email, "membership.expiring").await.remove(0);
        assert_eq!(m["locale"], json!(locale));
        let (subject, body) = (m["subject"].as_str().unwrap(), m["body"].as_str().unwrap());
        assert!(subject.contains(day) && body.contains(day), "{locale}: {subject}\n{body}");
    }
}

/// The decoded HTML part of a formatted MIME message.
fn html_part(raw: &str) -> String {
    let at = raw.find("Content-Type: text/html").expect("an HTML part");
    let (headers, rest) = raw[at..].split_once("\r\n\r\n").unwrap();
    let body = &rest[..rest.find("\r\n--").unwrap()];
    if headers.contains("Content-Transfer-Encoding: base64") {
        let bytes = base64::engine::general_purpose::STANDARD.decode(body.replace("\r\n", "")).unwrap();
        String::from_utf8(bytes).unwrap()
    } else if headers.contains("Content-Transfer-Encoding: quoted-printable") {
        let joined = body.replace("=\r\n", "");
        let (mut out, bytes, mut i) = (Vec::new(), joined.as_bytes(), 0);
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                out.push(u8::from_str_radix(&joined[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    } else {
        body.to_string()
    }
}

#[tokio::test]
async fn the_mime_message_says_which_language_it_is_written_in() {
    // R55, R42
    let t = TestApp::new().await;
    let w = World::new(&t);
    let partner = w.partner().await;
    let settings = SmtpSettings::parse("smtp://127.0.0.1:2525").unwrap();
    let mailer = SmtpMailer::new(&settings, "Client Access Manager <no-reply@cam.test>").unwrap();
    for (locale, tag, hello) in [("JA", "ja", " 様"), ("DE", "de", "Hallo "), ("EN", "en", "Hello ")] {
        let worker = w.worker(&partner, &format!("mime-{tag}"), "SUPER_ADMIN", &[], "EMPLOYEE", None).await;
        set_locale(&t, &worker.who, locale).await;
        let client = w.client(&format!("Mime {tag}")).await;
        let owner = w.client_admin(&client, &format!("owner-{tag}")).await;
        let link = w.access_link(&partner, &worker.who, None).await;
        w.approve(link["token"].as_str().unwrap(), &client, &owner.who).await;
        let email = t.app.store.list_outbox(Some(&worker.email), 1).await.unwrap().remove(0);
        let raw = String::from_utf8(mailer.message(&email).unwrap().formatted()).unwrap();
        assert!(raw.contains(&format!("\r\nContent-Language: {tag}\r\n")), "{raw}");
        let html = html_part(&raw);
        assert!(html.contains(&format!("<html lang=\"{tag}\">")) && html.contains(hello), "{html}");
    }
}

#[tokio::test]
async fn with_the_app_url_each_email_leads_where_its_recipient_acts() {
    // R56, R10, R38, R39
    let t = TestApp::with_settings(|s| s.app_url = Some("https://app.example/cam".into())).await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let app = "https://app.example/cam";

    // Approval: the worker is led to the client.
    let approved = outbox(&t, &c.admin.email, "access_link.approved").await.remove(0);
    let body = approved["body"].as_str().unwrap();
    assert!(body.contains(&format!("\n{app}/clients/{}\n", c.client)), "{body}");

    // Expiry: the worker, and the client's super admins told of the
    // offboarding, are led to the client's audit log.
    let set = w.permission_set(&c.partner, &c.admin.who, "Viewers", &["CONTACTS_VIEW"]).await;
    let temp = w.worker(&c.partner, "temp", "STANDARD", &[], "EMPLOYEE", None).await;
    let ends = t.now() + Duration::days(10);
    let p = t
        .payload(
            &c.admin.who,
            "mutation($i: AddWorkersToClientInput!){ addWorkersToClient(input:$i){ userErrors{ code } } }",
            json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client, "workerIds": [temp.id],
                "permissionSetId": set, "expiresAt": iso(ends)}}),
        )
        .await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    set_clock(&t, ends - Duration::days(6)).await;
    set_clock(&t, ends + Duration::minutes(1)).await;
    let audit = format!("{app}/accounts/{}/audit", c.client);
    let expiring = outbox(&t, &temp.email, "membership.expiring").await.remove(0);
    assert!(expiring["body"].as_str().unwrap().contains(&audit), "{expiring}");
    let notice = outbox(&t, &c.owner.email, "offboarding.notice").await.remove(0);
    assert!(notice["body"].as_str().unwrap().contains(&audit), "{notice}");

    // No link carries a secret: no token, no access-link URL.
    for (_, _, body) in mails(&t, &c.admin.email).await.into_iter().chain(mails(&t, &temp.email).await) {
        for line in body.lines().filter(|l| l.contains("http")) {
            assert!(line.starts_with(app) && !line.contains("token") && !line.contains('?'), "{line}");
        }
    }
}

#[tokio::test]
async fn without_the_app_url_emails_carry_no_link() {
    // R56
    let t = TestApp::new().await;
    let w = World::new(&t);
    let c = w.managed_client().await;
    let r = t
        .payload(
            &c.admin.who,
            "mutation($i: RemoveAllPartnerUsersInput!){ removeAllPartnerUsers(input:$i){ userErrors{ code } } }",
            json!({"i": {"partnerAccountId": c.partner, "clientAccountId": c.client}}),
        )
        .await;
    assert!(user_error_codes(&r).is_empty(), "{r}");
    let all = t.ok(&As::Operator, OUTBOX, json!({})).await;
    let all = all["outbox"].as_array().unwrap();
    assert!(all.iter().any(|m| m["kind"] == "offboarding.notice"), "{all:?}");
    for m in all {
        assert!(!m["body"].as_str().unwrap().contains("http"), "{m}");
    }
}
