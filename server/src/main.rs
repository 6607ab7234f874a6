//! `atrium`: serve the portal, seed demo data, generate load, benchmark.

use clap::Parser;
use server::config::{AdminCommand, Cli, Command, ServeArgs};
use server::database;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_logging() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if std::env::var("ATRIUM_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("atrium: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let db = database::connect(&cli.common.database_url, cli.common.pool_size()).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(db, cli.serve).await,
        Command::Seed => {
            database::seed_demo_once(&db).await?;
            Ok(())
        }
        Command::Generate(args) => {
            server::generate::generate(&db, &args).await?;
            Ok(())
        }
        Command::Bench(args) => server::bench::run(db, &args).await,
        Command::RebuildMetrics => {
            let started = std::time::Instant::now();
            let read = app::metrics::buckets::rebuild(&db).await?;
            println!(
                "rebuilt the metrics from {read} requests in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Admin(AdminCommand::Create {
            email,
            name,
            department,
        }) => {
            let password = server::admin::read_password()?;
            let new = server::admin::NewAdmin {
                email,
                name,
                department,
                password,
            };
            let email = new.email.clone();
            server::admin::create_system_admin(&db, new)
                .await
                .map_err(|e| format!("the administrator was not created: {e}"))?;
            println!("system administrator {email} created; they can sign in now");
            Ok(())
        }
    }
}

async fn serve(db: app::db::Db, args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    if !args.site_root.join("pkg").is_dir() {
        tracing::warn!(
            site_root = %args.site_root.display(),
            "no built site (pkg/) under the site root: pages will render but without styles or \
             interactivity. Build with `cargo leptos build` or set ATRIUM_SITE_ROOT."
        );
    }
    if args.demo {
        server::database::seed_demo_once(&db).await?;
    } else if !server::admin::has_accounts(&db).await? {
        tracing::warn!("{}", server::admin::NO_ACCOUNTS_HINT);
    }
    let files: std::sync::Arc<dyn app::attachments::service::FileStore> =
        std::sync::Arc::new(server::files::ObjectFileStore::open(&args.files)?);
    server::spawn_session_cleanup(db.clone(), files.clone());
    server::spawn_workflow_worker(db.clone(), args.auto_close_days);
    let mailer =
        server::mail::Mailer::new(args.smtp_url.as_deref(), &args.mail_from, &args.public_url)?;
    if !mailer.enabled() {
        tracing::info!("no ATRIUM_SMTP_URL: notifications appear in the portal only");
    }
    server::mail::spawn_mail_worker(db.clone(), std::sync::Arc::new(mailer));
    let state = server::app_state(
        db,
        files,
        server::leptos_options(&args.site_root, args.listen),
        args.runtime_settings(),
    );
    let app = server::router(state);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    tracing::info!("Atrium is listening on http://{}", listener.local_addr()?);
    // The connection's address is the client's, for sign-in throttling (unless a trusted
    // proxy header is configured).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(server::shutdown_signal())
    .await?;
    Ok(())
}
