//! The store's statements, on any connection (a pool's or a transaction's).

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::{Record, StoreError, Written, now_ms};

const COLUMNS: &str = "kind, id, version, data, inserted_at, updated_at, updated_by";

fn parse(text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn record(row: &sqlx::any::AnyRow) -> Result<Record, StoreError> {
    let data: String = row.try_get("data")?;
    let by: Option<String> = row.try_get("updated_by")?;
    Ok(Record {
        kind: row.try_get("kind")?,
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        data: parse(&data)?,
        inserted_at: row.try_get("inserted_at")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: by.as_deref().map(parse).transpose()?,
    })
}

fn json_text(data: &Value) -> String {
    data.to_string()
}

pub(crate) async fn get(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
) -> Result<Option<Record>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM rtux_records WHERE kind = $1 AND id = $2"
    )))
    .bind(kind)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(record).transpose()
}

pub(crate) async fn list(conn: &mut AnyConnection, kind: &str) -> Result<Vec<Record>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM rtux_records WHERE kind = $1 ORDER BY inserted_at, id"
    )))
    .bind(kind)
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

/// Where a record stands in its kind's order (oldest first): its index, and the
/// id of the record just before it.
pub(crate) async fn position(
    conn: &mut AnyConnection,
    record: &Record,
) -> Result<(i64, Option<String>), StoreError> {
    let before = "kind = $1 AND (inserted_at < $2 OR (inserted_at = $2 AND id < $3))";
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
/// touched no row.
async fn not_written(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
) -> Result<Written, StoreError> {
    Ok(match get(conn, kind, id).await? {
        Some(current) => Written::Stale(current),
        None => Written::Missing,
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
    let row = sqlx::query(
        "UPDATE rtux_records SET version = version + 1, data = $1, updated_at = $2, updated_by = $3
         WHERE kind = $4 AND id = $5 AND version = $6 RETURNING inserted_at",
    )
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

pub(crate) async fn delete(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
    version: Option<i64>,
) -> Result<Written, StoreError> {
    let Some(current) = get(&mut *conn, kind, id).await? else {
        return Ok(Written::Missing);
    };
    let expected = version.unwrap_or(current.version);
    let done = sqlx::query("DELETE FROM rtux_records WHERE kind = $1 AND id = $2 AND version = $3")
        .bind(kind)
        .bind(id)
        .bind(expected)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 1 {
        Ok(Written::Applied(current))
    } else {
        not_written(conn, kind, id).await
    }
}

/// Who sent an op: the user (from the token), their client (a browser tab or
/// device) and the op's id, unique per client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OpKey {
    /// The user id from the socket's token.
    pub user: String,
    /// The client's id (stable across reconnects).
    pub client: String,
    /// The op's id.
    pub op: String,
}

/// The fingerprint and reply of an op already applied.
pub(crate) async fn ledger_get(
    conn: &mut AnyConnection,
    key: &OpKey,
) -> Result<Option<(String, Value)>, StoreError> {
    let row = sqlx::query("SELECT fingerprint, reply FROM rtux_ops WHERE user_id = $1 AND client_id = $2 AND op_id = $3")
        .bind(&key.user)
        .bind(&key.client)
        .bind(&key.op)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let reply: String = row.try_get("reply")?;
    Ok(Some((row.try_get("fingerprint")?, parse(&reply)?)))
}

/// Records an op's reply; fails if the op is already recorded.
pub(crate) async fn ledger_put(
    conn: &mut AnyConnection,
    key: &OpKey,
    fingerprint: &str,
    reply: &Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO rtux_ops (user_id, client_id, op_id, fingerprint, reply, applied_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&key.user)
        .bind(&key.client)
        .bind(&key.op)
        .bind(fingerprint)
        .bind(reply.to_string())
        .bind(now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

/// Versions kept per record for three-way merges.
pub(crate) const HISTORY_DEPTH: i64 = 100;

/// Keeps a record's data at its version, for later merges against it; drops
/// versions older than [`HISTORY_DEPTH`].
pub(crate) async fn history_put(
    conn: &mut AnyConnection,
    record: &Record,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO rtux_history (kind, id, version, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(&record.kind)
        .bind(&record.id)
        .bind(record.version)
        .bind(json_text(&record.data))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM rtux_history WHERE kind = $1 AND id = $2 AND version <= $3")
        .bind(&record.kind)
        .bind(&record.id)
        .bind(record.version - HISTORY_DEPTH)
        .execute(conn)
        .await?;
    Ok(())
}

/// A record's data at an earlier version, if it was kept.
pub(crate) async fn history_get(
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
