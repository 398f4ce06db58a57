//! SCIM 2.0 for client accounts (R44): tokens of one account's super
//! admins, the `User` resource, partner users invisible to it (R21, R33),
//! and the membership rules it keeps (R26, R31).

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use cam_tests::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const CREATE_TOKEN: &str = "mutation($i: CreateScimTokenInput!){ createScimToken(input:$i){
    token scimToken{ id createdAt revokedAt createdBy{ email } } userErrors{ code field message } } }";
const REVOKE_TOKEN: &str = "mutation($i: RevokeScimTokenInput!){ revokeScimToken(input:$i){
    scimToken{ id revokedAt } userErrors{ code field message } } }";
const TOKENS: &str =
    "query($id: ID!){ clientAccount(id:$id){ scimTokens{ id createdAt revokedAt createdBy{ email } } } }";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

async fn scim(t: &TestApp, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
    let mut b = Request::builder().method(method).uri(format!("/scim/v2{path}"));
    if let Some(tok) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tok}"));
    }
    let req = match body {
        Some(v) => b.header(header::CONTENT_TYPE, "application/scim+json").body(Body::from(v.to_string())).unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    let resp = cam_api::http::router(t.app.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
    Answer { status, headers, body }
}

async fn token_for(t: &TestApp, client: &str, who: &As) -> String {
    let p = t.payload(who, CREATE_TOKEN, json!({"i": {"clientAccountId": client}})).await;
    assert!(user_error_codes(&p).is_empty(), "{p}");
    p["token"].as_str().unwrap().to_string()
}

/// The usual fixture: client "Acme", its super admin and a SCIM token they
/// created; returns (client id, the owner, the token).
async fn provisioned(w: &World<'_>) -> (String, W, String) {
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let token = token_for(w.t, &client, &owner.who).await;
    (client, owner, token)
}

fn new_user(user_name: &str, email: &str) -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": email, "type": "work", "primary": true}],
        "active": true
    })
}

fn patch(ops: Value) -> Value {
    json!({"schemas": [PATCH_SCHEMA], "Operations": ops})
}

async fn audit_actions(t: &TestApp, client: &str, owner: &As) -> Vec<String> {
    let d = t
        .ok(
            owner,
            "query($id: ID!){ clientAccount(id:$id){ auditLog(first: 100){ edges{ node{ action } } } } }",
            json!({ "id": client }),
        )
        .await;
    d["clientAccount"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap().to_string())
        .collect()
}

/// The raw id of the membership of `email` in any client (the SCIM id).
async fn membership_id(t: &TestApp, email: &str) -> i64 {
    let rows = t
        .rows(&format!(
            "SELECT m.id AS id FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE u.email_key = '{}' AND m.worker_kind IS NULL",
            email.to_lowercase()
        ))
        .await;
    rows[0].try_get::<i64>("", "id").unwrap()
}

#[tokio::test]
async fn a_super_admin_creates_a_token_that_is_shown_once_stored_hashed_and_listed_without_its_secret() {
    // R44
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;

    let p = t.payload(&owner.who, CREATE_TOKEN, json!({"i": {"clientAccountId": client}})).await;

    assert!(user_error_codes(&p).is_empty(), "{p}");
    let secret = p["token"].as_str().unwrap();
    assert!(secret.len() >= 43, "at least 256 random bits: {secret}");
    assert_eq!(p["scimToken"]["createdBy"]["email"], json!(owner.email));
    let stored = t.rows("SELECT token_hash FROM scim_tokens").await;
    let hash: String = stored[0].try_get("", "token_hash").unwrap();
    assert_eq!(hash.len(), 64, "a SHA-256 hash");
    assert!(!hash.contains(secret) && !secret.contains(&hash));
    let listed = t.ok(&owner.who, TOKENS, json!({ "id": client })).await;
    let listed = &listed["clientAccount"]["scimTokens"];
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], p["scimToken"]["id"]);
    assert!(!listed.to_string().contains(secret), "the list never shows the secret");
    assert!(audit_actions(&t, &client, &owner.who).await.contains(&"scim.token_created".to_string()));
}

#[tokio::test]
async fn only_an_active_super_admin_of_the_client_creates_or_revokes_its_tokens() {
    // R44, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let (uid, email) = w.user("standard", &w.domain("client")).await;
    w.member(&client, &uid, json!({"role": "STANDARD", "seat": "CORE", "permissions": ["USERS_ADD_EDIT"]})).await;
    let other = w.client("Other").await;
    let stranger = w.client_admin(&other, "stranger").await;

    let standard = t.exec(&user(&email), CREATE_TOKEN, json!({"i": {"clientAccountId": client}})).await;
    assert_eq!(error_codes(&standard), vec!["FORBIDDEN"], "{standard}");
    let outsider = t.payload(&stranger.who, CREATE_TOKEN, json!({"i": {"clientAccountId": client}})).await;
    assert_eq!(user_error_codes(&outsider), vec!["NOT_FOUND"], "R33: {outsider}");
    assert!(outsider["token"].is_null());

    let p = t.payload(&owner.who, CREATE_TOKEN, json!({"i": {"clientAccountId": client}})).await;
    let id = p["scimToken"]["id"].clone();
    let refused = t.payload(&stranger.who, REVOKE_TOKEN, json!({"i": {"scimTokenId": id}})).await;
    assert_eq!(user_error_codes(&refused), vec!["NOT_FOUND"], "R33: {refused}");
    let listed = t.exec(&user(&email), TOKENS, json!({ "id": client })).await;
    assert_eq!(error_codes(&listed), vec!["FORBIDDEN"], "{listed}");
    assert_eq!(t.count("scim_tokens").await, 1);
}

#[tokio::test]
async fn a_wrong_or_revoked_token_is_refused_with_401() {
    // R44
    let t = TestApp::new().await;
    let w = World::new(&t);
    let client = w.client("Acme").await;
    let owner = w.client_admin(&client, "owner").await;
    let p = t.payload(&owner.who, CREATE_TOKEN, json!({"i": {"clientAccountId": client}})).await;
    let secret = p["token"].as_str().unwrap().to_string();
    assert_eq!(scim(&t, Method::GET, "/Users", Some(&secret), None).await.status, StatusCode::OK);

    for wrong in [None, Some("cam_scim_not-a-token"), Some(t.token(&owner.email).as_str())] {
        let a = scim(&t, Method::GET, "/Users", wrong, None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{wrong:?}");
        assert_eq!(a.body["status"], json!("401"));
        assert!(a.headers.get(header::WWW_AUTHENTICATE).is_some());
    }
    let r = t.payload(&owner.who, REVOKE_TOKEN, json!({"i": {"scimTokenId": p["scimToken"]["id"]}})).await;
    assert!(user_error_codes(&r).is_empty() && !r["scimToken"]["revokedAt"].is_null(), "{r}");

    let a = scim(&t, Method::GET, "/Users", Some(&secret), None).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "a revoked token: {:?}", a.body);
    assert!(audit_actions(&t, &client, &owner.who).await.contains(&"scim.token_revoked".to_string()));
}

#[tokio::test]
async fn a_created_user_is_a_standard_core_member_and_an_unknown_email_becomes_a_user() {
    // R44
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (client, owner, token) = provisioned(&w).await;
    let email = format!("ada@{}", w.domain("client"));
    let users_before = t.count("users").await;

    let a = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user("ada", &email))).await;

    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/scim+json");
    let id = a.body["id"].as_str().unwrap();
    assert_eq!(a.headers[header::LOCATION], format!("https://cam.test/scim/v2/Users/{id}").as_str());
    assert_eq!(a.body["userName"], json!("ada"));
    assert_eq!(a.body["active"], json!(true));
    assert_eq!(a.body["emails"][0]["value"], json!(email));
    assert_eq!(t.count("users").await, users_before + 1, "the unknown address became a user");
    let m = t
        .ok(&owner.who, "query($id: ID!){ clientAccount(id:$id){ members{ edges{ node{ role seat permissions partner{ id } user{ email name } } } } } }", json!({ "id": client }))
        .await;
    let added: Vec<&Value> = m["clientAccount"]["members"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["user"]["email"] == json!(email))
        .collect();
    assert_eq!(added.len(), 1, "{m}");
    assert_eq!((added[0]["role"].as_str(), added[0]["seat"].as_str()), (Some("STANDARD"), Some("CORE")));
    assert_eq!(added[0]["permissions"], json!([]));
    assert_eq!(added[0]["user"]["name"], json!("Ada Lovelace"));
    let got = scim(&t, Method::GET, &format!("/Users/{id}"), Some(&token), None).await;
    assert_eq!((got.status, &got.body["name"]["familyName"]), (StatusCode::OK, &json!("Lovelace")));
    let actions = audit_actions(&t, &client, &owner.who).await;
    assert!(actions.contains(&"scim.user_created".to_string()), "{actions:?}");

    let again = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user("ada2", &email.to_uppercase()))).await;
    assert_eq!((again.status, &again.body["scimType"]), (StatusCode::CONFLICT, &json!("uniqueness")));
    let same_name = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user("ADA", "x@acme-other.com"))).await;
    assert_eq!((same_name.status, &same_name.body["scimType"]), (StatusCode::CONFLICT, &json!("uniqueness")));
}

#[tokio::test]
async fn partner_users_are_never_listed_found_shown_or_changed_and_their_emails_conflict() {
    // R44, R21, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let m = w.managed_client().await;
    let token = token_for(&t, &m.client, &m.owner.who).await;
    let partner_user = membership_id(&t, &m.admin.email).await;

    let list = scim(&t, Method::GET, "/Users", Some(&token), None).await;
    assert_eq!(list.body["totalResults"], json!(1), "only the owner: {:?}", list.body);
    assert_eq!(list.body["Resources"][0]["userName"], json!(m.owner.email));
    let filter = format!("/Users?filter=userName%20eq%20%22{}%22", m.admin.email);
    let found = scim(&t, Method::GET, &filter, Some(&token), None).await;
    assert_eq!((found.status, &found.body["totalResults"]), (StatusCode::OK, &json!(0)));

    let path = format!("/Users/{partner_user}");
    let body = new_user("x", &m.admin.email);
    let deactivate = patch(json!([{"op": "replace", "path": "active", "value": false}]));
    for (method, body) in
        [(Method::GET, None), (Method::PUT, Some(body)), (Method::PATCH, Some(deactivate)), (Method::DELETE, None)]
    {
        let a = scim(&t, method.clone(), &path, Some(&token), body).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{method}: {:?}", a.body);
        assert_eq!(a.body["detail"], json!("no such user"));
    }
    let create = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user("pa", &m.admin.email))).await;
    assert_eq!((create.status, &create.body["scimType"]), (StatusCode::CONFLICT, &json!("uniqueness")));
    let pc = w.partner_client(&m.partner_client, &m.admin.who).await;
    assert_eq!(pc["activePartnerUserCount"], json!(1), "unchanged: {pc}");
}

#[tokio::test]
async fn a_token_of_one_account_never_reads_or_changes_another() {
    // R44, R33
    let t = TestApp::new().await;
    let w = World::new(&t);
    let a = w.client("A").await;
    let owner_a = w.client_admin(&a, "owner-a").await;
    let b = w.client("B").await;
    let owner_b = w.client_admin(&b, "owner-b").await;
    let (uid, email) = w.user("bee", &w.domain("client")).await;
    w.member(&b, &uid, json!({"role": "STANDARD", "seat": "CORE"})).await;
    let token_a = token_for(&t, &a, &owner_a.who).await;
    let theirs = membership_id(&t, &email).await;
    let unknown = theirs + 10_000;

    let list = scim(&t, Method::GET, "/Users", Some(&token_a), None).await;
    assert_eq!(list.body["totalResults"], json!(1));
    for id in [theirs, unknown] {
        let path = format!("/Users/{id}");
        let del = scim(&t, Method::DELETE, &path, Some(&token_a), None).await;
        let get = scim(&t, Method::GET, &path, Some(&token_a), None).await;
        let put = scim(&t, Method::PUT, &path, Some(&token_a), Some(new_user("x", "x@nowhere-else.com"))).await;
        for r in [&del, &get, &put] {
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{id}: {:?}", r.body);
            assert_eq!(r.body["detail"], json!("no such user"), "the same answer for both");
        }
    }
    let token_b = token_for(&t, &b, &owner_b.who).await;
    let still = scim(&t, Method::GET, &format!("/Users/{theirs}"), Some(&token_b), None).await;
    assert_eq!((still.status, &still.body["active"]), (StatusCode::OK, &json!(true)));
}

#[tokio::test]
async fn a_super_admin_is_never_deleted_and_the_last_one_is_never_deactivated() {
    // R26, R31, R44
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (client, owner, token) = provisioned(&w).await;
    let id = membership_id(&t, &owner.email).await;
    let path = format!("/Users/{id}");
    let deactivate = patch(json!([{"op": "replace", "value": {"active": false}}]));

    let del = scim(&t, Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(del.status, StatusCode::CONFLICT, "R26: {:?}", del.body);
    let last = scim(&t, Method::PATCH, &path, Some(&token), Some(deactivate.clone())).await;
    assert_eq!(last.status, StatusCode::CONFLICT, "R31: {:?}", last.body);
    assert_eq!(scim(&t, Method::GET, &path, Some(&token), None).await.body["active"], json!(true));

    let second = w.client_admin(&client, "second").await;
    let ok = scim(&t, Method::PATCH, &path, Some(&token), Some(deactivate)).await;
    assert_eq!((ok.status, &ok.body["active"]), (StatusCode::OK, &json!(false)), "another super admin remains");
    let actions = audit_actions(&t, &client, &second.who).await;
    assert!(actions.contains(&"scim.user_deactivated".to_string()), "{actions:?}");
    let del = scim(&t, Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(del.status, StatusCode::CONFLICT, "R26, even deactivated");
}

#[tokio::test]
async fn users_are_patched_replaced_and_deleted_and_their_assets_are_kept() {
    // R44, R25
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (client, owner, token) = provisioned(&w).await;
    let email = format!("ada@{}", w.domain("client"));
    let created = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user("ada", &email))).await;
    let path = format!("/Users/{}", created.body["id"].as_str().unwrap());

    let ops = json!([
        {"op": "replace", "path": "name.givenName", "value": "Augusta"},
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": email.to_uppercase()},
        {"op": "add", "path": "externalId", "value": "okta-1"},
        {"op": "replace", "path": "active", "value": "False"}
    ]);
    // A refused operation says why with its scimType (RFC 7644 §3.5.2) and
    // changes nothing, even after operations that would have applied.
    let refused = json!([
        {"op": "replace", "path": "name.givenName", "value": "Nobody"},
        {"op": "replace", "path": "id", "value": "42"}
    ]);
    let r = scim(&t, Method::PATCH, &path, Some(&token), Some(patch(refused))).await;
    assert_eq!((r.status, &r.body["scimType"]), (StatusCode::BAD_REQUEST, &json!("mutability")), "{:?}", r.body);
    let unchanged = scim(&t, Method::GET, &path, Some(&token), None).await;
    assert_ne!(unchanged.body["name"]["givenName"], json!("Nobody"), "{:?}", unchanged.body);
    let p = scim(&t, Method::PATCH, &path, Some(&token), Some(patch(ops))).await;
    assert_eq!(p.status, StatusCode::OK, "{:?}", p.body);
    assert_eq!(p.body["name"]["givenName"], json!("Augusta"));
    assert_eq!(p.body["externalId"], json!("okta-1"));
    assert_eq!(p.body["active"], json!(false));
    let by_external = scim(&t, Method::GET, "/Users?filter=externalId%20eq%20%22okta-1%22", Some(&token), None).await;
    assert_eq!(by_external.body["totalResults"], json!(1));

    let mut replacement = new_user("ada.l", &email);
    replacement["displayName"] = json!("Ada L.");
    let put = scim(&t, Method::PUT, &path, Some(&token), Some(replacement)).await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
    assert_eq!((put.body["userName"].as_str(), put.body["active"].as_bool()), (Some("ada.l"), Some(true)));
    assert_eq!(put.body["externalId"], json!(null), "PUT replaces the whole user");

    let uid = t.rows(&format!("SELECT id FROM users WHERE email_key = '{}'", email.to_lowercase())).await[0]
        .try_get::<i64>("", "id")
        .unwrap();
    let cid = t.rows(&format!("SELECT account_id FROM memberships WHERE user_id = {uid}")).await[0]
        .try_get::<i64>("", "account_id")
        .unwrap();
    t.execute(&format!(
        "INSERT INTO assets (client_id, owner_id, kind, name, created_at) VALUES ({cid}, {uid}, 'CONTACT', 'A contact', {})",
        t.t0_literal()
    ))
    .await;
    let del = scim(&t, Method::DELETE, &path, Some(&token), None).await;
    assert_eq!((del.status, &del.body), (StatusCode::NO_CONTENT, &Value::Null));
    assert_eq!(scim(&t, Method::GET, &path, Some(&token), None).await.status, StatusCode::NOT_FOUND);
    let kept = t.rows("SELECT owner_id FROM assets").await;
    assert_eq!(kept.len(), 1, "R25: the asset is kept");
    assert_eq!(kept[0].try_get::<Option<i64>>("", "owner_id").unwrap(), None, "left without an owner");
    let actions = audit_actions(&t, &client, &owner.who).await;
    for a in ["scim.user_updated", "scim.user_deactivated", "scim.user_reactivated", "scim.user_deleted"] {
        assert!(actions.contains(&a.to_string()), "{a}: {actions:?}");
    }
}

#[tokio::test]
async fn lists_are_filtered_and_paged_with_their_total() {
    // R44
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (_, _, token) = provisioned(&w).await;
    for i in 0..5 {
        let email = format!("user{i}@{}", w.domain("client"));
        let a = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user(&format!("User{i}"), &email))).await;
        assert_eq!(a.status, StatusCode::CREATED);
    }

    let page = scim(&t, Method::GET, "/Users?startIndex=3&count=2", Some(&token), None).await;
    assert_eq!(page.body["totalResults"], json!(6), "{:?}", page.body);
    assert_eq!((page.body["startIndex"].as_u64(), page.body["itemsPerPage"].as_u64()), (Some(3), Some(2)));
    let names: Vec<&str> =
        page.body["Resources"].as_array().unwrap().iter().map(|u| u["userName"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["User1", "User2"]);

    let eq = scim(&t, Method::GET, "/Users?filter=userName%20eq%20%22user3%22", Some(&token), None).await;
    assert_eq!(eq.body["totalResults"], json!(1), "case-insensitive: {:?}", eq.body);
    let sw = scim(
        &t,
        Method::GET,
        "/Users?filter=userName%20sw%20%22User%22%20and%20active%20eq%20true&count=1",
        Some(&token),
        None,
    )
    .await;
    assert_eq!((sw.body["totalResults"].as_u64(), sw.body["Resources"].as_array().map(Vec::len)), (Some(5), Some(1)));
    let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "emails co \"user4\"", "attributes": ["userName"]});
    let s = scim(&t, Method::POST, "/Users/.search", Some(&token), Some(search)).await;
    assert_eq!(s.body["totalResults"], json!(1), "{:?}", s.body);
    assert_eq!(s.body["Resources"][0].as_object().map(|o| o.contains_key("emails")), Some(false));
    let bad = scim(&t, Method::GET, "/Users?filter=title%20gt%20%22x%22", Some(&token), None).await;
    assert_eq!((bad.status, &bad.body["scimType"]), (StatusCode::BAD_REQUEST, &json!("invalidFilter")));
}

#[tokio::test]
async fn discovery_says_what_is_supported() {
    // R44
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (_, _, token) = provisioned(&w).await;

    let spc = scim(&t, Method::GET, "/ServiceProviderConfig", Some(&token), None).await;
    assert_eq!(spc.status, StatusCode::OK);
    assert_eq!(spc.body["patch"]["supported"], json!(true));
    assert_eq!(spc.body["bulk"]["supported"], json!(false));
    assert_eq!(spc.body["filter"]["maxResults"], json!(100));
    let types = scim(&t, Method::GET, "/ResourceTypes", Some(&token), None).await;
    assert_eq!(types.body["Resources"][0]["schema"], json!(USER_SCHEMA));
    let schemas = scim(&t, Method::GET, "/Schemas", Some(&token), None).await;
    assert_eq!(schemas.body["Resources"][0]["id"], json!(USER_SCHEMA));
    let nowhere = scim(&t, Method::GET, "/Groups", Some(&token), None).await;
    assert_eq!((nowhere.status, &nowhere.body["status"]), (StatusCode::NOT_FOUND, &json!("404")));
    let post = scim(&t, Method::POST, "/ServiceProviderConfig", Some(&token), Some(json!({}))).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// The answer a client notices: status, `scimType` and `detail`.
fn refusal(a: &Answer) -> (StatusCode, Value, Value) {
    (a.status, a.body["scimType"].clone(), a.body["detail"].clone())
}

#[tokio::test]
async fn a_patch_with_too_many_emails_is_refused_as_a_create_or_a_replace_is_and_changes_nothing() {
    // R44: the limit of 10 addresses is the same whatever the verb, and is
    // read on the list as sent: a PATCH is not merged first (16,000
    // addresses once cost seconds of CPU before the refusal).
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (_, _, token) = provisioned(&w).await;
    let email = format!("ada@{}", w.domain("client"));
    let created = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user("ada", &email))).await;
    let path = format!("/Users/{}", created.body["id"].as_str().unwrap());
    let eleven_copies: Vec<Value> = (0..11).map(|_| json!({"value": email, "type": "work"})).collect();
    let many: Vec<Value> = (0..16_000).map(|i| json!({"value": format!("a{i}@{}", w.domain("client"))})).collect();

    for emails in [eleven_copies, many] {
        let mut document = new_user("ada", &email);
        document["emails"] = json!(emails);
        let put = scim(&t, Method::PUT, &path, Some(&token), Some(document.clone())).await;
        document["userName"] = json!("someone-else");
        let post = scim(&t, Method::POST, "/Users", Some(&token), Some(document)).await;
        assert_eq!(refusal(&post), refusal(&put), "{:?}", post.body);
        assert_eq!((put.status, &put.body["scimType"]), (StatusCode::BAD_REQUEST, &json!("invalidValue")));
        for ops in [
            json!([{"op": "add", "path": "emails", "value": emails}]),
            json!([{"op": "add", "value": {"emails": emails}}]),
            json!([{"op": "replace", "path": "emails", "value": emails}]),
        ] {
            let p = scim(&t, Method::PATCH, &path, Some(&token), Some(patch(ops))).await;
            assert_eq!(refusal(&p), refusal(&put), "{:?}", p.body);
        }
    }
    let unchanged = scim(&t, Method::GET, &path, Some(&token), None).await;
    assert_eq!(unchanged.body["emails"], created.body["emails"], "refused: nothing changed");
}

fn encode_filter(f: &str) -> String {
    f.replace('%', "%25").replace(' ', "%20").replace('"', "%22").replace('\0', "%00")
}

/// A filter sent both ways a client can: `GET /Users?filter=` and `POST /Users/.search`.
async fn filtered_both_ways(t: &TestApp, token: &str, filter: &str) -> [Answer; 2] {
    let listed = scim(t, Method::GET, &format!("/Users?filter={}", encode_filter(filter)), Some(token), None).await;
    let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": filter});
    let searched = scim(t, Method::POST, "/Users/.search", Some(token), Some(search)).await;
    [listed, searched]
}

#[tokio::test]
async fn a_filter_with_a_nul_byte_is_an_invalid_filter_on_every_database() {
    // R44: a refused filter is 400 invalidFilter on every database and path
    // (PostgreSQL once answered 500 for a NUL byte in a value)
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (_, _, token) = provisioned(&w).await;

    for filter in ["userName eq \"a\0b\"", "emails co \"\0\"", "displayName sw \"\\\0\"", "userName\0 pr"] {
        for a in filtered_both_ways(&t, &token, filter).await {
            let got = (a.status, &a.body["scimType"]);
            assert_eq!(got, (StatusCode::BAD_REQUEST, &json!("invalidFilter")), "{filter:?}: {:?}", a.body);
        }
    }
}

#[tokio::test]
async fn a_filter_of_more_than_ten_conditions_is_refused() {
    // R44: at most 10 conditions joined by `and`
    let t = TestApp::new().await;
    let w = World::new(&t);
    let (_, _, token) = provisioned(&w).await;
    let conditions = |n: usize| vec!["userName pr"; n].join(" and ");

    for a in filtered_both_ways(&t, &token, &conditions(11)).await {
        let got = (a.status, &a.body["scimType"]);
        assert_eq!(got, (StatusCode::BAD_REQUEST, &json!("invalidFilter")), "{:?}", a.body);
    }
    for a in filtered_both_ways(&t, &token, &conditions(10)).await {
        assert_eq!((a.status, &a.body["totalResults"]), (StatusCode::OK, &json!(1)), "{:?}", a.body);
    }
}

#[tokio::test]
async fn a_user_cannot_be_renamed_to_an_address_that_creating_one_is_refused_for() {
    // R44: a partner user's email (or another member's) answers 409
    // uniqueness on create, and the same on replace and patch
    let t = TestApp::new().await;
    let w = World::new(&t);
    let m = w.managed_client().await;
    let token = token_for(&t, &m.client, &m.owner.who).await;
    let email = format!("ada@{}", w.domain("client"));
    let created = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user("ada", &email))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let path = format!("/Users/{}", created.body["id"].as_str().unwrap());

    for taken in [&m.admin.email, &m.owner.email] {
        let create = scim(&t, Method::POST, "/Users", Some(&token), Some(new_user(taken, taken))).await;
        assert_eq!((create.status, &create.body["scimType"]), (StatusCode::CONFLICT, &json!("uniqueness")));
        for (method, body) in [
            (Method::PUT, new_user(taken, taken)),
            (Method::PUT, new_user(taken, &email)),
            (Method::PATCH, patch(json!([{"op": "replace", "path": "userName", "value": taken}]))),
            (
                Method::PATCH,
                patch(json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": taken}])),
            ),
            (Method::PATCH, patch(json!([{"op": "replace", "value": {"userName": taken.to_uppercase()}}]))),
        ] {
            let a = scim(&t, method.clone(), &path, Some(&token), Some(body.clone())).await;
            assert_eq!(
                (a.status, &a.body["scimType"]),
                (create.status, &create.body["scimType"]),
                "{method} {body}: {:?}",
                a.body
            );
        }
    }
    let unchanged = scim(&t, Method::GET, &path, Some(&token), None).await;
    assert_eq!(
        (&unchanged.body["userName"], &unchanged.body["emails"]),
        (&created.body["userName"], &created.body["emails"])
    );
}
