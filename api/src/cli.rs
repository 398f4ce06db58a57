//! The `cam` command line: `serve`, `migrate`, `schema`, `token` (RUNNING.md).

use std::process::ExitCode;
use std::sync::Arc;

use crate::config::{check_database_url, redact, Cli, Command, LimitArgs, LogFormat, ServeArgs, TokenArgs};
use crate::wiring::{build_with, Settings};
use crate::{demo, graphql, http, scheduler, server, wiring};
use cam_adapters::identity::JwtIdentity;
use cam_adapters::storage::{PoolSettings, SeaOrmStore};
use cam_domain::identity::IdentityProvider;
use clap::Parser;
use rand::RngCore;
use tracing_subscriber::EnvFilter;

fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Why `cam` stopped; each kind has its exit code (README, "Exit codes").
#[derive(Debug)]
enum Failure {
    /// Exit 2 (as clap's own refusals): a setting is wrong.
    Settings(String),
    /// Exit 3: the database cannot be reached or migrated.
    Database(String),
    /// Exit 1: anything else.
    Other(String),
}

impl Failure {
    fn code(&self) -> u8 {
        match self {
            Self::Other(_) => 1,
            Self::Settings(_) => 2,
            Self::Database(_) => 3,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Settings(m) | Self::Database(m) | Self::Other(m) => f.write_str(m),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Self::Other(format!("{e:#}"))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::Other(e.to_string())
    }
}

/// Connects and migrates; every failure names the database (never its
/// password) and says its cause once.
async fn open_database(url: &str, pool: &PoolSettings) -> Result<SeaOrmStore, Failure> {
    check_database_url(url).map_err(Failure::Settings)?;
    let at = redact(url);
    let store = SeaOrmStore::connect_with(url, pool)
        .await
        .map_err(|e| Failure::Database(format!("cannot reach the database at {at}: {e}")))?;
    store.migrate().await.map_err(|e| Failure::Database(format!("cannot migrate the database at {at}: {e}")))?;
    Ok(store)
}

/// What `serve` reads from its settings before anything is touched: each
/// checked, a wrong one refused (exit 2).
struct Checked {
    /// R50: the trusted issuers.
    oidc_issuers: Vec<cam_adapters::identity::IssuerSettings>,
    /// R51: the approval page's OIDC client.
    sign_in: Option<wiring::SignInClient>,
    cors_origins: Vec<axum::http::HeaderValue>,
    /// R42: the mailer, when an SMTP server is set.
    mailer: Option<cam_adapters::notify::SmtpMailer>,
}

/// Every setting was parsed and checked by clap (the database URL here,
/// so that no message repeats its password); the issuers, the sign-in
/// client, the origins and the SMTP settings are read here.
fn check(args: &ServeArgs) -> Result<Checked, Failure> {
    check_database_url(&args.database.database_url).map_err(Failure::Settings)?;
    let oidc_issuers = cam_adapters::identity::parse_issuers(args.oidc_issuers.as_deref().unwrap_or_default())
        .map_err(|e| Failure::Settings(format!("CAM_OIDC_ISSUERS: {e}")))?;
    let sign_in = wiring::SignInClient::choose(
        &oidc_issuers,
        args.oidc_client_id.as_deref(),
        args.oidc_client_secret.as_deref(),
        args.oidc_login_issuer.as_deref(),
    )
    .map_err(Failure::Settings)?;
    let cors_origins =
        crate::cors::parse_origins(args.cors_origins.as_deref().unwrap_or_default()).map_err(Failure::Settings)?;
    let mailer = match &args.smtp_url {
        Some(url) => {
            let public = args.public_url.clone().unwrap_or_else(|| format!("http://{}", args.listen));
            let from = args.smtp_from.clone().unwrap_or_else(|| scheduler::default_from(&public));
            Some(wiring::mailer(url, &from).map_err(Failure::Settings)?)
        }
        None => None,
    };
    Ok(Checked { oidc_issuers, sign_in, cors_origins, mailer })
}

fn pool_settings(l: &LimitArgs) -> PoolSettings {
    PoolSettings {
        max_connections: l.db_pool_size,
        acquire_timeout: l.db_acquire_timeout,
        lock_timeout: l.db_lock_timeout,
        statement_timeout: l.db_statement_timeout,
        ..PoolSettings::default()
    }
}

fn live_limits(l: &LimitArgs) -> crate::live::LiveLimits {
    crate::live::LiveLimits {
        max_connections: l.max_ws_connections as usize,
        max_pending: l.max_ws_pending as usize,
        max_per_user: l.max_ws_per_user as usize,
        max_operations_per_connection: l.max_ws_operations as usize,
        init_timeout: l.ws_init_timeout,
        ..crate::live::LiveLimits::default()
    }
}

fn server_limits(l: &LimitArgs) -> server::ServerLimits {
    server::ServerLimits {
        max_connections: l.max_connections as usize,
        header_timeout: l.header_timeout,
        body_timeout: l.body_timeout,
        drain_deadline: l.drain_timeout,
    }
}

/// The token secret and the operator token: as set, or for the demo the
/// ones kept with its database (so that the printed tokens keep working
/// when the demo is started again on it).
async fn secrets(args: &ServeArgs, store: &Arc<SeaOrmStore>) -> Result<(Option<String>, Option<String>), Failure> {
    let mut jwt_secret = args.jwt_secret.clone().filter(|s| !s.is_empty());
    let mut operator_token = args.operator_token.clone().filter(|s| !s.is_empty());
    if args.demo {
        let kept = |name: &'static str, make: fn() -> String| {
            let store = store.clone();
            async move {
                store
                    .setting_or_insert(name, make)
                    .await
                    .map_err(|e| Failure::Database(format!("cannot keep the demo's {name}: {e}")))
            }
        };
        if jwt_secret.is_none() {
            jwt_secret = Some(kept("demo_jwt_secret", random_secret).await?);
        }
        if operator_token.is_none() {
            let t = kept("demo_operator_token", || format!("op-{}", random_secret())).await?;
            println!("Demo operator token: {t}");
            operator_token = Some(t);
        }
    }
    Ok((jwt_secret, operator_token))
}

/// What an operator should know of these settings.
fn warn_of(args: &ServeArgs, settings: &Settings, mailer: Option<&cam_adapters::notify::SmtpMailer>) {
    if settings.jwt_secret.is_none() {
        tracing::warn!("CAM_JWT_SECRET is not set: user tokens are refused");
    }
    if args.test_clock {
        tracing::warn!("test-clock mode: the operator can set the time (never in production)");
    }
    // Nothing marks an email sent that did not leave: without an SMTP
    // server, every email stays QUEUED in the outbox.
    if mailer.is_none() {
        tracing::warn!("CAM_SMTP_URL is not set: emails stay queued in the outbox");
    }
}

/// On every start of the demo, a link to open: the one just loaded, the
/// one printed last time while it can still be approved, or a fresh one.
/// Like the demo's token secret, its token is kept with the demo database
/// (only a hash of it in the links themselves, R8).
async fn announce_demo(app: &wiring::App, store: &SeaOrmStore) -> Result<(), Failure> {
    const KEPT_LINK: &str = "demo_access_link_token";
    let pending = if store.is_empty().await.map_err(|e| Failure::Other(e.to_string()))? {
        let token = demo::load(&app.cam).await?;
        println!("Loaded the demo data set.");
        Some(token)
    } else {
        let kept = store.setting(KEPT_LINK).await.map_err(|e| Failure::Database(e.to_string()))?;
        // The demo's worker may have been changed meanwhile (no longer
        // eligible, R5): the server starts all the same.
        demo::pending_link(&app.cam, kept).await.unwrap_or_else(|e| {
            tracing::warn!(error = %format!("{e:#}"), "could not make a fresh demo access link");
            None
        })
    };
    match pending {
        Some(token) => {
            store.put_setting(KEPT_LINK, &token).await.map_err(|e| Failure::Database(e.to_string()))?;
            let url = demo::link_url(&app.cam, &token);
            println!("A pending access link (open it, sign in as a client admin, approve or decline): {url}");
        }
        None => println!(
            "No pending access link to print: this database holds no demo data, or its worker cannot have a link."
        ),
    }
    demo::print_tokens(app.identity.as_ref());
    Ok(())
}

/// `cam serve`: the settings checked, the address bound before the
/// database is touched, the app wired, then served until SIGTERM and
/// drained.
async fn serve(args: ServeArgs) -> Result<(), Failure> {
    let Checked { oidc_issuers, sign_in, cors_origins, mailer } = check(&args)?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| Failure::Settings(format!("cannot listen on {:?}: {e}", args.listen)))?;
    let addr = listener.local_addr()?;
    let l = &args.limits;
    let store = Arc::new(open_database(&args.database.database_url, &pool_settings(l)).await?);
    let (jwt_secret, operator_token) = secrets(&args, &store).await?;
    let settings = Settings {
        jwt_secret,
        operator_token,
        public_url: args.public_url.clone().unwrap_or_else(|| format!("http://{addr}")),
        link_ttl_days: args.link_ttl_days,
        test_clock: args.test_clock,
        app_url: args.app_url.clone(),
        oidc_issuers,
        dns_resolver: args.dns_resolver,
        introspection: args.introspection || args.demo,
        sign_in,
    };
    warn_of(&args, &settings, mailer.as_ref());
    let app = build_with(store.clone(), &settings, None, live_limits(l)).map_err(|e| Failure::Other(e.to_string()))?;
    // One source of committed audit events per server (PostgreSQL: one
    // dedicated LISTEN connection), fanned out by the hub (R43).
    let events = store
        .committed_events()
        .await
        .map_err(|e| Failure::Database(format!("cannot listen for audit events: {e}")))?;
    tokio::spawn(app.live.clone().run(app.cam.clone(), events));
    if args.demo {
        announce_demo(&app, &store).await?;
    }
    // R36, R42: the sweep and the dispatcher run beside the server and
    // stop with it (a claim that is cut short runs out and is taken again).
    let sweeper = tokio::spawn(scheduler::sweep_forever(app.cam.clone(), scheduler::SWEEP_EVERY));
    let dispatcher = mailer.map(|m| wiring::start_dispatcher(store.clone(), m));
    println!("listening on http://{addr}");
    println!("playground: http://{addr}/graphql");
    let limits = server_limits(l);
    let options = http::HttpOptions { cors_origins };
    let live = app.live.clone();
    let served = server::serve(listener, http::router_with(app, &options), limits, shutdown_signal()).await;
    // WebSocket connections left HTTP when they upgraded: close them (1001)
    // and let them finish within the same deadline.
    if tokio::time::timeout(limits.drain_deadline, live.close_connections()).await.is_err() {
        tracing::warn!("drain deadline passed: dropping the remaining WebSocket connections");
    }
    sweeper.abort();
    if let Some(d) = dispatcher {
        d.abort();
    }
    served?;
    tracing::info!("drained in-flight requests; bye");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn token(args: TokenArgs) -> anyhow::Result<()> {
    let email = cam_domain::user::model::Email::parse(&args.email).map_err(anyhow::Error::msg)?;
    let identity = JwtIdentity::new(args.jwt_secret.as_deref(), None);
    let t = identity.issue(&email, args.ttl_hours * 3600).map_err(|e| anyhow::anyhow!("{e}: set CAM_JWT_SECRET"))?;
    println!("{t}");
    Ok(())
}

/// Logs to stderr: text (colours only on a terminal) or one JSON object a
/// line, each line with the fields of its spans (the request id).
fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

/// Parses the command line and runs the command; the exit code says how it
/// went (0 done, 1 failed, 2 a wrong setting, 3 the database).
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let result = match cli.command {
        Command::Serve(args) => serve(*args).await,
        Command::Migrate(db) => open_database(&db.database_url, &PoolSettings::default()).await.map(|_| {
            println!("migrations applied");
        }),
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Token(args) => token(args).map_err(Failure::from),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cam: {e}");
            ExitCode::from(e.code())
        }
    }
}
