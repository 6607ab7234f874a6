use sea_orm::{DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, TransactionTrait};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The database handle every service uses.
///
/// SQLite allows one writer at a time; two transactions that both read and then write can fail
/// with "database is locked" however long `busy_timeout` is. So on SQLite every write
/// transaction first takes an in-process lock and writers queue up politely. PostgreSQL needs no
/// such lock and runs writers in parallel (row locks and optimistic versions keep them correct).
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
    writer: Arc<Mutex<()>>,
}

/// A write transaction, holding the SQLite writer lock (if any) until it is dropped.
pub struct WriteTxn {
    pub txn: DatabaseTransaction,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

impl Db {
    pub fn new(conn: DatabaseConnection) -> Self {
        Self {
            conn,
            writer: Arc::new(Mutex::new(())),
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Starts a transaction that will write.
    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let guard = if self.backend() == DbBackend::Sqlite {
            Some(self.writer.clone().lock_owned().await)
        } else {
            None
        };
        let txn = self.conn.begin().await?;
        Ok(WriteTxn {
            txn,
            _writer: guard,
        })
    }
}
