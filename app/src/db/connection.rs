use chrono::{DateTime, SubsecRound, Utc};
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
    clock: Clock,
    /// Whether changes to requests keep the leadership metrics (always, except in the
    /// benchmark that measures what keeping them costs).
    metrics: bool,
}

/// What time it is for the use cases that change requests.
///
/// Normally the system's clock. The demo's history is made through the same use cases as real
/// requests, months in the past: it runs on a replay clock that the seed moves on step by step.
/// What happens under a replay clock is history: its notices are written as read and mail nobody.
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<std::sync::Mutex<DateTime<Utc>>>>);

impl Clock {
    /// A clock that stands at `at` until it is [`set`](Self::set) again.
    pub fn replay(at: DateTime<Utc>) -> Clock {
        Clock(Some(Arc::new(std::sync::Mutex::new(at.trunc_subsecs(6)))))
    }

    /// To the microsecond: what PostgreSQL keeps, so a time read back equals the time written
    /// (derived figures such as the metrics' minutes are computed again from stored times).
    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now().trunc_subsecs(6),
            Some(at) => *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
        }
    }

    /// Moves a replay clock to `at` (the system clock cannot be moved: nothing happens).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(time) = &self.0 {
            *time.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = at.trunc_subsecs(6);
        }
    }

    /// Whether this clock replays the past.
    pub fn is_replay(&self) -> bool {
        self.0.is_some()
    }
}

/// A write transaction, holding the SQLite writer lock (if any) until it is dropped.
pub struct WriteTxn {
    pub txn: DatabaseTransaction,
    _writer: Option<OwnedMutexGuard<()>>,
    /// Whether the leadership metrics are kept in this transaction (see [`Db::without_metrics`]).
    pub metrics: bool,
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
            clock: Clock::default(),
            metrics: true,
        }
    }

    /// The same database, where changes to requests do not keep the leadership metrics: only
    /// for `atrium bench`, which measures what keeping them costs. The buckets, and the facts
    /// kept in the requests' rows, are behind afterwards until `atrium rebuild-metrics`.
    pub fn without_metrics(&self) -> Db {
        Db {
            metrics: false,
            ..self.clone()
        }
    }

    /// The same database (and writer lock) on another clock.
    pub fn with_clock(&self, clock: Clock) -> Db {
        Db {
            clock,
            ..self.clone()
        }
    }

    /// The time of a change made now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Whether changes made through this handle are history being replayed.
    pub fn is_replay(&self) -> bool {
        self.clock.is_replay()
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
            metrics: self.metrics,
        })
    }
}
