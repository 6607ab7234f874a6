//! (ssr) Sign-in throttling: what stands between a flood of sign-in attempts and the slow,
//! memory-hungry password hash.
//!
//! In the order an attempt meets them, each refusing before any hashing:
//! 1. **Per client address** (this replica): at most [`Limits::per_address`] attempts per
//!    [`Limits::address_window`]; a successful sign-in gives its attempt back, so an office
//!    behind one address is not held up by its own people. IPv6 addresses count per /64.
//! 2. **Globally** (this replica): at most [`Limits::global_per_second`] attempts a second.
//! 3. **Per account** (all replicas, in the database): every attempt is counted *before* its
//!    password is checked, in one write, so parallel attempts cannot all slip through; after
//!    [`FREE_FAILURES`] failures each further attempt waits a delay that doubles up to
//!    [`MAX_DELAY_SECONDS`]. There is no lock: whoever knows the password gets in at the
//!    latest a minute later, so nobody can lock an administrator out by typing wrong passwords.
//! 4. **Hashing** is bounded: at most [`Limits::hash_permits`] checks at once (about the number of
//!    cores), on threads of their own, a short queue behind them, and a caller who would wait
//!    longer is told to retry.
//!
//! The client address is the connection's, or, behind a reverse proxy, the last entry of the
//! header the operator names as trusted (`ATRIUM_CLIENT_IP_HEADER`); otherwise such headers
//! are ignored, since anyone can send them.

use crate::db::{login_throttle, Db};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, EntityTrait, QuerySelect, Set};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use tokio::sync::Semaphore;

/// Failed attempts per account let through without delay.
pub const FREE_FAILURES: i32 = 5;
/// The longest an account's next attempt is held back.
pub const MAX_DELAY_SECONDS: i64 = 60;
/// Failures older than this are forgiven.
pub const FORGIVE_AFTER_MINUTES: i64 = 15;

/// How long an account's next attempt waits after `failures` attempts (counted before
/// checking): nothing for the first [`FREE_FAILURES`], then 1, 2, 4 … seconds, at most
/// [`MAX_DELAY_SECONDS`].
pub fn account_delay(failures: i32) -> Duration {
    if failures <= FREE_FAILURES {
        return Duration::zero();
    }
    let doubling = (failures - FREE_FAILURES - 1).min(10) as u32;
    Duration::seconds((1_i64 << doubling).min(MAX_DELAY_SECONDS))
}

/// The limits of one replica's gate.
#[derive(Clone, Debug)]
pub struct Limits {
    pub per_address: u32,
    pub address_window: std::time::Duration,
    pub global_per_second: u32,
    pub hash_permits: usize,
    /// Callers that may wait for a hashing permit; more are refused at once.
    pub hash_queue: usize,
    /// The longest a caller waits for a hashing permit.
    pub hash_wait: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Limits {
            per_address: 20,
            address_window: std::time::Duration::from_secs(5 * 60),
            global_per_second: 100,
            hash_permits: cores,
            hash_queue: cores * 8,
            hash_wait: std::time::Duration::from_secs(3),
        }
    }
}

/// Addresses remembered at most; beyond this, windows that ended are forgotten first.
const ADDRESSES_KEPT: usize = 100_000;

struct Window {
    started: Instant,
    count: u32,
}

/// One replica's sign-in gate (held in the application state).
pub struct SignInGate {
    limits: Limits,
    addresses: Mutex<HashMap<IpAddr, Window>>,
    global: Mutex<Window>,
    hashing: Semaphore,
    queued: AtomicUsize,
    /// Password checks run on a few threads of their own, never on the blocking pool: each
    /// check takes 19 MiB, and the allocator keeps memory per thread that allocated it, so
    /// checks spread over the pool's hundreds of threads would keep hundreds of megabytes.
    hashers: Mutex<std::sync::mpsc::Sender<HashJob>>,
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Lowers the calling thread's scheduling priority (nice 10): a password check then takes the
/// processor only when pages and server functions do not need it, so a flood of sign-ins slows
/// sign-ins, not the portal. (Where it cannot be lowered, checks run at normal priority.)
fn yield_to_serving() {
    let me = rustix::thread::gettid();
    if let Err(error) = rustix::process::setpriority_process(Some(me), 10) {
        tracing::warn!(%error, "cannot lower the priority of a password-check thread");
    }
}

/// Starts `n` threads that run password checks, until the returned sender is dropped.
fn start_hashers(n: usize) -> std::sync::mpsc::Sender<HashJob> {
    let (send, receive) = std::sync::mpsc::channel::<HashJob>();
    let receive = std::sync::Arc::new(Mutex::new(receive));
    for i in 0..n {
        let receive = receive.clone();
        let started = std::thread::Builder::new()
            .name(format!("atrium-hash-{i}"))
            .spawn(move || {
                yield_to_serving();
                loop {
                    let job = match receive.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(error) = started {
            tracing::error!(%error, "cannot start a password-check thread");
        }
    }
    send
}

impl std::fmt::Debug for SignInGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInGate")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Default for SignInGate {
    fn default() -> Self {
        SignInGate::new(Limits::default())
    }
}

fn busy(message: &str) -> AppError {
    AppError::TooManyRequests(message.to_owned())
}

impl SignInGate {
    pub fn new(limits: Limits) -> Self {
        SignInGate {
            hashing: Semaphore::new(limits.hash_permits.max(1)),
            hashers: Mutex::new(start_hashers(limits.hash_permits.max(1))),
            addresses: Mutex::new(HashMap::new()),
            global: Mutex::new(Window {
                started: Instant::now(),
                count: 0,
            }),
            queued: AtomicUsize::new(0),
            limits,
        }
    }

    /// Counts an attempt from `address` (steps 1 and 2), or refuses it.
    pub fn admit(&self, address: Option<IpAddr>) -> AppResult<()> {
        let now = Instant::now();
        if let Some(address) = address.map(bucket) {
            let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
            let window = self.limits.address_window;
            if addresses.len() >= ADDRESSES_KEPT && !addresses.contains_key(&address) {
                addresses.retain(|_, w| now.duration_since(w.started) < window);
                if addresses.len() >= ADDRESSES_KEPT {
                    return Err(busy(
                        "Too many sign-in attempts right now. Try again in a minute.",
                    ));
                }
            }
            let entry = addresses.entry(address).or_insert(Window {
                started: now,
                count: 0,
            });
            if now.duration_since(entry.started) >= window {
                *entry = Window {
                    started: now,
                    count: 0,
                };
            }
            if entry.count >= self.limits.per_address {
                let wait = window.saturating_sub(now.duration_since(entry.started));
                return Err(busy(&format!(
                    "Too many sign-in attempts from your network. Try again in {} minute(s).",
                    wait.as_secs().div_ceil(60).max(1)
                )));
            }
            entry.count += 1;
        }
        let mut global = self.global.lock().unwrap_or_else(|e| e.into_inner());
        if now.duration_since(global.started) >= std::time::Duration::from_secs(1) {
            *global = Window {
                started: now,
                count: 0,
            };
        }
        if global.count >= self.limits.global_per_second {
            drop(global);
            self.refund(address);
            return Err(busy(
                "Too many sign-ins at once. Try again in a few seconds.",
            ));
        }
        global.count += 1;
        Ok(())
    }

    /// Gives back the attempt of a successful sign-in (or one refused further on, not the
    /// caller's fault), so that an address's own people do not use up its allowance.
    pub fn refund(&self, address: Option<IpAddr>) {
        if let Some(address) = address.map(bucket) {
            let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(window) = addresses.get_mut(&address) {
                window.count = window.count.saturating_sub(1);
            }
        }
    }

    /// Runs the password check `work` on the blocking pool with a hashing permit (step 4):
    /// refused at once when the queue is full, and after [`Limits::hash_wait`] without a permit.
    pub async fn hash<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let queued = self.queued.fetch_add(1, Ordering::AcqRel);
        let permit = if queued >= self.limits.hash_queue {
            None
        } else {
            tokio::time::timeout(self.limits.hash_wait, self.hashing.acquire())
                .await
                .ok()
                .and_then(Result::ok)
        };
        self.queued.fetch_sub(1, Ordering::AcqRel);
        let Some(_permit) = permit else {
            return Err(busy(
                "Atrium is busy signing people in. Try again in a few seconds.",
            ));
        };
        let (done, result) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move || {
            let _ = done.send(work());
        });
        self.hashers
            .lock()
            .map_err(|_| crate::error::missing("the password-check threads"))?
            .send(job)
            .map_err(|_| crate::error::missing("the password-check threads"))?;
        result
            .await
            .map_err(|e| crate::error::internal("password check", e))
    }

    /// Password checks running or waiting now.
    pub fn hashing_now(&self) -> usize {
        self.limits.hash_permits - self.hashing.available_permits()
    }
}

/// The key an address is counted under: itself, or its /64 for IPv6 (one subscriber).
fn bucket(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

/// The client's address: the connection's, or the last entry of the trusted proxy's header
/// when one is configured (a header the client sent itself comes before the proxy's entry).
pub fn client_address(
    parts: &http::request::Parts,
    trusted_header: Option<&http::HeaderName>,
) -> Option<IpAddr> {
    if let Some(name) = trusted_header {
        let forwarded = parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|entry| parse_address(entry.trim()))
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
}

/// Counts an attempt for `email` before its password is checked (step 3), in one write that
/// parallel attempts take in turn; refuses it while the account's delay runs.
pub async fn claim_account_attempt(db: &Db, email: &str) -> AppResult<()> {
    let key = account_key(email);
    let now = db.now();
    let txn = db.begin_write().await?;
    // Make sure the row exists, then lock it (PostgreSQL; SQLite has one writer anyway).
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        email: Set(key.clone()),
        failures: Set(0),
        last_attempt_at: Set(now),
        next_allowed_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(login_throttle::Column::Email)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&*txn)
    .await?;
    let row = login_throttle::Entity::find_by_id(key.clone())
        .lock_exclusive()
        .one(&*txn)
        .await?
        .ok_or_else(|| crate::error::missing("a sign-in throttle row just written"))?;
    if row.next_allowed_at > now {
        let wait = (row.next_allowed_at - now).num_seconds().max(1);
        return Err(busy(&format!(
            "Too many sign-in attempts for this account. Try again in {wait} second(s)."
        )));
    }
    let failures = forgiven(&row, now) + 1;
    let mut update: login_throttle::ActiveModel = row.into();
    update.failures = Set(failures);
    update.last_attempt_at = Set(now);
    update.next_allowed_at = Set(now + account_delay(failures));
    update.update(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The row an email's attempts are counted under: trimmed, lower-cased, at most 254 characters.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase().chars().take(254).collect()
}

/// The failures still held against an account at `now`.
fn forgiven(row: &login_throttle::Model, now: DateTime<Utc>) -> i32 {
    if now - row.last_attempt_at > Duration::minutes(FORGIVE_AFTER_MINUTES) {
        0
    } else {
        row.failures
    }
}

/// Forgets an account's attempts after a successful sign-in.
pub async fn clear_account(db: &Db, email: &str) -> AppResult<()> {
    let key = account_key(email);
    let txn = db.begin_write().await?;
    login_throttle::Entity::delete_by_id(key)
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_then_stops_at_a_minute() {
        let delays: Vec<i64> = (1..=14).map(|f| account_delay(f).num_seconds()).collect();
        assert_eq!(delays, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(account_delay(i32::MAX).num_seconds(), 60);
    }

    #[test]
    fn an_address_gets_its_allowance_and_successes_give_it_back() {
        let gate = SignInGate::new(Limits {
            per_address: 3,
            global_per_second: 1000,
            ..Limits::default()
        });
        let home: IpAddr = "198.51.100.7".parse().expect("an address");
        let other: IpAddr = "198.51.100.8".parse().expect("an address");
        for _ in 0..3 {
            gate.admit(Some(home)).expect("within the allowance");
        }
        assert!(matches!(
            gate.admit(Some(home)),
            Err(AppError::TooManyRequests(_))
        ));
        gate.admit(Some(other))
            .expect("another address is not affected");
        gate.refund(Some(home));
        gate.admit(Some(home)).expect("a success gave one back");
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let gate = SignInGate::new(Limits {
            per_address: 2,
            global_per_second: 1000,
            ..Limits::default()
        });
        gate.admit(Some("2001:db8:1:2::1".parse().expect("an address")))
            .expect("as expected");
        gate.admit(Some("2001:db8:1:2:ffff::9".parse().expect("an address")))
            .expect("as expected");
        assert!(gate
            .admit(Some("2001:db8:1:2::77".parse().expect("an address")))
            .is_err());
        gate.admit(Some("2001:db8:1:3::1".parse().expect("an address")))
            .expect("as expected");
        gate.admit(Some("::ffff:192.0.2.1".parse().expect("an address")))
            .expect("as expected");
        gate.admit(Some("192.0.2.1".parse().expect("an address")))
            .expect("as expected");
        assert!(gate
            .admit(Some("192.0.2.1".parse().expect("an address")))
            .is_err());
    }

    #[test]
    fn the_global_limit_holds_across_addresses() {
        let gate = SignInGate::new(Limits {
            global_per_second: 5,
            ..Limits::default()
        });
        for n in 0..5 {
            gate.admit(Some(IpAddr::from([10, 0, 0, n])))
                .expect("within");
        }
        assert!(gate.admit(Some(IpAddr::from([10, 0, 0, 9]))).is_err());
    }

    fn parts(forwarded: &[&str], peer: &str) -> http::request::Parts {
        let mut builder = http::Request::get("/api/login");
        for value in forwarded {
            builder = builder.header("x-forwarded-for", *value);
        }
        let (mut parts, ()) = builder.body(()).expect("as expected").into_parts();
        parts.extensions.insert(axum::extract::ConnectInfo(
            peer.parse::<std::net::SocketAddr>().expect("an address"),
        ));
        parts
    }

    #[test]
    fn the_proxy_header_counts_only_when_trusted_and_its_last_entry_wins() {
        let header = http::HeaderName::from_static("x-forwarded-for");
        let spoofed = parts(&["1.1.1.1, 203.0.113.9"], "10.0.0.2:5000");
        assert_eq!(
            client_address(&spoofed, None),
            Some("10.0.0.2".parse().expect("an address")),
            "untrusted: the peer"
        );
        assert_eq!(
            client_address(&spoofed, Some(&header)),
            Some("203.0.113.9".parse().expect("an address")),
            "trusted: the proxy's (last) entry, not what the client put first"
        );
        let two_lines = parts(&["1.1.1.1", "[2001:db8::5]:443"], "10.0.0.2:5000");
        assert_eq!(
            client_address(&two_lines, Some(&header)),
            Some("2001:db8::5".parse().expect("an address"))
        );
        let garbage = parts(&["not an address"], "10.0.0.2:5000");
        assert_eq!(
            client_address(&garbage, Some(&header)),
            Some("10.0.0.2".parse().expect("an address"))
        );
    }

    #[tokio::test]
    async fn hashing_is_bounded_and_a_full_queue_is_refused_at_once() {
        let gate = std::sync::Arc::new(SignInGate::new(Limits {
            hash_permits: 1,
            hash_queue: 1,
            hash_wait: std::time::Duration::from_millis(200),
            ..Limits::default()
        }));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let busy = {
            let gate = gate.clone();
            tokio::spawn(async move {
                gate.hash(move || {
                    hold.recv().ok();
                })
                .await
            })
        };
        while gate.hashing_now() == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // One waits (and gives up after 200 ms), a third finds the queue full.
        let waiting = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.hash(|| ()).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let started = Instant::now();
        let refused = gate.hash(|| ()).await;
        assert!(matches!(refused, Err(AppError::TooManyRequests(_))));
        assert!(
            started.elapsed() < std::time::Duration::from_millis(100),
            "at once"
        );
        assert!(matches!(
            waiting.await.expect("as expected"),
            Err(AppError::TooManyRequests(_))
        ));
        release.send(()).expect("as expected");
        busy.await
            .expect("as expected")
            .expect("the first check ran");
        gate.hash(|| ()).await.expect("free again");
    }
}
