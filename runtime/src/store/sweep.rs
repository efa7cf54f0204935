//! The sweeper: keeps the store's tables bounded. Any node may run it, as
//! often as it likes; each pass is a few indexed deletes.

use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::AnyPool;

use super::{Store, StoreError, drafts, history, ledger, locks, now_ms, quotas, records, sessions};

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Records whose undo window had passed.
    pub records: u64,
    /// Ledger rows older than the retention window.
    pub ops: u64,
    /// History rows of records that are gone.
    pub history: u64,
    /// Locks and quota counts that ended over an hour ago, expired sign-in
    /// sessions and drafts.
    pub spent: u64,
}

impl Store {
    /// Removes what the store no longer needs: records whose deletion deadline
    /// has passed (with their history), ledger rows issued and applied before
    /// the retention window, history of records that are gone, locks and
    /// quota counts that ended over an hour ago, expired sign-in sessions and drafts. Runs by itself
    /// every minute once a resource has served a join; call it to sweep now.
    ///
    /// # Errors
    /// [`StoreError`] on a database failure (nothing is half-removed).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), rtux::store::StoreError> {
    /// # let dir = std::env::temp_dir().join(format!("rtux-sweep-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let store = rtux::store::Store::sqlite(dir.join("app.db")).await?;
    /// let swept = store.sweep().await?;
    /// assert_eq!(swept.ops, 0);
    /// # Ok(()) }
    /// ```
    pub async fn sweep(&self) -> Result<Swept, StoreError> {
        sweep(&self.pool, self.retention).await
    }

    /// Starts the periodic sweep of this store (once per store, however many
    /// resources share it); it stops when the last handle to the store is
    /// dropped.
    pub(crate) fn keep_swept(&self) {
        if tokio::runtime::Handle::try_current().is_err() || self.sweeping.set(()).is_err() {
            return;
        }
        let alive: Weak<()> = Arc::downgrade(&self.alive);
        let (pool, retention) = (self.pool.clone(), self.retention);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(SWEEP_EVERY).await;
                if alive.upgrade().is_none() {
                    return;
                }
                match sweep(&pool, retention).await {
                    Ok(swept) if swept != Swept::default() => {
                        tracing::debug!(?swept, "store swept")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("store sweep failed (retried in a minute): {e}"),
                }
            }
        });
    }
}

async fn sweep(pool: &AnyPool, retention: Duration) -> Result<Swept, StoreError> {
    let now = now_ms();
    let retention = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    let mut tx = pool.begin().await?;
    let swept = Swept {
        records: records::purge_deleted(&mut tx, now).await?,
        ops: ledger::expire(&mut tx, now.saturating_sub(retention)).await?,
        history: history::drop_orphans(&mut tx).await?,
        spent: locks::purge_expired(&mut tx, now.saturating_sub(SPENT)).await?
            + quotas::expire(&mut tx, now.saturating_sub(SPENT)).await?
            + sessions::expire_sessions(&mut tx, now).await?
            + drafts::expire(&mut tx, now).await?,
    };
    tx.commit().await?;
    Ok(swept)
}

/// How long ended locks and quota windows are kept (an hour, in ms).
const SPENT: i64 = 60 * 60 * 1000;

/// How often a store sweeps itself.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
