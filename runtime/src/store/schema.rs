//! The tables, created on first open. The same statements run on SQLite and
//! PostgreSQL (JSON is kept as text, times as integer milliseconds).

use super::{Backend, Store, StoreError};

const TABLES: [&str; 3] = [
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
];

/// Creates the tables if they are missing. On PostgreSQL an advisory lock keeps
/// servers that start together from racing on the catalog.
pub(super) async fn migrate(store: &Store) -> Result<(), StoreError> {
    let mut tx = store.pool().begin().await?;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(727378)")
            .execute(&mut *tx)
            .await?;
    }
    for statement in TABLES {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
