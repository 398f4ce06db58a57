//! A test OpenID Connect issuer (R50) on a loopback port: discovery and
//! JWKS, with keys made in-process (Ed25519 and ECDSA P-256 by `ring`, RSA
//! by `rsa`) that the test adds, rotates and drops, and that can go down
//! (refuse connections) or hang (accept and never answer). It counts the
//! JWKS requests it answered, and can serve any bytes as its JWKS.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

/// The audience the test issuer's tokens name, as the server is told.
pub const AUDIENCE: &str = "cam-api";

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
        }));
        let shared = Shared { state: state.clone(), url: url.clone() };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
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

    /// The public JWK of key `kid`.
    pub fn public_jwk(&self, kid: &str) -> Value {
        self.state.lock().unwrap().keys[kid].public.clone()
    }
}
