//! Command line and settings: each setting is a flag of `serve` and a
//! `CAM_*` environment variable; the flag wins (see RUNNING.md).

use clap::{builder::BoolishValueParser, ArgAction, Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cam", version, about = "Client Access Manager: the GraphQL API server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP until SIGINT/SIGTERM.
    Serve(ServeArgs),
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
    #[arg(long, env = "CAM_DATABASE_URL", default_value = "sqlite://cam.db?mode=rwc")]
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
    #[arg(long, env = "CAM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Access-link lifetime in days (R8).
    #[arg(long, env = "CAM_LINK_TTL_DAYS", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub link_ttl_days: i64,
    /// `1` enables `setTestClock` (R35); never in production.
    #[arg(long, env = "CAM_TEST_CLOCK", value_parser = BoolishValueParser::new(), action = ArgAction::Set,
          num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub test_clock: bool,
    /// SMTP server for the outbox, e.g. smtp://127.0.0.1:2525.
    #[arg(long, env = "CAM_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Load a small demo data set if the database is empty and print tokens.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Args, Clone)]
pub struct TokenArgs {
    /// The user's email (`sub` of the token).
    pub email: String,
    #[arg(long, env = "CAM_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Lifetime of the token in hours.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(i64).range(1..=24 * 365))]
    pub ttl_hours: i64,
}
