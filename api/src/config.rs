//! Command line and settings: each setting is a flag of `serve` and a
//! `CAM_*` environment variable; the flag wins (see RUNNING.md).

use cam_adapters::notify::SmtpSettings;
use std::time::Duration;

use clap::{builder::BoolishValueParser, ArgAction, Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cam",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("CAM_COMMIT"), ")"),
    about = "Client Access Manager: the GraphQL API server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log lines as `text` (colours only on a terminal) or `json` (one object a line).
    #[arg(long, global = true, env = "CAM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP until SIGINT/SIGTERM.
    Serve(Box<ServeArgs>),
    /// Apply pending migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the SDL of the schema to stdout.
    Schema,
    /// Print a signed user token for an email (for the playground and scripts).
    Token(TokenArgs),
}

#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// SQLite (embedded default) or postgres://…
    #[arg(long, env = "CAM_DATABASE_URL", default_value = "sqlite://cam.db?mode=rwc", hide_env_values = true)]
    pub database_url: String,
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address to bind; port 0 picks a free port.
    #[arg(long, env = "CAM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// HS256 secret for user tokens (`serve --demo` makes one if unset).
    #[arg(long, env = "CAM_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Static bearer token of the operator; unset disables the operator.
    #[arg(long, env = "CAM_OPERATOR_TOKEN", hide_env_values = true)]
    pub operator_token: Option<String>,
    /// Base of access-link URLs (default: http://<listen>).
    #[arg(long, env = "CAM_PUBLIC_URL", value_parser = http_url)]
    pub public_url: Option<String>,
    /// R56: base URL of the frontend app that emails link to (none: no links).
    #[arg(long, env = "CAM_APP_URL", value_parser = app_url)]
    pub app_url: Option<String>,
    /// Access-link lifetime in days (R8).
    #[arg(long, env = "CAM_LINK_TTL_DAYS", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub link_ttl_days: i64,
    /// `1` enables `setTestClock` (R35); never in production.
    #[arg(long, env = "CAM_TEST_CLOCK", value_parser = BoolishValueParser::new(), action = ArgAction::Set,
          num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub test_clock: bool,
    /// SMTP server for the outbox, e.g. smtp://127.0.0.1:2525.
    #[arg(long, env = "CAM_SMTP_URL", hide_env_values = true, value_parser = smtp_url)]
    pub smtp_url: Option<String>,
    /// Sender of every email (default: Client Access Manager <no-reply@HOST of the public URL>).
    #[arg(long, env = "CAM_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// Load a small demo data set if the database is empty and print tokens.
    #[arg(long)]
    pub demo: bool,
    /// `0` turns schema introspection and "did you mean" suggestions off
    /// (a production deployment that does not publish its schema); on by
    /// default, and always on with `--demo`.
    #[arg(long, env = "CAM_GRAPHQL_INTROSPECTION", value_parser = BoolishValueParser::new(), action = ArgAction::Set,
          num_args = 0..=1, default_missing_value = "true", default_value = "true")]
    pub introspection: bool,
    /// Browser origins allowed to call the API, comma-separated
    /// (`https://app.example`), or `*`; none by default.
    #[arg(long, env = "CAM_CORS_ORIGINS")]
    pub cors_origins: Option<String>,
    /// R50: trusted OpenID Connect issuers, comma-separated entries
    /// `<issuer URL> <audience> <email domain> [<email domain> …]`.
    #[arg(long, env = "CAM_OIDC_ISSUERS")]
    pub oidc_issuers: Option<String>,
    /// R51: the client id with which the approval page signs people in
    /// (none: the page keeps its development token field).
    #[arg(long, env = "CAM_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// R51: that client's secret.
    #[arg(long, env = "CAM_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// R51: the issuer of `CAM_OIDC_ISSUERS` the page signs in at (default:
    /// the first).
    #[arg(long, env = "CAM_OIDC_LOGIN_ISSUER")]
    pub oidc_login_issuer: Option<String>,
    /// R52: `HOST:PORT` of the DNS server domain proofs are looked up with
    /// (default: the system's resolvers).
    #[arg(long, env = "CAM_DNS_RESOLVER", value_parser = dns_server)]
    pub dns_resolver: Option<std::net::SocketAddr>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits of the server and of its database pool (README, "Limits").
/// Durations are seconds, fractions allowed.
#[derive(Args, Clone)]
pub struct LimitArgs {
    /// Most HTTP connections open at once; more wait in the listen backlog.
    #[arg(long, env = "CAM_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_connections: u32,
    /// Time a client has to send a request's headers, and to start its next
    /// request on an idle keep-alive connection.
    #[arg(long, env = "CAM_HEADER_TIMEOUT", default_value = "10", value_parser = seconds)]
    pub header_timeout: Duration,
    /// Time a client has to send a request's body.
    #[arg(long, env = "CAM_BODY_TIMEOUT", default_value = "10", value_parser = seconds)]
    pub body_timeout: Duration,
    /// After SIGTERM, how long in-flight requests may still run.
    #[arg(long, env = "CAM_DRAIN_TIMEOUT", default_value = "20", value_parser = seconds)]
    pub drain_timeout: Duration,
    /// Database connections (default 8 on SQLite, 16 on PostgreSQL).
    #[arg(long, env = "CAM_DB_POOL_SIZE", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_pool_size: Option<u32>,
    /// Longest wait for a free database connection; then 503 SERVICE_UNAVAILABLE.
    #[arg(long, env = "CAM_DB_ACQUIRE_TIMEOUT", default_value = "5", value_parser = seconds)]
    pub db_acquire_timeout: Duration,
    /// Longest wait for a database lock (SQLite: the busy timeout).
    #[arg(long, env = "CAM_DB_LOCK_TIMEOUT", default_value = "5", value_parser = seconds)]
    pub db_lock_timeout: Duration,
    /// Longest a statement may run (PostgreSQL).
    #[arg(long, env = "CAM_DB_STATEMENT_TIMEOUT", default_value = "15", value_parser = seconds)]
    pub db_statement_timeout: Duration,
    /// Most signed-in WebSocket connections open at once (R43).
    #[arg(long, env = "CAM_MAX_WS_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_ws_connections: u32,
    /// Most WebSocket connections waiting to send `connection_init`; the
    /// oldest makes room for a newer one.
    #[arg(long, env = "CAM_MAX_WS_PENDING", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_ws_pending: u32,
    /// Most signed-in WebSocket connections of one user.
    #[arg(long, env = "CAM_MAX_WS_PER_USER", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_ws_per_user: u32,
    /// Most operations (subscriptions) running at once on one WebSocket.
    #[arg(long, env = "CAM_MAX_WS_OPERATIONS", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_ws_operations: u32,
    /// Time a WebSocket client has to send `connection_init`.
    #[arg(long, env = "CAM_WS_INIT_TIMEOUT", default_value = "5", value_parser = seconds)]
    pub ws_init_timeout: Duration,
}

/// A database URL this binary can open. Checked by the commands rather
/// than by clap, whose message would repeat the URL and its password.
/// Errors: what is wrong, without the URL.
pub fn check_database_url(s: &str) -> Result<(), String> {
    let known = ["sqlite:", "postgres://", "postgresql://"];
    if known.iter().any(|k| s.starts_with(k)) {
        Ok(())
    } else {
        Err("the database URL must start with sqlite:, postgres:// or postgresql://".into())
    }
}

/// An http(s) URL with a host.
fn http_url(s: &str) -> Result<String, String> {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()) => {
            Ok(s.to_string())
        }
        _ => Err("must be an http:// or https:// URL with a host".into()),
    }
}

/// R56: the frontend app's base URL, which every email's link starts
/// with: an http(s) URL with a host and no user, password, query or
/// fragment (nothing secret rides along into emails).
fn app_url(s: &str) -> Result<String, String> {
    let s = http_url(s.trim())?;
    let bare = url::Url::parse(&s).is_ok_and(|u| {
        u.username().is_empty() && u.password().is_none() && u.query().is_none() && u.fragment().is_none()
    });
    if !bare {
        return Err("must be the app's base URL, without user, password, query or fragment".into());
    }
    Ok(s.trim_end_matches('/').to_string())
}

/// An smtp:// or smtps:// URL that the SMTP adapter takes (one parser:
/// `SmtpSettings::parse`, which the wiring uses again).
fn smtp_url(s: &str) -> Result<String, String> {
    SmtpSettings::parse(s).map(|_| s.to_string())
}

/// A URL with its password, if any, replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// `HOST:PORT` of a DNS server: an address, or a name resolved once now.
fn dns_server(s: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let bad = || format!("{s:?} must be HOST:PORT of a DNS server, e.g. 127.0.0.1:53");
    if let Ok(a) = s.parse() {
        return Ok(a);
    }
    s.to_socket_addrs().map_err(|_| bad())?.next().ok_or_else(bad)
}

/// A duration in seconds, from 0.01 to one hour.
fn seconds(s: &str) -> Result<Duration, String> {
    let v: f64 = s.trim().parse().map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(0.01..=3600.0).contains(&v) {
        return Err(format!("{s} must be between 0.01 and 3600 seconds"));
    }
    Ok(Duration::from_millis((v * 1000.0).round() as u64))
}

#[derive(Args, Clone)]
pub struct TokenArgs {
    /// The user's email (`sub` of the token).
    pub email: String,
    #[arg(long, env = "CAM_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Lifetime of the token in hours (at most 30 days).
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(i64).range(1..=24 * 30))]
    pub ttl_hours: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(redact("postgres://cam:s3cret@db:5432/cam"), "postgres://cam:***@db:5432/cam");
        assert_eq!(redact("postgres://cam@db/cam"), "postgres://cam@db/cam");
        assert_eq!(redact("sqlite://cam.db?mode=rwc"), "sqlite://cam.db?mode=rwc");
        assert!(check_database_url("mysql://x").is_err() && check_database_url("sqlite::memory:").is_ok());
        assert!(http_url("https://cam.example").is_ok() && http_url("cam.example").is_err());
        assert!(smtp_url("smtp://127.0.0.1:25").is_ok() && smtp_url("http://x").is_err());
        assert!(dns_server("127.0.0.1:5353").is_ok() && dns_server("[::1]:53").is_ok());
        assert!(dns_server("127.0.0.1").is_err() && dns_server("no port").is_err());
    }

    #[test]
    fn the_app_url_is_a_bare_base_url() {
        // R56
        assert_eq!(app_url("https://app.example/cam/"), Ok("https://app.example/cam".to_string()));
        for bad in
            ["app.example", "ftp://app.example", "https://u:p@app.example", "https://app.example/?t=1", "https://a/#x"]
        {
            assert!(app_url(bad).is_err(), "{bad}");
        }
    }
}
