//! Earlier versions of records of editable resources, the base of three-way
//! merges. A record's history goes with the record.

use serde_json::Value;
use sqlx::AnyConnection;

use super::{Record, StoreError, records::parse};

/// Versions kept per record for three-way merges.
pub(crate) const DEPTH: i64 = 100;

/// Keeps a record's data at its version, for later merges against it; drops
/// versions older than [`DEPTH`].
pub(crate) async fn put(conn: &mut AnyConnection, record: &Record) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO rtux_history (kind, id, version, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(&record.kind)
        .bind(&record.id)
        .bind(record.version)
        .bind(record.data.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM rtux_history WHERE kind = $1 AND id = $2 AND version <= $3")
        .bind(&record.kind)
        .bind(&record.id)
        .bind(record.version - DEPTH)
        .execute(conn)
        .await?;
    Ok(())
}

/// A record's data at an earlier version, if it was kept.
pub(crate) async fn get(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
    version: i64,
) -> Result<Option<Value>, StoreError> {
    let data: Option<String> = sqlx::query_scalar(
        "SELECT data FROM rtux_history WHERE kind = $1 AND id = $2 AND version = $3",
    )
    .bind(kind)
    .bind(id)
    .bind(version)
    .fetch_optional(conn)
    .await?;
    data.as_deref().map(parse).transpose()
}

/// Drops a deleted record's history.
pub(crate) async fn drop_record(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM rtux_history WHERE kind = $1 AND id = $2")
        .bind(kind)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops history whose record is gone (left by stores from before records
/// took their history with them); how many rows.
pub(crate) async fn drop_orphans(conn: &mut AnyConnection) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "DELETE FROM rtux_history WHERE NOT EXISTS (SELECT 1 FROM rtux_records r
           WHERE r.kind = rtux_history.kind AND r.id = rtux_history.id)",
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
