use std::sync::atomic::{AtomicU64, Ordering};

use rtux::store::Store;

use crate::required;

/// The PostgreSQL the tests use (`RTUX_TEST_POSTGRES` overrides it).
pub fn postgres_url() -> String {
    std::env::var("RTUX_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A name no other test (or earlier run) uses: for topics, files and clients.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{prefix}-{}-{nanos:x}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh SQLite file in the temp directory.
pub fn sqlite_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("{}.db", unique("rtux-test")))
}

/// Where a store lives, so a test can open it again (a restart).
#[derive(Debug, Clone)]
pub enum StoreAt {
    /// An SQLite file.
    Sqlite(std::path::PathBuf),
    /// The test PostgreSQL.
    Postgres(String),
}

impl StoreAt {
    /// Opens (again) the store.
    pub async fn open(&self) -> Store {
        match self {
            StoreAt::Sqlite(path) => Store::sqlite(path).await.expect("open sqlite"),
            StoreAt::Postgres(url) => Store::open(url).await.expect("open postgres"),
        }
    }

    /// "sqlite" or "postgres", for messages.
    pub fn name(&self) -> &'static str {
        match self {
            StoreAt::Sqlite(_) => "sqlite",
            StoreAt::Postgres(_) => "postgres",
        }
    }
}

/// Every backend a store test runs against: SQLite always, PostgreSQL when it
/// answers (and always under CI, where its absence fails the test).
pub async fn backends() -> Vec<StoreAt> {
    let mut out = vec![StoreAt::Sqlite(sqlite_path())];
    let url = postgres_url();
    match Store::open(&url).await {
        Ok(_) => out.push(StoreAt::Postgres(url)),
        Err(e) => {
            assert!(
                !required(),
                "CI must run the PostgreSQL store tests, but {url} failed: {e}"
            );
            eprintln!("SKIPPED PostgreSQL: {url} failed: {e}");
        }
    }
    out
}
