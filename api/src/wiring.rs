//! Wiring: concrete adapters into the domain's ports, the only place that
//! sees both. Storage: `SeaOrmStore` (SQLite or PostgreSQL); clock:
//! `SystemClock` or `TestClock` (R35); domain verification:
//! `DbDomainVerifier` (R4); link and SCIM token hashing:
//! `Sha256LinkTokens`; bearer tokens: `JwtIdentity` with the trusted
//! OpenID Connect issuers (`OidcIssuers`, R50); domain proofs:
//! `HickoryTxtLookup` (R52); browser sign-in: `OidcSignIn` (R51); email: written by `FluentEmails` (R55, R56),
//! sent by `SmtpMailer` driven by the outbox `Dispatcher` (R42).

use std::sync::Arc;

use cam_adapters::clock::{SystemClock, TestClock};
use cam_adapters::identity::{
    DbDomainVerifier, HickoryTxtLookup, IssuerSettings, JwtIdentity, OidcIssuers, OidcSignIn, Sha256LinkTokens,
    SignInSettings,
};
use cam_adapters::notify::{Dispatcher, FluentEmails, SmtpMailer, SmtpSettings};
use cam_adapters::storage::SeaOrmStore;
use cam_domain::account::model::AccountKind;
use cam_domain::app::Ports;
use cam_domain::identity::IdentityProvider;
use cam_domain::session::ports::SignInProvider;
use cam_domain::{AccountId, Cam, CamConfig, Clock};

use crate::graphql::ids::{encode, Kind};
use crate::graphql::{build_schema, CamSchema};
use crate::metrics::Metrics;

/// Everything a request needs, shared: axum clones its state for every
/// request and every layer that reads it, and one `Arc` is one counter to
/// move (the parts cloned apart were about eighty, most of them the
/// services of `Cam`, written by every request on both threads).
pub type App = Arc<Parts>;

/// What `App` shares.
pub struct Parts {
    pub schema: CamSchema,
    pub cam: Cam,
    pub identity: Arc<dyn IdentityProvider>,
    pub store: Arc<SeaOrmStore>,
    pub metrics: Arc<Metrics>,
    /// The hub of live subscriptions (R43).
    pub live: Arc<crate::live::Live>,
    /// Documents of automatic persisted queries, by SHA-256 (APQ).
    pub persisted: async_graphql::extensions::apollo_persisted_queries::LruCacheStorage,
    /// Documents that passed the guard, parsed once (`guard::Documents`).
    pub documents: Arc<crate::graphql::guard::Documents>,
}

pub struct Settings {
    pub jwt_secret: Option<String>,
    pub operator_token: Option<String>,
    pub public_url: String,
    pub link_ttl_days: i64,
    pub test_clock: bool,
    /// R56: base URL of the frontend app that emails link to (`CAM_APP_URL`).
    pub app_url: Option<String>,
    /// R50: trusted OpenID Connect issuers (`CAM_OIDC_ISSUERS`).
    pub oidc_issuers: Vec<IssuerSettings>,
    /// R52: the DNS server of domain proofs (`CAM_DNS_RESOLVER`); `None`:
    /// the system's.
    pub dns_resolver: Option<std::net::SocketAddr>,
    /// Introspection and field suggestions (`CAM_GRAPHQL_INTROSPECTION`).
    pub introspection: bool,
    /// R51: the OIDC client the approval page signs people in with
    /// (`CAM_OIDC_CLIENT_ID`, `CAM_OIDC_CLIENT_SECRET`, at
    /// `CAM_OIDC_LOGIN_ISSUER` or the first issuer); `None`: the page keeps
    /// its development token field.
    pub sign_in: Option<SignInClient>,
}

/// R51: the approval page's OIDC client.
#[derive(Clone)]
pub struct SignInClient {
    /// The entry of `CAM_OIDC_ISSUERS` it signs in at.
    pub issuer: IssuerSettings,
    pub client_id: String,
    pub client_secret: String,
}

impl SignInClient {
    /// The client of these settings: at `login_issuer` (which must be one
    /// of `issuers`) or the first of `issuers`. `None` without a client id.
    /// Errors: what is missing or wrong, for the operator (never the secret).
    pub fn choose(
        issuers: &[IssuerSettings],
        client_id: Option<&str>,
        client_secret: Option<&str>,
        login_issuer: Option<&str>,
    ) -> Result<Option<Self>, String> {
        let client_id = client_id.map(str::trim).filter(|c| !c.is_empty());
        let client_secret = client_secret.filter(|c| !c.is_empty());
        let Some(client_id) = client_id else {
            return match (client_secret, login_issuer) {
                (None, None) => Ok(None),
                _ => Err("CAM_OIDC_CLIENT_ID is needed with CAM_OIDC_CLIENT_SECRET or CAM_OIDC_LOGIN_ISSUER".into()),
            };
        };
        let Some(client_secret) = client_secret else {
            return Err("CAM_OIDC_CLIENT_SECRET is needed with CAM_OIDC_CLIENT_ID".into());
        };
        let issuer = match login_issuer {
            Some(wanted) => issuers
                .iter()
                .find(|i| i.issuer == wanted)
                .ok_or_else(|| format!("CAM_OIDC_LOGIN_ISSUER {wanted:?} is not one of CAM_OIDC_ISSUERS"))?,
            None => issuers.first().ok_or("CAM_OIDC_CLIENT_ID needs an issuer in CAM_OIDC_ISSUERS")?,
        };
        Ok(Some(Self {
            issuer: issuer.clone(),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
        }))
    }
}

/// R56: an account's GraphQL global id, as emails link with it.
fn account_global_id(kind: AccountKind, id: AccountId) -> String {
    let kind = match kind {
        AccountKind::Partner => Kind::PartnerAccount,
        AccountKind::Client => Kind::ClientAccount,
    };
    encode(kind, id.get()).0
}

/// Why the app could not be wired.
#[derive(Debug, thiserror::Error)]
pub enum WiringError {
    #[error("cannot register the metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("{0}")]
    Adapter(String),
}

/// Errors: the metrics could not be registered, an adapter could not be
/// built.
pub fn build(store: Arc<SeaOrmStore>, settings: &Settings, clock: Option<Arc<dyn Clock>>) -> Result<App, WiringError> {
    build_with(store, settings, clock, crate::live::LiveLimits::default())
}

/// As `build`, with these limits of live subscriptions (R43).
/// Errors: as `build`.
pub fn build_with(
    store: Arc<SeaOrmStore>,
    settings: &Settings,
    clock: Option<Arc<dyn Clock>>,
    live_limits: crate::live::LiveLimits,
) -> Result<App, WiringError> {
    let clock: Arc<dyn Clock> = clock.unwrap_or_else(|| {
        if settings.test_clock {
            Arc::new(TestClock::new(chrono::Utc::now()))
        } else {
            Arc::new(SystemClock)
        }
    });
    let config = CamConfig {
        link_ttl_days: settings.link_ttl_days,
        public_url: settings.public_url.trim_end_matches('/').to_string(),
        test_clock: settings.test_clock,
    };
    let issuers = OidcIssuers::new(settings.oidc_issuers.clone(), clock.clone()).map_err(WiringError::Adapter)?;
    let identity =
        JwtIdentity::new(settings.jwt_secret.as_deref(), settings.operator_token.as_deref()).with_issuers(issuers);
    let dns = HickoryTxtLookup::new(settings.dns_resolver).map_err(WiringError::Adapter)?;
    let emails =
        Arc::new(FluentEmails::new(settings.app_url.as_deref(), account_global_id).map_err(WiringError::Adapter)?);
    let sign_in: Option<Arc<dyn SignInProvider>> = match &settings.sign_in {
        Some(client) => Some(Arc::new(
            OidcSignIn::new(SignInSettings {
                issuer: client.issuer.clone(),
                client_id: client.client_id.clone(),
                client_secret: client.client_secret.clone(),
                redirect_uri: format!("{}/auth/callback", config.public_url),
            })
            .map_err(WiringError::Adapter)?,
        )),
        None => None,
    };
    let cam = Cam::new(Ports {
        store: store.clone(),
        clock,
        verifier: Arc::new(DbDomainVerifier),
        tokens: Arc::new(Sha256LinkTokens),
        emails,
        config,
        dns: Arc::new(dns),
        sign_in,
    });
    let live = Arc::new(crate::live::Live::new(live_limits));
    let persisted =
        async_graphql::extensions::apollo_persisted_queries::LruCacheStorage::new(crate::graphql::PERSISTED_QUERIES);
    Ok(Arc::new(Parts {
        schema: build_schema(cam.clone(), live.clone(), settings.introspection),
        live,
        persisted,
        documents: Arc::default(),
        cam,
        identity: Arc::new(identity),
        store,
        metrics: Arc::new(Metrics::new()?),
    }))
}

/// The SMTP mailer of these settings. Errors: a message for the operator
/// (never the URL: it may carry a password).
pub fn mailer(smtp_url: &str, from: &str) -> Result<SmtpMailer, String> {
    let settings = SmtpSettings::parse(smtp_url).map_err(|e| format!("CAM_SMTP_URL {e}"))?;
    SmtpMailer::new(&settings, from)
}

/// Starts the dispatcher over the store, on real time.
pub fn start_dispatcher(store: Arc<SeaOrmStore>, mailer: SmtpMailer) -> tokio::task::JoinHandle<()> {
    let d = Dispatcher::new(store, Arc::new(mailer), Arc::new(SystemClock));
    tokio::spawn(d.run(crate::scheduler::POLL_OUTBOX_EVERY))
}
