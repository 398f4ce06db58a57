//! R50: bearer tokens from OpenID Connect issuers, against a test issuer on
//! loopback (discovery, JWKS, keys added, rotated and dropped while the
//! server runs, the issuer going down). The refresh limit is read on the
//! test clock, never by sleeping.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cam_adapters::identity::parse_issuers;
use cam_tests::oidc_issuer::{Mode, TestIssuer};
use cam_tests::*;
use http_body_util::BodyExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use tower::ServiceExt;

const VIEWER: &str = "{ viewer { user { email } } }";

/// The app trusting `issuer` for the World's agency domain, and the email
/// of a user in that domain.
async fn app_trusting(issuer: &TestIssuer) -> (TestApp, String) {
    let domain = format!("agency-{}.com", uuid::Uuid::new_v4().simple());
    let setting = issuer.setting(&[&domain]);
    let t = TestApp::with_settings(|s| s.oidc_issuers = parse_issuers(&setting).unwrap()).await;
    let email = format!("olivia@{domain}");
    t.payload(
        &As::Operator,
        "mutation($i: CreateUserInput!){ createUser(input:$i){ user{ id } userErrors{ code } } }",
        json!({"i": {"email": email, "name": "Olivia"}}),
    )
    .await;
    (t, email)
}

/// Status and body of a GraphQL request carrying `token`.
async fn call(t: &TestApp, token: &str, query: &str) -> (StatusCode, Value) {
    let req = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(json!({ "query": query }).to_string()))
        .unwrap();
    let resp = cam_api::http::router(t.app.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

/// The email the server signs `token` in as; `None` when refused.
async fn signed_in_as(t: &TestApp, token: &str) -> Option<String> {
    let (status, body) = call(t, token, VIEWER).await;
    if status == StatusCode::UNAUTHORIZED {
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
        return None;
    }
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["viewer"]["user"]["email"].as_str().map(String::from)
}

#[tokio::test]
async fn a_token_of_a_trusted_issuer_signs_its_user_in_with_each_algorithm() {
    // R50: RS256, ES256 and EdDSA keys found by discovery.
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    for alg in [Algorithm::EdDSA, Algorithm::ES256, Algorithm::RS256] {
        let kid = issuer.add_key(alg);
        t.advance(chrono::Duration::seconds(31));
        assert_eq!(signed_in_as(&t, &issuer.token(&kid, &email)).await, Some(email.clone()), "{alg:?}");
    }
}

#[tokio::test]
async fn the_email_claim_names_its_user_whatever_its_case() {
    // R50: case-insensitive, as every email (R1).
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let kid = issuer.add_key(Algorithm::ES256);
    let token = issuer.token(&kid, &email.to_uppercase());
    assert_eq!(signed_in_as(&t, &token).await, Some(email));
}

#[tokio::test]
async fn a_valid_token_of_someone_who_is_no_user_signs_in_with_no_access() {
    // R50
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let kid = issuer.add_key(Algorithm::EdDSA);
    let stranger = email.replace("olivia", "stranger");
    let token = issuer.token(&kid, &stranger);
    let (status, body) = call(&t, &token, VIEWER).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["viewer"], Value::Null, "{body}");
    let (_, body) = call(&t, &token, r#"{ partnerAccount(id: "UGFydG5lckFjY291bnQ6MQ") { id } }"#).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
}

#[tokio::test]
async fn tokens_that_break_a_rule_of_the_issuer_are_refused() {
    // R50: iss, aud, exp, nbf (60 s leeway), email_verified, the issuer's
    // own domains only (nOAuth), an email at all.
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let kid = issuer.add_key(Algorithm::EdDSA);
    let now = chrono::Utc::now().timestamp();
    let with = |change: Value| {
        let mut c = issuer.claims(&email);
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        issuer.sign(&kid, &c)
    };
    // Within the leeway: accepted.
    assert!(signed_in_as(&t, &with(json!({"exp": now - 30}))).await.is_some(), "exp within 60 s");
    assert!(signed_in_as(&t, &with(json!({"nbf": now + 30}))).await.is_some(), "nbf within 60 s");
    assert!(signed_in_as(&t, &with(json!({"email_verified": null}))).await.is_some(), "Entra sends none");
    for (why, token) in [
        ("another audience", with(json!({"aud": "someone-else"}))),
        ("no audience", with(json!({"aud": null}))),
        ("expired", with(json!({"exp": now - 120}))),
        ("no exp", with(json!({"exp": null}))),
        ("not yet valid", with(json!({"nbf": now + 120}))),
        ("email not verified", with(json!({"email_verified": false}))),
        ("email not verified, as text", with(json!({"email_verified": "false"}))),
        ("an email in another domain (nOAuth)", with(json!({"email": "olivia@victim-agency.com"}))),
        ("a sub-domain", with(json!({"email": email.replace('@', "@mail.")}))),
        ("no email", with(json!({"email": null}))),
        ("another iss", with(json!({"iss": "http://127.0.0.1:1"}))),
    ] {
        assert_eq!(signed_in_as(&t, &token).await, None, "{why}");
    }
}

#[tokio::test]
async fn tokens_that_bring_their_own_key_or_algorithm_are_refused() {
    // R50: never `none`, never HMAC, never a key taken from the token.
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let kid = issuer.add_key(Algorithm::EdDSA);
    let claims = issuer.claims(&email);
    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let mut refused = vec![
        ("alg none", format!("{}.{}.", b64(&json!({"alg": "none", "kid": kid})), b64(&claims))),
        ("no kid", issuer.sign_with_header(&kid, Header::new(Algorithm::EdDSA), &claims)),
    ];
    // HMAC with the public key's bytes or any secret, for the issuer's iss.
    for secret in [issuer.public_jwk(&kid).to_string(), "secret".to_string()] {
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some(kid.clone());
        refused
            .push(("HS256", jsonwebtoken::encode(&h, &claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()));
    }
    // A key the issuer never published, carried by the token itself.
    let own = issuer.secret_key(Algorithm::EdDSA);
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(issuer.public_jwk(&own)).unwrap();
    for header in ["jwk", "jku", "x5u", "x5c"] {
        let mut h = Header::new(Algorithm::EdDSA);
        h.kid = Some(kid.clone());
        match header {
            "jwk" => h.jwk = Some(jwk.clone()),
            "jku" => h.jku = Some(format!("{}/jwks", issuer.url)),
            "x5u" => h.x5u = Some(format!("{}/cert", issuer.url)),
            _ => h.x5c = Some(vec!["MIIB".into()]),
        }
        refused.push((header, issuer.sign_with_header(&kid, h, &claims)));
    }
    // The kid of an ES256 key on an EdDSA signature.
    let es = issuer.add_key(Algorithm::ES256);
    let mut h = Header::new(Algorithm::EdDSA);
    h.kid = Some(es);
    refused.push(("another key's algorithm", issuer.sign_with_header(&kid, h, &claims)));
    for (why, token) in refused {
        assert_eq!(signed_in_as(&t, &token).await, None, "{why}");
    }
    assert!(signed_in_as(&t, &issuer.token(&kid, &email)).await.is_some(), "the issuer's own token");
}

#[tokio::test]
async fn a_token_of_an_issuer_that_is_not_configured_is_refused() {
    // R50: an issuer the server does not trust, with keys it publishes.
    let trusted = TestIssuer::start().await;
    let (t, email) = app_trusting(&trusted).await;
    let other = TestIssuer::start().await;
    let kid = other.add_key(Algorithm::EdDSA);
    assert_eq!(signed_in_as(&t, &other.token(&kid, &email)).await, None);
    assert_eq!(other.jwks_fetches(), 0, "the server never asked the unknown issuer");
}

#[tokio::test]
async fn a_key_published_while_the_server_runs_is_used_and_a_dropped_one_refused_after_the_refresh() {
    // R50: key rotation.
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let old = issuer.add_key(Algorithm::RS256);
    assert!(signed_in_as(&t, &issuer.token(&old, &email)).await.is_some());
    // The issuer rotates: a new key is published, the old one dropped.
    let new = issuer.add_key(Algorithm::ES256);
    issuer.drop_key(&old);
    t.advance(chrono::Duration::seconds(31));
    assert_eq!(signed_in_as(&t, &issuer.token(&new, &email)).await, Some(email.clone()), "the new key");
    assert_eq!(signed_in_as(&t, &issuer.token(&old, &email)).await, None, "the dropped key after the refresh");
    assert_eq!(issuer.jwks_fetches(), 2);
}

#[tokio::test]
async fn a_flood_of_made_up_kids_fetches_the_keys_at_most_once_every_30_seconds() {
    // R50: one refresh per issuer per 30 s, whatever the number of unknown kids.
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let known = issuer.add_key(Algorithm::EdDSA);
    assert!(signed_in_as(&t, &issuer.token(&known, &email)).await.is_some());
    assert_eq!(issuer.jwks_fetches(), 1);
    t.advance(chrono::Duration::seconds(31));
    let flood: Vec<String> = (0..40).map(|_| issuer.token(&issuer.secret_key(Algorithm::EdDSA), &email)).collect();
    let answers = futures::future::join_all(flood.iter().map(|tok| signed_in_as(&t, tok))).await;
    assert!(answers.iter().all(Option::is_none));
    assert_eq!(issuer.jwks_fetches(), 2, "one refresh for the whole flood");
    // Known keys keep working meanwhile.
    assert!(signed_in_as(&t, &issuer.token(&known, &email)).await.is_some());
    // 29 s later: still no new fetch; 31 s: one.
    t.advance(chrono::Duration::seconds(29));
    assert_eq!(signed_in_as(&t, &flood[0]).await, None);
    assert_eq!(issuer.jwks_fetches(), 2);
    t.advance(chrono::Duration::seconds(2));
    assert_eq!(signed_in_as(&t, &flood[1]).await, None);
    assert_eq!(issuer.jwks_fetches(), 3);
}

#[tokio::test]
async fn when_the_issuer_is_down_known_keys_work_and_unknown_ones_are_refused_within_two_seconds() {
    // R50
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let known = issuer.add_key(Algorithm::ES256);
    assert!(signed_in_as(&t, &issuer.token(&known, &email)).await.is_some());
    for mode in [Mode::Hanging, Mode::Failing] {
        issuer.set_mode(mode);
        t.advance(chrono::Duration::seconds(31));
        let unknown = issuer.token(&issuer.add_key(Algorithm::ES256), &email);
        let answer = tokio::time::timeout(Duration::from_secs(2), signed_in_as(&t, &unknown)).await;
        assert_eq!(answer, Ok(None), "{mode:?}: refused within 2 s");
        assert_eq!(signed_in_as(&t, &issuer.token(&known, &email)).await, Some(email.clone()), "{mode:?}");
    }
    // Back up: the new key is found at the next refresh.
    issuer.set_mode(Mode::Up);
    t.advance(chrono::Duration::seconds(31));
    let later = issuer.add_key(Algorithm::ES256);
    assert!(signed_in_as(&t, &issuer.token(&later, &email)).await.is_some());
}

#[tokio::test]
async fn keys_are_kept_at_most_a_day() {
    // R50: a day after the last fetch, a known key needs the issuer again.
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let kid = issuer.add_key(Algorithm::EdDSA);
    assert!(signed_in_as(&t, &issuer.token(&kid, &email)).await.is_some());
    issuer.set_mode(Mode::Failing);
    t.advance(chrono::Duration::hours(24));
    assert_eq!(signed_in_as(&t, &issuer.token(&kid, &email)).await, None, "the issuer is down");
    issuer.set_mode(Mode::Up);
    t.advance(chrono::Duration::seconds(31));
    assert!(signed_in_as(&t, &issuer.token(&kid, &email)).await.is_some(), "fetched again");
}

#[tokio::test]
async fn an_oversized_or_garbage_jwks_document_is_refused_and_the_known_keys_stay() {
    // R50: the JWKS answer is bounded in size; garbage changes nothing.
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let known = issuer.add_key(Algorithm::EdDSA);
    assert!(signed_in_as(&t, &issuer.token(&known, &email)).await.is_some());
    let mut huge = format!(r#"{{"keys": [{}"#, issuer.public_jwk(&known)).into_bytes();
    huge.extend(std::iter::repeat_n(b' ', 2 << 20));
    huge.extend(b"]}");
    for raw in [huge, b"<html>not json</html>".to_vec(), br#"{"keys": "none"}"#.to_vec()] {
        issuer.serve_raw_jwks(raw);
        t.advance(chrono::Duration::seconds(31));
        let unknown = issuer.token(&issuer.add_key(Algorithm::EdDSA), &email);
        assert_eq!(signed_in_as(&t, &unknown).await, None);
        assert!(signed_in_as(&t, &issuer.token(&known, &email)).await.is_some());
    }
}

#[tokio::test]
async fn hs256_user_tokens_and_issuer_tokens_work_side_by_side() {
    // R50: CAM_JWT_SECRET stays for development and the demo.
    let issuer = TestIssuer::start().await;
    let (t, email) = app_trusting(&issuer).await;
    let kid = issuer.add_key(Algorithm::EdDSA);
    assert_eq!(signed_in_as(&t, &t.token(&email)).await, Some(email.clone()));
    assert_eq!(signed_in_as(&t, &issuer.token(&kid, &email)).await, Some(email.clone()));
}
