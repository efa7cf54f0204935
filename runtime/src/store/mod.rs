//! The store: versioned records `(kind, id) → (version, JSON data, timestamps)`,
//! and the op ledger that makes actions exactly-once.
//!
//! SQLite is the embedded default (a file, created and migrated on first open);
//! PostgreSQL (feature `postgres`) is for deployments. Every update is
//! conditional on the version the writer saw: a stale write returns
//! [`Written::Stale`] with the current record, never a silent overwrite.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), rtux::store::StoreError> {
//! use rtux::store::{Store, Written};
//! use serde_json::json;
//!
//! let dir = std::env::temp_dir().join(format!("rtux-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let store = Store::sqlite(dir.join("app.db")).await?;
//! let todo = store.insert("todo:list", None, json!({"title": "milk"})).await?;
//! let Written::Applied(v2) = store.update("todo:list", &todo.id, todo.version, json!({"title": "oat milk"})).await? else { panic!() };
//! // A writer still holding version 1 is told, and given the current record:
//! let stale = store.update("todo:list", &todo.id, todo.version, json!({"title": "soy"})).await?;
//! assert_eq!(stale, Written::Stale(v2));
//! # Ok(()) }
//! ```

#[cfg(feature = "accounts")]
pub(crate) mod accounts;
pub(crate) mod drafts;
pub(crate) mod history;
pub(crate) mod ledger;
pub(crate) mod locks;
pub(crate) mod quotas;
pub(crate) mod records;
pub(crate) mod references;
mod row;
mod schema;
mod sessions;
mod sweep;

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::Extensions;
use serde::Serialize;
use serde_json::Value;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{AnyPool, Transaction};

use crate::sync::lock;
use crate::wire::Code;

pub use drafts::Draft;
pub use history::{HISTORY_BYTES_PER_RECORD, HISTORY_BYTES_PER_TOPIC};
pub use ledger::OpKey;
pub use sweep::Swept;

/// One versioned record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// The collection it belongs to (rtux resources use the topic).
    #[serde(skip)]
    pub kind: String,
    /// Its id within the kind.
    pub id: String,
    /// Starts at 1; every write adds 1.
    pub version: i64,
    /// The record's fields.
    pub data: Value,
    /// When it was inserted, ms since the Unix epoch.
    pub inserted_at: i64,
    /// When it was last written, ms since the Unix epoch.
    pub updated_at: i64,
    /// Who wrote this version through an action (`{"user", "name"}` from the
    /// writer's token); `None` for writes made outside actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<Value>,
}

/// What the store keeps for one user ([`Store::kept_for`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kept {
    /// Ledger rows (their applied ops).
    pub ops: u64,
    /// Bytes of those rows' answers.
    pub answer_bytes: u64,
    /// Drafts.
    pub drafts: u64,
    /// Bytes of those drafts.
    pub draft_bytes: u64,
    /// Locks held now.
    pub locks: u64,
}

/// The outcome of a conditional write.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// Written; the record as it now is (for a delete, as it was).
    Applied(Record),
    /// Someone wrote first: the record as it now is.
    Stale(Record),
    /// There is no such record.
    Missing,
}

/// A store failure (not a stale write, which is a normal [`Written::Stale`]).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored value could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The URL names a database rtux was not built for.
    #[error(
        "unsupported store URL {0:?}: use sqlite://<file> or postgres://… (with the `postgres` feature)"
    )]
    UnsupportedUrl(String),
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A handle to the store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// How long the ledger remembers an op.
    retention: Duration,
    /// The most ledger rows one user keeps.
    ledger_cap: u64,
    /// Writes one user may make per minute, across every node.
    writes_per_minute: u32,
    /// Dropped with the last handle: stops the sweeper.
    alive: Arc<()>,
    /// Set once the periodic sweep runs.
    sweeping: Arc<OnceLock<()>>,
    /// What the layers above keep per store, one value per type (the
    /// action layer's registry of references): see [`Store::shared`].
    shared: Arc<Mutex<Extensions>>,
}

/// How long the ledger remembers ops by default: 7 days.
pub const LEDGER_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// How many ledger rows one user keeps by default: 20,000 (a few MiB).
pub const LEDGER_ROWS_PER_USER: u64 = 20_000;

/// How many writes one user may make per minute by default, across every
/// resource and node: 300, in bursts of up to 300.
pub const WRITES_PER_MINUTE: u32 = 300;

/// How far ahead of the server's clock an op's issue time may be: 1 day.
pub const CLOCK_AHEAD: Duration = Duration::from_secs(24 * 3600);

/// A transaction: writes in it land together or not at all.
pub type StoreTx = Transaction<'static, sqlx::Any>;

impl Store {
    /// Opens (creating if needed) the SQLite file at `path` and migrates it.
    ///
    /// # Errors
    /// [`StoreError::Database`] if the file cannot be created or opened.
    pub async fn sqlite(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::open(&format!("sqlite://{}?mode=rwc", path.as_ref().display())).await
    }

    /// Opens a store by URL — `sqlite:<file>`, `sqlite://<file>` (created if
    /// missing unless the URL sets `mode=`) or `postgres://…` — and migrates it
    /// (idempotent; safe when several servers start at once).
    ///
    /// # Errors
    /// [`StoreError::UnsupportedUrl`] or [`StoreError::Database`].
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        // An SQLite file is created on first open unless the URL says otherwise.
        let created;
        let url = if url.starts_with("sqlite:") && !url.contains("mode=") {
            created = format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' });
            created.as_str()
        } else {
            url
        };
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if cfg!(feature = "postgres")
            && (url.starts_with("postgres:") || url.starts_with("postgresql:"))
        {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let options: AnyConnectOptions = url.parse()?;
        let pool = match backend {
            // One writer at a time is how SQLite works; one connection makes the
            // waiting happen in the pool, not in "database is locked" errors.
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(1)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::raw_sql("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
                                .execute(conn)
                                .await
                                .map(|_| ())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).connect_with(options).await?,
        };
        let store = Store {
            pool,
            backend,
            retention: LEDGER_RETENTION,
            ledger_cap: LEDGER_ROWS_PER_USER,
            writes_per_minute: WRITES_PER_MINUTE,
            alive: Arc::default(),
            sweeping: Arc::default(),
            shared: Arc::default(),
        };
        schema::migrate(&store).await?;
        Ok(store)
    }

    /// The same store, remembering ops for `retention` (7 days by default)
    /// instead: ops issued longer ago are refused, never applied twice.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), rtux::store::StoreError> {
    /// # let dir = std::env::temp_dir().join(format!("rtux-ret-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// use std::time::Duration;
    /// let store = rtux::store::Store::sqlite(dir.join("app.db")).await?
    ///     .with_ledger_retention(Duration::from_secs(3 * 24 * 3600));
    /// assert_eq!(store.ledger_retention(), Duration::from_secs(3 * 24 * 3600));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn with_ledger_retention(mut self, retention: impl Into<Duration>) -> Store {
        let retention = retention.into();
        self.retention = retention;
        self
    }

    /// How long the ledger remembers an op.
    pub fn ledger_retention(&self) -> Duration {
        self.retention
    }

    /// Why an op issued at `issued_at` (ms since the epoch) and not in the
    /// ledger cannot be applied safely, if so: issued before the retention
    /// window or at or before its user's `floor` (its ledger row may be gone,
    /// so whether it applied is not known), or implausibly far in the future.
    pub(crate) fn op_too_old(&self, issued_at: i64, floor: i64) -> Option<(Code, String)> {
        let now = now_ms();
        let window = i64::try_from(self.retention.as_millis()).unwrap_or(i64::MAX);
        let ahead = i64::try_from(CLOCK_AHEAD.as_millis()).unwrap_or(i64::MAX);
        let unknown = "whether it was applied then is not known, so it was not applied now: reload to see what is saved";
        if issued_at < now.saturating_sub(window) {
            let days = (now - issued_at) / 86_400_000;
            Some((
                Code::TooOld,
                format!(
                    "too old: this action was made {days} days ago and the server remembers actions for {} days; {unknown}",
                    window / 86_400_000
                ),
            ))
        } else if issued_at <= floor {
            Some((
                Code::TooOld,
                format!(
                    "too old: the server remembers your last {} actions and this one is older; {unknown}",
                    self.ledger_cap
                ),
            ))
        } else if issued_at > now.saturating_add(ahead) {
            Some((Code::Invalid, "the action's time (`at`) is more than a day ahead of the server's clock: check the device's clock; nothing was changed".into()))
        } else {
            None
        }
    }

    /// The same store, keeping at most `rows` ledger rows per user (20,000
    /// by default, [`LEDGER_ROWS_PER_USER`]): past it a user's oldest tenth
    /// is forgotten, and their ops issued as early are refused as too old.
    #[must_use]
    pub fn with_ledger_rows_per_user(mut self, rows: u64) -> Store {
        self.ledger_cap = rows.max(1);
        self
    }

    /// The most ledger rows a user keeps.
    pub fn ledger_rows_per_user(&self) -> u64 {
        self.ledger_cap
    }

    /// The same store, letting each user write `writes` times a minute
    /// across every resource and node (bursts of as many at once; 300 by
    /// default, [`WRITES_PER_MINUTE`]): past it an action is refused with
    /// `retry_after_ms`, nothing written.
    #[must_use]
    pub fn with_writes_per_minute(mut self, writes: u32) -> Store {
        self.writes_per_minute = writes.max(1);
        self
    }

    /// How many writes a user may make a minute.
    pub fn writes_per_minute(&self) -> u32 {
        self.writes_per_minute
    }

    /// What the store keeps for one user: the bounded tables they can grow
    /// (docs/security.md), for operators and tests.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), rtux::store::StoreError> {
    /// # let dir = std::env::temp_dir().join(format!("rtux-kept-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let store = rtux::store::Store::sqlite(dir.join("app.db")).await?;
    /// assert_eq!(store.kept_for("ana").await?, rtux::store::Kept::default());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn kept_for(&self, user: &str) -> Result<Kept, StoreError> {
        let mut conn = self.conn().await?;
        let sum = |table: &str, column: &str| {
            format!(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH({column})), 0) FROM {table} WHERE user_id = $1"
            )
        };
        let mut counts = Vec::new();
        for (table, column) in [("rtux_ledger", "reply"), ("rtux_drafts", "data")] {
            let row = sqlx::query(sqlx::AssertSqlSafe(sum(table, column)))
                .bind(user)
                .fetch_one(&mut *conn)
                .await?;
            let n: i64 = sqlx::Row::try_get(&row, 0)?;
            let bytes: i64 = sqlx::Row::try_get(&row, 1)?;
            counts.push((
                u64::try_from(n).unwrap_or(0),
                u64::try_from(bytes).unwrap_or(0),
            ));
        }
        let locks: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM rtux_locks WHERE holder_user = $1 AND expires_at > $2",
        )
        .bind(user)
        .bind(now_ms())
        .fetch_one(&mut *conn)
        .await?;
        Ok(Kept {
            ops: counts[0].0,
            answer_bytes: counts[0].1,
            drafts: counts[1].0,
            draft_bytes: counts[1].1,
            locks: u64::try_from(locks).unwrap_or(0),
        })
    }

    /// How many ops the ledger remembers.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn ledger_len(&self) -> Result<i64, StoreError> {
        ledger::count(&mut *self.pool.acquire().await?).await
    }

    /// The database this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// One record.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn get(&self, kind: &str, id: &str) -> Result<Option<Record>, StoreError> {
        records::get(&mut *self.pool.acquire().await?, kind, id).await
    }

    /// Every record of a kind, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn list(&self, kind: &str) -> Result<Vec<Record>, StoreError> {
        records::list(&mut *self.pool.acquire().await?, kind).await
    }

    /// Up to `limit` live records of a kind, oldest first, after the record at
    /// `after` (its `inserted_at` and id; from the start with `None`): one page
    /// of a long list.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn page(
        &self,
        kind: &str,
        after: Option<(i64, &str)>,
        limit: u64,
    ) -> Result<Vec<Record>, StoreError> {
        records::page(&mut *self.pool.acquire().await?, kind, after, limit).await
    }

    /// Inserts a record at version 1, with `id` or a fresh time-ordered one.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure (including a taken id).
    pub async fn insert(
        &self,
        kind: &str,
        id: Option<&str>,
        data: Value,
    ) -> Result<Record, StoreError> {
        records::insert(&mut *self.pool.acquire().await?, kind, id, &data, None).await
    }

    /// Replaces a record's data if it is still at `version`.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn update(
        &self,
        kind: &str,
        id: &str,
        version: i64,
        data: Value,
    ) -> Result<Written, StoreError> {
        records::update(
            &mut *self.pool.acquire().await?,
            kind,
            id,
            version,
            &data,
            None,
        )
        .await
    }

    /// Deletes a record if it is still at `version` (any version with `None`).
    ///
    /// # Errors
    /// [`StoreError`] on a database failure.
    pub async fn delete(
        &self,
        kind: &str,
        id: &str,
        version: Option<i64>,
    ) -> Result<Written, StoreError> {
        records::delete(&mut *self.pool.acquire().await?, kind, id, version).await
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The value of type `T` every handle of this store shares, made with
    /// `T::default()` the first time it is asked for: a layer above keeps
    /// what it knows per store here (the store knows nothing of what it is).
    pub(crate) fn shared<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        lock(&self.shared).get_or_insert_default::<Arc<T>>().clone()
    }

    /// A connection of the pool, for statements outside a transaction.
    pub(crate) async fn conn(&self) -> Result<PoolConnection<sqlx::Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }
}

/// Now, in ms since the Unix epoch (the store's clock for deadlines).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
