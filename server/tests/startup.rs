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
