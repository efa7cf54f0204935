//! Statements on records, on any connection (a pool's or a transaction's).
//!
//! A record scheduled for deletion (an undoable delete) keeps its row with a
//! deadline (`delete_at`) and the op that asked for it (`delete_op`): readers
//! no longer see it, writers are refused, an undo clears the mark, and the
//! sweeper purges it once the deadline has passed.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::row::record;
use super::{Record, StoreError, Written, now_ms};

const COLUMNS: &str = "kind, id, version, data, inserted_at, updated_at, updated_by";

/// Only records nobody is deleting.
const LIVE: &str = "delete_at IS NULL";

fn json_text(data: &Value) -> String {
    data.to_string()
}

/// A live record (none while it is being deleted).
pub(crate) async fn get(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
) -> Result<Option<Record>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM rtux_records WHERE kind = $1 AND id = $2 AND {LIVE}"
    )))
    .bind(kind)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(record).transpose()
}

/// A record as a writer finds it.
#[derive(Debug)]
pub(crate) enum Found {
    /// Live: writes may apply.
    Live(Record),
    /// Scheduled for deletion until this deadline (ms since the epoch); an undo
    /// may bring it back, so writes are refused rather than lost.
    Deleting(Record, i64),
    /// No such record (or its deletion's deadline has passed).
    Missing,
}

/// The record for a writer: live, being deleted, or missing.
pub(crate) async fn find(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
) -> Result<Found, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, delete_at FROM rtux_records WHERE kind = $1 AND id = $2"
    )))
    .bind(kind)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(Found::Missing);
    };
    let until: Option<i64> = row.try_get("delete_at")?;
    Ok(match until {
        None => Found::Live(record(&row)?),
        Some(until) if until > now_ms() => Found::Deleting(record(&row)?, until),
        Some(_) => Found::Missing,
    })
}

/// Every live record of a kind, oldest first.
pub(crate) async fn list(conn: &mut AnyConnection, kind: &str) -> Result<Vec<Record>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM rtux_records WHERE kind = $1 AND {LIVE} ORDER BY inserted_at, id"
    )))
    .bind(kind)
    .fetch_all(conn)
    .await?;
    rows.iter().map(record).collect()
}

/// Up to `limit` live records of a kind after `after` (an `(inserted_at, id)`
/// position; from the start with `None`), oldest first.
pub(crate) async fn page(
    conn: &mut AnyConnection,
    kind: &str,
    after: Option<(i64, &str)>,
    limit: u64,
) -> Result<Vec<Record>, StoreError> {
    let (at, id) = after.unwrap_or((i64::MIN, ""));
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM rtux_records WHERE kind = $1 AND {LIVE}
           AND (inserted_at > $2 OR (inserted_at = $2 AND id > $3))
         ORDER BY inserted_at, id LIMIT $4"
    )))
    .bind(kind)
    .bind(at)
    .bind(id)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(conn)
    .await?;
    rows.iter().map(record).collect()
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    kind: &str,
    id: Option<&str>,
    data: &Value,
    by: Option<&Value>,
) -> Result<Record, StoreError> {
    let id = id.map_or_else(|| uuid::Uuid::now_v7().simple().to_string(), str::to_owned);
    let now = now_ms();
    sqlx::query("INSERT INTO rtux_records (kind, id, version, data, inserted_at, updated_at, updated_by) VALUES ($1, $2, 1, $3, $4, $4, $5)")
        .bind(kind)
        .bind(&id)
        .bind(json_text(data))
        .bind(now)
        .bind(by.map(json_text))
        .execute(conn)
        .await?;
    Ok(Record {
        kind: kind.to_owned(),
        id,
        version: 1,
        data: data.clone(),
        inserted_at: now,
        updated_at: now,
        updated_by: by.cloned(),
    })
}

/// How many live records a kind holds.
pub(crate) async fn count_live(conn: &mut AnyConnection, kind: &str) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM rtux_records WHERE kind = $1 AND {LIVE}"
    )))
    .bind(kind)
    .fetch_one(conn)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Where a live record stands in its kind's order (oldest first): its index,
/// and the id of the live record just before it.
pub(crate) async fn position(
    conn: &mut AnyConnection,
    record: &Record,
) -> Result<(i64, Option<String>), StoreError> {
    let before =
        format!("kind = $1 AND {LIVE} AND (inserted_at < $2 OR (inserted_at = $2 AND id < $3))");
    let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM rtux_records WHERE {before}"
    )))
    .bind(&record.kind)
    .bind(record.inserted_at)
    .bind(&record.id)
    .fetch_one(&mut *conn)
    .await?;
    let previous: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM rtux_records WHERE {before} ORDER BY inserted_at DESC, id DESC LIMIT 1"
    )))
    .bind(&record.kind)
    .bind(record.inserted_at)
    .bind(&record.id)
    .fetch_optional(conn)
    .await?;
    Ok((count, previous))
}

/// Tells a stale write from a missing record, after a conditional write that
/// touched no row. A record being deleted is stale to a writer: it is not
/// theirs to change until an undo brings it back.
async fn not_written(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
) -> Result<Written, StoreError> {
    Ok(match find(conn, kind, id).await? {
        Found::Live(current) | Found::Deleting(current, _) => Written::Stale(current),
        Found::Missing => Written::Missing,
    })
}

pub(crate) async fn update(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
    version: i64,
    data: &Value,
    by: Option<&Value>,
) -> Result<Written, StoreError> {
    let now = now_ms();
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE rtux_records SET version = version + 1, data = $1, updated_at = $2, updated_by = $3
         WHERE kind = $4 AND id = $5 AND version = $6 AND {LIVE} RETURNING inserted_at"
    )))
    .bind(json_text(data))
    .bind(now)
    .bind(by.map(json_text))
    .bind(kind)
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Written::Applied(Record {
            kind: kind.to_owned(),
            id: id.to_owned(),
            version: version + 1,
            data: data.clone(),
            inserted_at: row.try_get("inserted_at")?,
            updated_at: now,
            updated_by: by.cloned(),
        })),
        None => not_written(conn, kind, id).await,
    }
}

/// Deletes a live record at `version` (any version with `None`), with its
/// history.
pub(crate) async fn delete(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
    version: Option<i64>,
) -> Result<Written, StoreError> {
    let Some(current) = get(&mut *conn, kind, id).await? else {
        return not_written(conn, kind, id).await;
    };
    let expected = version.unwrap_or(current.version);
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM rtux_records WHERE kind = $1 AND id = $2 AND version = $3 AND {LIVE}"
    )))
    .bind(kind)
    .bind(id)
    .bind(expected)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        super::history::drop_record(conn, kind, id).await?;
        Ok(Written::Applied(current))
    } else {
        not_written(conn, kind, id).await
    }
}

/// Schedules a live record's deletion at `until` for the op `by_op`; false if
/// it is not live (gone, or another deletion is under way).
pub(crate) async fn mark_deleting(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
    until: i64,
    by_op: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE rtux_records SET delete_at = $1, delete_op = $2 WHERE kind = $3 AND id = $4 AND {LIVE}"
    )))
    .bind(until)
    .bind(by_op)
    .bind(kind)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels the deletion `by_op` scheduled in `kind`, if its deadline has not
/// passed: the record, live again.
pub(crate) async fn unmark_deleting(
    conn: &mut AnyConnection,
    kind: &str,
    by_op: &str,
) -> Result<Option<Record>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE rtux_records SET delete_at = NULL, delete_op = NULL
         WHERE kind = $1 AND delete_op = $2 AND delete_at > $3 RETURNING {COLUMNS}"
    )))
    .bind(kind)
    .bind(by_op)
    .bind(now_ms())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(record).transpose()
}

/// Removes the records whose deletion deadline has passed (with their
/// history); how many.
pub(crate) async fn purge_deleted(conn: &mut AnyConnection, now: i64) -> Result<u64, StoreError> {
    super::history::drop_deleted(conn, now).await?;
    let done = sqlx::query("DELETE FROM rtux_records WHERE delete_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
