//! A test OpenID Connect issuer (R50) on a loopback port: discovery and
//! JWKS, with keys made in-process (Ed25519 and ECDSA P-256 by `ring`, RSA
//! by `rsa`) that the test adds, rotates and drops, and that can go down
//! (refuse connections) or hang (accept and never answer). It counts the
//! JWKS requests it answered, and can serve any bytes as its JWKS.
//!
//! R51: it is also an authorization server for one client
//! ([`CLIENT_ID`], [`CLIENT_SECRET`]): its authorization endpoint signs the
//! person the test chose ([`TestIssuer::sign_in_as`]) in without a screen
//! and redirects straight back with a code; its token endpoint checks the
//! client's credentials (HTTP Basic), the redirect URI and the PKCE
//! verifier (S256, required), takes each code once, and answers with an ID
//! token for the client carrying the request's nonce.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

/// The audience the test issuer's tokens name, as the server is told.
pub const AUDIENCE: &str = "cam-api";
/// R51: the one client of the authorization server.
pub const CLIENT_ID: &str = "cam-approval-page";
pub const CLIENT_SECRET: &str = "test-client-secret";

/// A code the authorization endpoint gave, until it is exchanged.
struct Grant {
    redirect_uri: String,
    nonce: Option<String>,
    challenge: String,
    email: String,
}

/// How the issuer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Up,
    /// Every request gets a 503.
    Failing,
    /// Requests are accepted and never answered.
    Hanging,
}

struct SigningKey {
    alg: Algorithm,
    encoding: EncodingKey,
    public: Value,
}

struct IssuerState {
    keys: BTreeMap<String, SigningKey>,
    published: Vec<String>,
    mode: Mode,
    jwks_fetches: usize,
    raw_jwks: Option<Vec<u8>>,
    next_kid: usize,
    /// Whom the authorization endpoint signs in; `None`: access denied.
    login: Option<String>,
    codes: HashMap<String, Grant>,
    /// A nonce put in ID tokens instead of the request's.
    nonce_override: Option<String>,
    /// Token requests answered, and refused.
    token_requests: usize,
    token_refusals: usize,
}

/// A running test issuer; stops when dropped.
pub struct TestIssuer {
    /// The issuer URL, `http://127.0.0.1:PORT`, also the tokens' `iss`.
    pub url: String,
    state: Arc<Mutex<IssuerState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestIssuer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One 2048-bit RSA key per test process: making one is slow.
fn rsa_key() -> &'static (Vec<u8>, Vec<u8>, Vec<u8>) {
    static KEY: OnceLock<(Vec<u8>, Vec<u8>, Vec<u8>)> = OnceLock::new();
    KEY.get_or_init(|| {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::traits::PublicKeyParts;
        let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("an RSA key");
        let der = key.to_pkcs1_der().expect("PKCS#1").as_bytes().to_vec();
        (der, key.n().to_bytes_be(), key.e().to_bytes_be())
    })
}

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn make_key(alg: Algorithm, kid: &str) -> SigningKey {
    let rng = SystemRandom::new();
    match alg {
        Algorithm::EdDSA => {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("an Ed25519 key");
            let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("Ed25519 pkcs8");
            SigningKey {
                alg,
                encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
                public: json!({"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": kid,
                               "x": b64(pair.public_key().as_ref())}),
            }
        }
        Algorithm::ES256 => {
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("a P-256 key");
            let pair =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).expect("P-256 pkcs8");
            // An uncompressed point: 0x04 || x || y.
            let point = pair.public_key().as_ref();
            SigningKey {
                alg,
                encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
                public: json!({"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
                               "x": b64(&point[1..33]), "y": b64(&point[33..65])}),
            }
        }
        Algorithm::RS256 => {
            let (der, n, e) = rsa_key();
            SigningKey {
                alg,
                encoding: EncodingKey::from_rsa_der(der),
                public: json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": b64(n), "e": b64(e)}),
            }
        }
        other => panic!("the test issuer makes no {other:?} keys"),
    }
}

async fn discovery(State(s): State<Shared>) -> Response {
    let (mode, url) = {
        let st = s.state.lock().unwrap();
        (st.mode, s.url.clone())
    };
    match answer(mode).await {
        Some(r) => r,
        None => axum::Json(json!({"issuer": url, "jwks_uri": format!("{url}/jwks"),
                                  "authorization_endpoint": format!("{url}/authorize"),
                                  "token_endpoint": format!("{url}/token"),
                                  "response_types_supported": ["code"],
                                  "subject_types_supported": ["public"],
                                  "code_challenge_methods_supported": ["S256"],
                                  "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                                  "scopes_supported": ["openid", "email", "profile"],
                                  "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"]}))
        .into_response(),
    }
}

async fn jwks(State(s): State<Shared>) -> Response {
    let mode = s.state.lock().unwrap().mode;
    if let Some(r) = answer(mode).await {
        return r;
    }
    let mut st = s.state.lock().unwrap();
    st.jwks_fetches += 1;
    if let Some(raw) = &st.raw_jwks {
        return ([("content-type", "application/json")], raw.clone()).into_response();
    }
    let keys: Vec<Value> = st.published.iter().filter_map(|k| st.keys.get(k)).map(|k| k.public.clone()).collect();
    axum::Json(json!({ "keys": keys })).into_response()
}

/// `location` with these query parameters added.
fn with_query(location: &str, params: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(location).expect("a redirect URI");
    for (k, v) in params {
        url.query_pairs_mut().append_pair(k, v);
    }
    url.to_string()
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_string())]).into_response()
}

/// R51: the authorization endpoint, with no screen: the person chosen by
/// the test is signed in at once and sent back with a code.
async fn authorize(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).cloned();
    if get("client_id").as_deref() != Some(CLIENT_ID) {
        return (StatusCode::BAD_REQUEST, "unknown client").into_response();
    }
    let Some(redirect_uri) = get("redirect_uri") else {
        return (StatusCode::BAD_REQUEST, "no redirect_uri").into_response();
    };
    let state = get("state").unwrap_or_default();
    let scopes = get("scope").unwrap_or_default();
    let pkce = get("code_challenge_method").as_deref() == Some("S256") && get("code_challenge").is_some();
    if get("response_type").as_deref() != Some("code") || !scopes.split(' ').any(|x| x == "openid") || !pkce {
        return redirect(&with_query(&redirect_uri, &[("error", "invalid_request"), ("state", &state)]));
    }
    let mut st = s.state.lock().unwrap();
    let Some(email) = st.login.clone() else {
        return redirect(&with_query(&redirect_uri, &[("error", "access_denied"), ("state", &state)]));
    };
    let code = b64(&rand::random::<[u8; 24]>());
    let challenge = get("code_challenge").unwrap_or_default();
    st.codes.insert(code.clone(), Grant { redirect_uri: redirect_uri.clone(), nonce: get("nonce"), challenge, email });
    redirect(&with_query(&redirect_uri, &[("code", &code), ("state", &state)]))
}

fn token_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({ "error": error }))).into_response()
}

/// The client of an HTTP Basic `Authorization` header (RFC 6749 2.3.1).
fn basic_client(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::engine::general_purpose::STANDARD;
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(v).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape =
        |x: &str| url::form_urlencoded::parse(format!("x={x}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Some((unescape(id)?, unescape(secret)?))
}

/// R51: the token endpoint: client credentials, single-use codes, the
/// redirect URI and the PKCE verifier checked; an ID token for the client.
async fn token(State(s): State<Shared>, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    use sha2::Digest;
    let mut st = s.state.lock().unwrap();
    st.token_requests += 1;
    if basic_client(&headers) != Some((CLIENT_ID.to_string(), CLIENT_SECRET.to_string())) {
        st.token_refusals += 1;
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if f.get("grant_type").map(String::as_str) != Some("authorization_code") {
        st.token_refusals += 1;
        return token_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    // Each code once, whatever happens next.
    let Some(grant) = f.get("code").and_then(|c| st.codes.remove(c)) else {
        st.token_refusals += 1;
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let verifier = f.get("code_verifier").cloned().unwrap_or_default();
    let pkce_ok = b64(&sha2::Sha256::digest(verifier.as_bytes())) == grant.challenge;
    if f.get("redirect_uri") != Some(&grant.redirect_uri) || !pkce_ok {
        st.token_refusals += 1;
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let Some(kid) = st.published.first().cloned() else {
        return token_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error");
    };
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({"iss": s.url, "aud": CLIENT_ID, "sub": format!("sub-{}", grant.email),
                            "email": grant.email, "email_verified": true, "iat": now, "exp": now + 300});
    if let Some(n) = st.nonce_override.clone().or(grant.nonce) {
        claims["nonce"] = json!(n);
    }
    let key = &st.keys[&kid];
    let mut header = Header::new(key.alg);
    header.kid = Some(kid.clone());
    let id_token = jsonwebtoken::encode(&header, &claims, &key.encoding).expect("sign");
    axum::Json(json!({"access_token": b64(&rand::random::<[u8; 24]>()), "token_type": "Bearer",
                      "expires_in": 300, "id_token": id_token}))
    .into_response()
}

/// `None` when up; else the failure (or a wait forever).
async fn answer(mode: Mode) -> Option<Response> {
    match mode {
        Mode::Up => None,
        Mode::Failing => Some(StatusCode::SERVICE_UNAVAILABLE.into_response()),
        Mode::Hanging => std::future::pending().await,
    }
}

#[derive(Clone)]
struct Shared {
    state: Arc<Mutex<IssuerState>>,
    url: String,
}

impl TestIssuer {
    /// Starts an issuer with no key.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the issuer");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let state = Arc::new(Mutex::new(IssuerState {
            keys: BTreeMap::new(),
            published: Vec::new(),
            mode: Mode::Up,
            jwks_fetches: 0,
            raw_jwks: None,
            next_kid: 1,
            login: None,
            codes: HashMap::new(),
            nonce_override: None,
            token_requests: 0,
            token_refusals: 0,
        }));
        let shared = Shared { state: state.clone(), url: url.clone() };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(shared);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, state, task }
    }

    /// `CAM_OIDC_ISSUERS` for this issuer speaking for `domains`.
    pub fn setting(&self, domains: &[&str]) -> String {
        format!("{} {AUDIENCE} {}", self.url, domains.join(" "))
    }

    /// Makes a key and publishes it; its `kid`.
    pub fn add_key(&self, alg: Algorithm) -> String {
        let kid = self.secret_key(alg);
        self.state.lock().unwrap().published.push(kid.clone());
        kid
    }

    /// Makes a key the issuer signs with but never publishes; its `kid`.
    pub fn secret_key(&self, alg: Algorithm) -> String {
        let mut st = self.state.lock().unwrap();
        let kid = format!("key-{}", st.next_kid);
        st.next_kid += 1;
        st.keys.insert(kid.clone(), make_key(alg, &kid));
        kid
    }

    /// Stops publishing a key (it can still sign).
    pub fn drop_key(&self, kid: &str) {
        self.state.lock().unwrap().published.retain(|k| k != kid);
    }

    pub fn set_mode(&self, mode: Mode) {
        self.state.lock().unwrap().mode = mode;
    }

    /// Serves these bytes as the JWKS document from now on.
    pub fn serve_raw_jwks(&self, raw: Vec<u8>) {
        self.state.lock().unwrap().raw_jwks = Some(raw);
    }

    /// How many times the JWKS document was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.state.lock().unwrap().jwks_fetches
    }

    /// The usual claims of an ID token for `email`, valid for five minutes
    /// of real time (tokens are checked against real time, R35).
    pub fn claims(&self, email: &str) -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({"iss": self.url, "aud": AUDIENCE, "sub": format!("sub-{email}"), "email": email,
               "email_verified": true, "iat": now, "nbf": now - 1, "exp": now + 300})
    }

    /// `claims` signed with key `kid`.
    pub fn sign(&self, kid: &str, claims: &Value) -> String {
        let mut header = Header::new(self.state.lock().unwrap().keys[kid].alg);
        header.kid = Some(kid.to_string());
        self.sign_with_header(kid, header, claims)
    }

    /// `claims` signed with key `kid` under this header.
    pub fn sign_with_header(&self, kid: &str, header: Header, claims: &Value) -> String {
        let st = self.state.lock().unwrap();
        jsonwebtoken::encode(&header, claims, &st.keys[kid].encoding).expect("sign")
    }

    /// A token for `email` signed with key `kid`.
    pub fn token(&self, kid: &str, email: &str) -> String {
        self.sign(kid, &self.claims(email))
    }

    /// R51: the person the authorization endpoint signs in from now on
    /// (`None`: it answers `access_denied`).
    pub fn sign_in_as(&self, email: Option<&str>) {
        self.state.lock().unwrap().login = email.map(String::from);
    }

    /// R51: ID tokens carry this nonce instead of the request's.
    pub fn tamper_nonce(&self, nonce: &str) {
        self.state.lock().unwrap().nonce_override = Some(nonce.to_string());
    }

    /// R51: (token requests answered, of which refused).
    pub fn token_requests(&self) -> (usize, usize) {
        let st = self.state.lock().unwrap();
        (st.token_requests, st.token_refusals)
    }

    /// The public JWK of key `kid`.
    pub fn public_jwk(&self, kid: &str) -> Value {
        self.state.lock().unwrap().keys[kid].public.clone()
    }
}
