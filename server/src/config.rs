//! Configuration: sensible defaults, overridable by command-line flags and environment variables.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Atrium — one service portal for every department.
#[derive(Debug, Parser)]
#[command(name = "atrium", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Database URL: `sqlite://atrium.db?mode=rwc` (default) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://atrium.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Largest number of pooled database connections. Default: 16 on PostgreSQL; on SQLite,
    /// four per processor core, from 4 to 16 (each SQLite connection is a thread of its own, and
    /// more of them than the cores can run only switch between each other).
    #[arg(long, env = "ATRIUM_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,
}

impl CommonArgs {
    /// The database pool's size: as set, or the default for the database (see
    /// [`Self::db_max_connections`]).
    pub fn pool_size(&self) -> u32 {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.db_max_connections
            .unwrap_or_else(|| default_pool_size(&self.database_url, cores))
    }
}

/// The pool size when none is set: 16 on PostgreSQL, four per core (4 to 16) on SQLite.
pub fn default_pool_size(database_url: &str, cores: usize) -> u32 {
    if database_url.starts_with("sqlite:") {
        u32::try_from(cores.saturating_mul(4)).map_or(16, |n| n.clamp(4, 16))
    } else {
        16
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Add the demo organisation to the database (does nothing if it is already there).
    Seed,
    /// Generate a large synthetic request history for load and performance testing.
    Generate(GenerateArgs),
    /// Measure server-side latency of the main list pages (run after `generate`).
    Bench(BenchArgs),
    /// Recompute every leadership-metrics bucket from the requests' history (after an import,
    /// or when a metric's formula changed).
    RebuildMetrics,
    /// Administer the installation from the command line.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a system administrator (the first account of a new installation). The password
    /// is read from ATRIUM_ADMIN_PASSWORD, or asked for.
    Create {
        /// The administrator's email, which is also the sign-in name.
        #[arg(long)]
        email: String,
        /// The administrator's full name.
        #[arg(long)]
        name: String,
        /// The department the administrator belongs to; created if there is none by that name.
        #[arg(long, default_value = "IT")]
        department: String,
    },
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(
        long,
        env = "ATRIUM_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,
    /// Folder with the built static site (`pkg/` with the WASM, JS and CSS).
    #[arg(
        long,
        env = "ATRIUM_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,
    /// Seed the demo organisation (45 people with a published password, a catalog and a
    /// history) on first start. Off by default: a production start creates no accounts.
    #[arg(long, env = "ATRIUM_DEMO", global = true)]
    pub demo: bool,
    /// Mark the session cookie `Secure` and name it `__Host-atrium_session`. Default: on when
    /// ATRIUM_PUBLIC_URL is https.
    #[arg(long, env = "ATRIUM_SECURE_COOKIES", action = clap::ArgAction::Set, global = true)]
    pub secure_cookies: Option<bool>,
    /// Minutes of inactivity after which a session ends.
    #[arg(
        long,
        env = "ATRIUM_SESSION_IDLE_MINUTES",
        default_value_t = 480,
        value_parser = clap::value_parser!(i64).range(5..=525_600),
        global = true
    )]
    pub session_idle_minutes: i64,
    /// Hours after sign-in at which a session ends however active it is.
    #[arg(
        long,
        env = "ATRIUM_SESSION_LIFETIME_HOURS",
        default_value_t = 168,
        value_parser = clap::value_parser!(i64).range(1..=8_760),
        global = true
    )]
    pub session_lifetime_hours: i64,
    /// The header a trusted reverse proxy puts the client's address in (e.g.
    /// `X-Forwarded-For`; its last entry is taken). Unset: the connection's address is the
    /// client's, and such headers are ignored. Set it only behind a proxy that writes it.
    #[arg(long, env = "ATRIUM_CLIENT_IP_HEADER", global = true)]
    pub client_ip_header: Option<http::HeaderName>,
    /// Where uploaded files are kept: a folder, or `s3://bucket[/prefix]` for S3-compatible
    /// object storage (configured by the usual `AWS_*` variables, e.g. `AWS_ENDPOINT`).
    #[arg(
        long,
        env = "ATRIUM_FILES",
        default_value = "atrium-files",
        global = true
    )]
    pub files: String,
    /// Megabytes one person may upload in any 24 hours.
    #[arg(
        long,
        env = "ATRIUM_UPLOAD_MB_PER_DAY",
        default_value_t = 500,
        value_parser = clap::value_parser!(u64).range(1..=1_000_000),
        global = true
    )]
    pub upload_mb_per_day: u64,
    /// Files one person may upload in any hour.
    #[arg(
        long,
        env = "ATRIUM_UPLOADS_PER_HOUR",
        default_value_t = 60,
        value_parser = clap::value_parser!(u32).range(1..=100_000),
        global = true
    )]
    pub uploads_per_hour: u32,
    /// Resolved requests close by themselves this many days after resolution unless reopened
    /// (0: never).
    #[arg(
        long,
        env = "ATRIUM_AUTO_CLOSE_DAYS",
        default_value_t = 7,
        global = true
    )]
    pub auto_close_days: u32,
    /// Where mail goes out: `smtp://host:port` (plain), `smtp://host:port?tls=required`,
    /// `smtps://user:password@host`. Unset: notifications only in the portal.
    #[arg(long, env = "ATRIUM_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// The sender of Atrium's mail.
    #[arg(
        long,
        env = "ATRIUM_MAIL_FROM",
        default_value = "Atrium <atrium@localhost>",
        global = true
    )]
    pub mail_from: String,
    /// The portal's address as people reach it, for links in mail.
    #[arg(
        long,
        env = "ATRIUM_PUBLIC_URL",
        default_value = "http://localhost:3000",
        global = true
    )]
    pub public_url: String,
}

#[derive(Debug, Args, Clone)]
pub struct GenerateArgs {
    /// How many requests to create.
    #[arg(long, default_value_t = 100_000)]
    pub requests: u64,
    /// Spread them over this many days before now.
    #[arg(long, default_value_t = 730)]
    pub days: i64,
}

#[derive(Debug, Args, Clone)]
pub struct BenchArgs {
    /// Requests per measured page.
    #[arg(long, default_value_t = 300)]
    pub iterations: usize,
    /// Email of the employee whose "My requests" is measured (default: the one with most requests).
    #[arg(long)]
    pub employee: Option<String>,
    /// Email of the agent whose queue is measured.
    #[arg(long, default_value = "ivan.petrov@atrium.example")]
    pub agent: String,
    /// Email of the leadership account whose dashboard is measured.
    #[arg(long, default_value = "leo.martin@atrium.example")]
    pub leader: String,
    /// Throughput instead: this many concurrent clients load `--page` as the employee for
    /// `--seconds`, and the pages per second and latencies are reported.
    #[arg(long)]
    pub concurrent: Option<usize>,
    /// The page the concurrent clients load.
    #[arg(long, default_value = "/")]
    pub page: String,
    /// How long the concurrent clients run, after a one-second warm-up.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// After the pages: recompute the SLA clocks of up to this many open requests, as a
    /// calendar change does (in batches, one write transaction each), and report the time and
    /// the longest batch (how long other writers wait at most). 0: skip.
    #[arg(long, default_value_t = 100_000)]
    pub recompute: usize,
    /// Instead of the pages: submit and move on this many requests with the leadership metrics
    /// kept and as many without, and report what keeping them costs (then rebuild them).
    #[arg(long, default_value_t = 0)]
    pub writes: usize,
}

/// Checks settings that clap cannot, with messages that say what to do.
pub fn validate_database_url(url: &str) -> Result<(), String> {
    if url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
    {
        Ok(())
    } else {
        Err(format!(
            "DATABASE_URL must start with sqlite: or postgres:// (got “{url}”). \
             Example: sqlite://atrium.db?mode=rwc or postgres://atrium@localhost/atrium"
        ))
    }
}

impl ServeArgs {
    /// Whether cookies are `Secure`: as set, or when the public URL is https.
    pub fn secure(&self) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| self.public_url.to_ascii_lowercase().starts_with("https://"))
    }

    /// The settings the application reads at run time.
    pub fn runtime_settings(&self) -> app::state::RuntimeSettings {
        app::state::RuntimeSettings {
            secure_cookies: self.secure(),
            session_idle: chrono::Duration::minutes(self.session_idle_minutes),
            session_lifetime: chrono::Duration::hours(self.session_lifetime_hours),
            client_ip_header: self.client_ip_header.clone(),
            uploads: app::state::UploadAllowance {
                bytes_per_day: self.upload_mb_per_day * 1024 * 1024,
                files_per_hour: self.uploads_per_hour,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_is_sized_for_the_database_unless_set() {
        let sqlite = "sqlite://atrium.db?mode=rwc";
        assert_eq!(default_pool_size(sqlite, 1), 4);
        assert_eq!(default_pool_size(sqlite, 2), 8);
        assert_eq!(default_pool_size(sqlite, 64), 16);
        assert_eq!(default_pool_size("postgres://atrium@db/atrium", 2), 16);
        let set = Cli::parse_from(["atrium", "--db-max-connections", "3"]);
        assert_eq!(set.common.pool_size(), 3);
        let unset = Cli::parse_from(["atrium", "--database-url", "postgres://a@b/c"]);
        assert_eq!(unset.common.db_max_connections, None);
        assert_eq!(unset.common.pool_size(), 16);
    }
}
