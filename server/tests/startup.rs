//! Replicas that start together on one empty PostgreSQL database (a scale-out start, or a
//! rolling upgrade that brings a migration) all come up, and the demo is seeded once.

use app::db::{department, user};
use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait};

#[tokio::test]
async fn three_replicas_starting_together_migrate_and_seed_once() {
    let Some(admin_url) = server::testkit::postgres_admin_url() else {
        eprintln!("ATRIUM_TEST_PG not set: PostgreSQL start-up test skipped");
        return;
    };
    let name = format!(
        "atrium_t_start_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    );
    let created = std::time::Instant::now();
    let admin = Database::connect(admin_url.as_str()).await.expect("admin");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create");
    admin.close().await.ok();
    eprintln!("database created in {:?}", created.elapsed());
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&admin_url);
    let url = format!("{base}/{name}");
    let replicas: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                let db = server::database::connect(&url, 4).await?;
                eprintln!("migrated after {:?}", started.elapsed());
                server::database::seed_demo_once(&db).await?;
                eprintln!("seeded after {:?}", started.elapsed());
                Ok::<_, server::database::anyhow_like::Error>(db)
            })
        })
        .collect();
    let mut dbs = Vec::new();
    for replica in replicas {
        match replica.await.expect("join") {
            Ok(db) => dbs.push(db),
            Err(error) => panic!("a replica failed to start: {error}"),
        }
    }
    let db = &dbs[0];
    assert_eq!(
        department::Entity::find()
            .count(&db.conn)
            .await
            .expect("count"),
        5,
        "the demo organisation is there once"
    );
    assert_eq!(
        user::Entity::find().count(&db.conn).await.expect("count"),
        45
    );
    // The test command drops the `atrium_t_` databases of earlier runs when it starts.
    for db in dbs {
        db.conn.close().await.ok();
    }
}

/// A plain start creates no accounts: the demo (with its published password) needs `--demo`.
#[test]
fn the_demo_is_seeded_only_when_asked_for() {
    use clap::Parser;
    use server::config::Cli;
    let plain = Cli::try_parse_from(["atrium"]).expect("parse");
    assert!(
        !plain.serve.demo,
        "a plain start must not seed known accounts"
    );
    let demo = Cli::try_parse_from(["atrium", "--demo"]).expect("parse");
    assert!(demo.serve.demo);
}

#[tokio::test]
async fn the_first_system_admin_is_made_from_the_command_line() {
    use app::auth::model::Role;
    use app::auth::service::{authenticate, load_session_user};
    use app::error::AppError;
    use server::admin::{create_system_admin, has_accounts, NewAdmin};
    for (backend, db) in server::testkit::all_databases().await {
        assert!(!has_accounts(&db).await.expect("count"), "{backend}");
        let new = |email: &str, department: &str, password: &str| NewAdmin {
            email: email.into(),
            name: "Ada Lovelace".into(),
            department: department.into(),
            password: password.into(),
        };
        for (bad, why) in [
            (new("ada", "IT", "a long enough secret"), "not an email"),
            (new("ada@example.org", "IT", "short"), "short password"),
            (
                new("ada@example.org", "  --  ", "a long enough secret"),
                "no department name",
            ),
        ] {
            let refused = create_system_admin(&db, bad).await;
            assert!(
                matches!(refused, Err(AppError::BadRequest(_))),
                "{backend}: {why}: {refused:?}"
            );
        }
        assert!(
            !has_accounts(&db).await.expect("count"),
            "{backend}: nothing half-made"
        );
        let ada = create_system_admin(&db, new(" Ada@Example.org ", "IT", "a long enough secret"))
            .await
            .expect("create");
        let gate = app::auth::throttle::SignInGate::default();
        let signed_in = authenticate(&db, &gate, "ada@example.org", "a long enough secret")
            .await
            .expect("authenticate");
        assert_eq!(signed_in, Some(ada), "{backend}");
        let session = load_session_user(&db.conn, ada)
            .await
            .expect("load")
            .expect("active");
        assert!(session.has_role(Role::SystemAdmin), "{backend}");
        assert!(session.has_role(Role::Employee), "{backend}");
        // A second administrator joins the department the first one made ("it" = "IT").
        let grace = create_system_admin(&db, new("grace@example.org", "it", "another long secret"))
            .await
            .expect("second");
        let grace = load_session_user(&db.conn, grace)
            .await
            .expect("load")
            .expect("active");
        assert_eq!(grace.department, session.department, "{backend}");
        assert_eq!(
            department::Entity::find()
                .count(&db.conn)
                .await
                .expect("count"),
            1,
            "{backend}"
        );
        let again =
            create_system_admin(&db, new("ada@example.org", "IT", "a long enough secret")).await;
        assert!(
            matches!(again, Err(AppError::Conflict(_))),
            "{backend}: {again:?}"
        );
    }
}

/// The command an operator types, end to end: the binary reads the password from the
/// environment, creates the account, and refuses a second one with the same email.
#[test]
fn atrium_admin_create_works_from_the_shell() {
    let dir = std::env::temp_dir().join(format!("atrium-admin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.join("atrium.db").display());
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_atrium"))
            .args([
                "admin",
                "create",
                "--email",
                "root@example.org",
                "--name",
                "Root Admin",
            ])
            .env("DATABASE_URL", &url)
            .env("ATRIUM_ADMIN_PASSWORD", "correct horse battery")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run atrium")
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("root@example.org created"));
    let second = run();
    assert!(!second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already exists"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}
