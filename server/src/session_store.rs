//! A tower-sessions store over sea-orm.
//!
//! Why not `tower-sessions-sqlx-store`: it is built on sqlx 0.8 while sea-orm 2 uses sqlx 0.9, so
//! it would bring a second sqlx and a second connection pool per database. This store is a few
//! dozen lines over the application's own pool, and works unchanged on SQLite and PostgreSQL.

use app::db::{session, Db};
use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The key a session is stored under: the SHA-256 of its id, in hex. The id is 128 random
/// bits, so a fast hash is enough: knowing the key does not give the id, and without the id
/// there is no cookie to present.
pub fn storage_key(id: &Id) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(id.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn to_row(record: &Record) -> session_store::Result<session::ActiveModel> {
    Ok(session::ActiveModel {
        id: Set(storage_key(&record.id)),
        data: Set(serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?),
        expires_at: Set(record.expiry_date.unix_timestamp()),
        user_id: Set(record
            .data
            .get(app::auth::service::USER_ID_KEY)
            .and_then(|v| v.as_i64())),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits; on the astronomically unlikely collision, draw another.
        loop {
            let row = to_row(record)?;
            let inserted = session::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(session::Column::Id)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db.conn)
                .await
                .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates a session that exists; never creates one. A session ended meanwhile (signed out
    /// everywhere, expired) stays ended even if a request that read it saves it afterwards.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let row = to_row(record)?;
        session::Entity::update_many()
            .set(session::ActiveModel {
                data: row.data,
                expires_at: row.expires_at,
                user_id: row.user_id,
                ..Default::default()
            })
            .filter(session::Column::Id.eq(storage_key(&record.id)))
            .exec(&self.db.conn)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let Some(row) = session::Entity::find_by_id(storage_key(id))
            .filter(session::Column::ExpiresAt.gt(now))
            .one(&self.db.conn)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(row.expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(storage_key(id))
            .exec(&self.db.conn)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(&self.db.conn)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
