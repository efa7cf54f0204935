//! The tables, created on first open and migrated forward on every open. The
//! same statements run on SQLite and PostgreSQL (JSON is kept as text, times as
//! integer milliseconds).
//!
//! Migrations are numbered steps; `rtux_schema` holds how many have run. A store
//! made before `rtux_schema` existed has run none by that count, which is safe
//! because the first step only creates what is missing.

use super::{Backend, Store, StoreError};

/// Each step's statements, in order. Append steps; never edit one that shipped.
const STEPS: &[&[&str]] = &[
    &[
        "CREATE TABLE IF NOT EXISTS rtux_records (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            version BIGINT NOT NULL,
            data TEXT NOT NULL,
            inserted_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (kind, id)
        )",
        "CREATE TABLE IF NOT EXISTS rtux_ops (
            user_id TEXT NOT NULL,
            client_id TEXT NOT NULL,
            op_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            reply TEXT NOT NULL,
            applied_at BIGINT NOT NULL,
            PRIMARY KEY (user_id, client_id, op_id)
        )",
        "CREATE TABLE IF NOT EXISTS rtux_history (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            version BIGINT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (kind, id, version)
        )",
    ],
    // Who wrote a record's current version ({"user", "name"} as JSON), so a
    // conflict can say who saved while you were editing.
    &["ALTER TABLE rtux_records ADD COLUMN updated_by TEXT"],
    // Undoable deletes are durable: a record is marked with its deadline and
    // the op that asked (any node may purge it, an undo clears it). The ledger
    // is keyed by topic too, and remembers when each op was issued, for
    // retention. Rows of the old ledger keep answering for any topic ('').
    &[
        "ALTER TABLE rtux_records ADD COLUMN delete_at BIGINT",
        "ALTER TABLE rtux_records ADD COLUMN delete_op TEXT",
        "CREATE INDEX IF NOT EXISTS rtux_records_delete_at ON rtux_records (delete_at)",
        "CREATE TABLE IF NOT EXISTS rtux_ledger (
            topic TEXT NOT NULL,
            user_id TEXT NOT NULL,
            client_id TEXT NOT NULL,
            op_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            reply TEXT NOT NULL,
            issued_at BIGINT NOT NULL,
            applied_at BIGINT NOT NULL,
            PRIMARY KEY (user_id, client_id, op_id, topic)
        )",
        "INSERT INTO rtux_ledger (topic, user_id, client_id, op_id, fingerprint, reply, issued_at, applied_at)
            SELECT '', user_id, client_id, op_id, fingerprint, reply, applied_at, applied_at FROM rtux_ops",
        "DROP TABLE rtux_ops",
        "CREATE INDEX IF NOT EXISTS rtux_ledger_applied_at ON rtux_ledger (applied_at)",
    ],
    // Section locks live in the store, so a lock has one holder across every
    // node: the holder's connection (unique across processes), a token that
    // grows with each grant (fencing the expiry of older grants), and times.
    // Per-user quotas that must hold across nodes are kept here (a GCRA's
    // theoretical arrival time per scope and user).
    &[
        "CREATE TABLE IF NOT EXISTS rtux_locks (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            section TEXT NOT NULL,
            holder_user TEXT NOT NULL,
            holder_name TEXT,
            holder_conn TEXT NOT NULL,
            token BIGINT NOT NULL,
            acquired_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (kind, id, section)
        )",
        "CREATE INDEX IF NOT EXISTS rtux_locks_holder ON rtux_locks (holder_conn)",
        "CREATE TABLE IF NOT EXISTS rtux_quotas (
            scope TEXT NOT NULL,
            user_id TEXT NOT NULL,
            tat BIGINT NOT NULL,
            PRIMARY KEY (scope, user_id)
        )",
    ],
    // Accounts and their sign-in sessions (`rtux::accounts`): an email once,
    // an argon2 PHC string, never the password; a session row per signed-in
    // browser, found by the SHA-256 of its cookie's secret (a copy of the
    // table signs nobody in), revoked by deleting it.
    &[
        "CREATE TABLE IF NOT EXISTS rtux_accounts (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )",
        "CREATE TABLE IF NOT EXISTS rtux_sessions (
            id TEXT PRIMARY KEY,
            secret_hash TEXT NOT NULL UNIQUE,
            account_id TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )",
        "CREATE INDEX IF NOT EXISTS rtux_sessions_account ON rtux_sessions (account_id)",
    ],
    // Drafts: what a person typed into a record's form and has not saved, per
    // (user, record), so another device of theirs restores it.
    &[
        "CREATE TABLE IF NOT EXISTS rtux_drafts (
            user_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            data TEXT NOT NULL,
            saved_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (user_id, kind, record_id)
        )",
        "CREATE INDEX IF NOT EXISTS rtux_drafts_expires_at ON rtux_drafts (expires_at)",
    ],
    // Bounds per user and in bytes (docs/security.md): each user's count of
    // ledger rows and the issue time at or before which their oldest were
    // forgotten (the cap); each history row's size and time, with a running
    // total per topic; locks counted per user.
    &[
        "CREATE TABLE IF NOT EXISTS rtux_ledger_users (
            user_id TEXT PRIMARY KEY,
            row_count BIGINT NOT NULL,
            floor_at BIGINT NOT NULL
        )",
        "INSERT INTO rtux_ledger_users (user_id, row_count, floor_at)
            SELECT user_id, COUNT(*), 0 FROM rtux_ledger GROUP BY user_id",
        "CREATE INDEX IF NOT EXISTS rtux_ledger_user_issued ON rtux_ledger (user_id, issued_at)",
        "ALTER TABLE rtux_history ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE rtux_history ADD COLUMN saved_at BIGINT NOT NULL DEFAULT 0",
        "UPDATE rtux_history SET bytes = LENGTH(data)",
        "CREATE INDEX IF NOT EXISTS rtux_history_kind_saved ON rtux_history (kind, saved_at)",
        "CREATE TABLE IF NOT EXISTS rtux_history_totals (
            kind TEXT PRIMARY KEY,
            bytes BIGINT NOT NULL
        )",
        "INSERT INTO rtux_history_totals (kind, bytes)
            SELECT kind, SUM(bytes) FROM rtux_history GROUP BY kind",
        "CREATE INDEX IF NOT EXISTS rtux_locks_user ON rtux_locks (holder_user)",
    ],
];

/// Runs the steps this store has not run yet, in one transaction. On
/// PostgreSQL an advisory lock keeps servers that start together from racing on
/// the catalog; on SQLite the first write takes the file's write lock.
pub(super) async fn migrate(store: &Store) -> Result<(), StoreError> {
    let mut tx = store.pool().begin().await?;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(727378)")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("CREATE TABLE IF NOT EXISTS rtux_schema (steps BIGINT NOT NULL)")
        .execute(&mut *tx)
        .await?;
    let done: Option<i64> = sqlx::query_scalar("SELECT MAX(steps) FROM rtux_schema")
        .fetch_one(&mut *tx)
        .await?;
    let done = usize::try_from(done.unwrap_or(0)).unwrap_or(0);
    if done > STEPS.len() {
        return Err(StoreError::Corrupt(format!(
            "the store was migrated by a newer rtux ({done} schema steps; this one knows {}): upgrade rtux or use another database",
            STEPS.len()
        )));
    }
    for step in &STEPS[done..] {
        for &statement in *step {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
    }
    if done < STEPS.len() {
        let steps = i64::try_from(STEPS.len()).unwrap_or(i64::MAX);
        sqlx::query("DELETE FROM rtux_schema")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO rtux_schema (steps) VALUES ($1)")
            .bind(steps)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
