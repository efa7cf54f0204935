//! Earlier versions of records of editable resources, the base of three-way
//! merges. Bounded in bytes per record and per topic: past either bound the
//! oldest versions go first (a save made from a version no longer kept merges
//! against no base, so fields both sides changed come back as conflicts). A
//! record's history goes with the record. A running total per topic keeps the
//! topic's bound one indexed read per write.

use std::collections::HashMap;

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::row::parse;
use super::{Record, StoreError, now_ms};

/// Versions kept per record for three-way merges, at most.
pub(crate) const DEPTH: i64 = 100;
/// Bytes of earlier versions kept per record (128 KiB): the newest always
/// stays.
pub const HISTORY_BYTES_PER_RECORD: i64 = 128 * 1024;
/// Bytes of earlier versions kept per topic (16 MiB).
pub const HISTORY_BYTES_PER_TOPIC: i64 = 16 * 1024 * 1024;

/// Keeps a record's data at its version, for later merges against it; drops
/// the record's versions past [`DEPTH`] or [`HISTORY_BYTES_PER_RECORD`], then
/// the topic's oldest past [`HISTORY_BYTES_PER_TOPIC`].
pub(crate) async fn put(conn: &mut AnyConnection, record: &Record) -> Result<(), StoreError> {
    let data = record.data.to_string();
    let bytes = i64::try_from(data.len()).unwrap_or(i64::MAX);
    let added = sqlx::query("INSERT INTO rtux_history (kind, id, version, data, bytes, saved_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
        .bind(&record.kind)
        .bind(&record.id)
        .bind(record.version)
        .bind(&data)
        .bind(bytes)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if added == 0 {
        return Ok(());
    }
    let mut gone = trim_record(conn, &record.kind, &record.id).await?;
    let total = add(conn, &record.kind, bytes - gone).await?;
    if total > HISTORY_BYTES_PER_TOPIC {
        gone = trim_topic(conn, &record.kind, total - HISTORY_BYTES_PER_TOPIC).await?;
        add(conn, &record.kind, -gone).await?;
    }
    Ok(())
}

/// Drops a record's versions past its bounds; their bytes.
async fn trim_record(conn: &mut AnyConnection, kind: &str, id: &str) -> Result<i64, StoreError> {
    let rows = sqlx::query(
        "SELECT version, bytes FROM rtux_history WHERE kind = $1 AND id = $2 ORDER BY version DESC",
    )
    .bind(kind)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let (mut kept, mut cut) = (0_i64, None);
    for (n, row) in rows.iter().enumerate() {
        let version: i64 = row.try_get("version")?;
        let bytes: i64 = row.try_get("bytes")?;
        kept = kept.saturating_add(bytes);
        let past_depth = i64::try_from(n).unwrap_or(i64::MAX) >= DEPTH;
        if n > 0 && (past_depth || kept > HISTORY_BYTES_PER_RECORD) {
            cut = Some(version);
            break;
        }
    }
    let Some(cut) = cut else { return Ok(0) };
    let gone: Vec<i64> = sqlx::query_scalar(
        "DELETE FROM rtux_history WHERE kind = $1 AND id = $2 AND version <= $3 RETURNING bytes",
    )
    .bind(kind)
    .bind(id)
    .bind(cut)
    .fetch_all(&mut *conn)
    .await?;
    Ok(gone.iter().sum())
}

/// Drops the topic's oldest versions until `excess` bytes are gone; their bytes.
async fn trim_topic(conn: &mut AnyConnection, kind: &str, excess: i64) -> Result<i64, StoreError> {
    let rows = sqlx::query(
        "SELECT saved_at, bytes FROM rtux_history WHERE kind = $1 ORDER BY saved_at LIMIT 1000",
    )
    .bind(kind)
    .fetch_all(&mut *conn)
    .await?;
    let (mut freed, mut cut) = (0_i64, None);
    for row in &rows {
        freed = freed.saturating_add(row.try_get::<i64, _>("bytes")?);
        cut = Some(row.try_get::<i64, _>("saved_at")?);
        if freed >= excess {
            break;
        }
    }
    let Some(cut) = cut else { return Ok(0) };
    let gone: Vec<i64> = sqlx::query_scalar(
        "DELETE FROM rtux_history WHERE kind = $1 AND saved_at <= $2 RETURNING bytes",
    )
    .bind(kind)
    .bind(cut)
    .fetch_all(&mut *conn)
    .await?;
    Ok(gone.iter().sum())
}

/// Adds `bytes` (negative: removes) to the topic's total; the new total.
async fn add(conn: &mut AnyConnection, kind: &str, bytes: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO rtux_history_totals (kind, bytes) VALUES ($1, $2)
         ON CONFLICT (kind) DO UPDATE SET bytes = rtux_history_totals.bytes + $2
         RETURNING bytes",
    )
    .bind(kind)
    .bind(bytes)
    .fetch_one(conn)
    .await?)
}

/// Takes removed rows' bytes (as `(kind, bytes)` rows) off their topics' totals.
async fn subtract(conn: &mut AnyConnection, gone: &[sqlx::any::AnyRow]) -> Result<u64, StoreError> {
    let mut per_kind: HashMap<String, i64> = HashMap::new();
    for row in gone {
        *per_kind.entry(row.try_get("kind")?).or_default() += row.try_get::<i64, _>("bytes")?;
    }
    for (kind, bytes) in per_kind {
        add(conn, &kind, -bytes).await?;
    }
    Ok(u64::try_from(gone.len()).unwrap_or(u64::MAX))
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
    let gone =
        sqlx::query("DELETE FROM rtux_history WHERE kind = $1 AND id = $2 RETURNING kind, bytes")
            .bind(kind)
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    subtract(conn, &gone).await?;
    Ok(())
}

/// Drops the history of records whose deletion deadline passed by `now`
/// (they are about to be purged); how many rows.
pub(crate) async fn drop_deleted(conn: &mut AnyConnection, now: i64) -> Result<u64, StoreError> {
    let gone = sqlx::query(
        "DELETE FROM rtux_history WHERE EXISTS (SELECT 1 FROM rtux_records r
           WHERE r.kind = rtux_history.kind AND r.id = rtux_history.id AND r.delete_at <= $1)
         RETURNING kind, bytes",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    subtract(conn, &gone).await
}

/// Drops history whose record is gone (left by stores from before records
/// took their history with them); how many rows.
pub(crate) async fn drop_orphans(conn: &mut AnyConnection) -> Result<u64, StoreError> {
    let gone = sqlx::query(
        "DELETE FROM rtux_history WHERE NOT EXISTS (SELECT 1 FROM rtux_records r
           WHERE r.kind = rtux_history.kind AND r.id = rtux_history.id)
         RETURNING kind, bytes",
    )
    .fetch_all(&mut *conn)
    .await?;
    subtract(conn, &gone).await
}
