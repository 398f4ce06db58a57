//! The `cam` command line: `serve`, `migrate`, `schema`, `token` (RUNNING.md).

use std::process::ExitCode;
use std::sync::Arc;

use crate::config::{Cli, Command, ServeArgs, TokenArgs};
use crate::wiring::{build, Settings};
use crate::{demo, graphql, http, server};
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

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // A wrong address is said before the database is touched.
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {:?}: {e}", args.listen))?;
    let addr = listener.local_addr()?;
    let l = &args.limits;
    let pool = PoolSettings {
        max_connections: l.db_pool_size,
        acquire_timeout: l.db_acquire_timeout,
        lock_timeout: l.db_lock_timeout,
        statement_timeout: l.db_statement_timeout,
        ..PoolSettings::default()
    };
    let store = Arc::new(SeaOrmStore::connect_with(&args.database.database_url, &pool).await?);
    store.migrate().await?;
    let mut jwt_secret = args.jwt_secret.clone().filter(|s| !s.is_empty());
    let mut operator_token = args.operator_token.clone().filter(|s| !s.is_empty());
    if args.demo {
        if jwt_secret.is_none() {
            jwt_secret = Some(random_secret());
        }
        if operator_token.is_none() {
            let t = format!("op-{}", random_secret());
            println!("Demo operator token: {t}");
            operator_token = Some(t);
        }
    }
    if jwt_secret.is_none() {
        tracing::warn!("CAM_JWT_SECRET is not set: user tokens are refused");
    }
    if args.test_clock {
        tracing::warn!("test-clock mode: the operator can set the time (never in production)");
    }
    // Nothing marks an email sent that did not leave: until SMTP delivery is
    // built, every email stays QUEUED in the outbox.
    if args.smtp_url.is_some() {
        tracing::warn!("CAM_SMTP_URL is set, but SMTP delivery is not built yet: emails stay queued in the outbox");
    }
    let settings = Settings {
        jwt_secret,
        operator_token,
        public_url: args.public_url.clone().unwrap_or_else(|| format!("http://{addr}")),
        link_ttl_days: args.link_ttl_days,
        test_clock: args.test_clock,
    };
    let app = build(store.clone(), &settings, None);
    if args.demo {
        if store.is_empty().await? {
            demo::load(&app.cam).await?;
            println!("Loaded the demo data set.");
        }
        demo::print_tokens(app.identity.as_ref());
    }
    println!("listening on http://{addr}");
    println!("playground: http://{addr}/graphql");
    let limits = server::ServerLimits {
        max_connections: l.max_connections as usize,
        header_timeout: l.header_timeout,
        body_timeout: l.body_timeout,
        drain_deadline: l.drain_timeout,
    };
    server::serve(listener, http::router(app), limits, shutdown_signal()).await?;
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

/// Parses the command line and runs the command; the exit code says how it went.
pub async fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Serve(args) => serve(*args).await,
        Command::Migrate(db) => {
            async {
                SeaOrmStore::connect(&db.database_url).await?.migrate().await?;
                println!("migrations applied");
                Ok(())
            }
            .await
        }
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Token(args) => token(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cam: {e:#}");
            ExitCode::FAILURE
        }
    }
}
