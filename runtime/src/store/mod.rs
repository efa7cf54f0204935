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

pub(crate) mod accounts;
pub(crate) mod drafts;
pub(crate) mod history;
pub(crate) mod ledger;
pub(crate) mod locks;
pub(crate) mod quotas;
pub(crate) mod records;
pub(crate) mod references;
mod schema;
mod sweep;

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{AnyPool, Transaction};

pub use drafts::Draft;
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
    /// Dropped with the last handle: stops the sweeper.
    alive: Arc<()>,
    /// Set once the periodic sweep runs.
    sweeping: Arc<OnceLock<()>>,
    /// The fields that refer to records, as resources declared them.
    references: Arc<references::Registry>,
}

/// How long the ledger remembers ops by default: 7 days.
pub const LEDGER_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

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
            alive: Arc::default(),
            sweeping: Arc::default(),
            references: Arc::default(),
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

    /// Why an op issued at `issued_at` (ms since the epoch) cannot be applied
    /// safely, if so: issued before the retention window (its ledger row may be
    /// gone), or implausibly far in the future.
    pub(crate) fn op_too_old(&self, issued_at: i64) -> Option<String> {
        let now = now_ms();
        let window = i64::try_from(self.retention.as_millis()).unwrap_or(i64::MAX);
        let ahead = i64::try_from(CLOCK_AHEAD.as_millis()).unwrap_or(i64::MAX);
        if issued_at < now.saturating_sub(window) {
            let days = (now - issued_at) / 86_400_000;
            Some(format!(
                "too old to apply safely: this action was made {days} days ago and the server remembers actions for {} days; nothing was changed — reload and do it again",
                window / 86_400_000
            ))
        } else if issued_at > now.saturating_add(ahead) {
            Some("the action's time (`at`) is more than a day ahead of the server's clock: check the device's clock; nothing was changed".into())
        } else {
            None
        }
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

    /// The fields of this store's resources that refer to records.
    pub(crate) fn references(&self) -> &references::Registry {
        &self.references
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
