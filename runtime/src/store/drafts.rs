//! Drafts: what a person typed into a record's form and has not saved, kept
//! per (user, record) so another device of theirs can restore it. One row
//! each, replaced as they type, removed when they save or discard it, swept
//! when it expires.

use sqlx::{AnyConnection, Row};

use super::StoreError;

/// One saved draft.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct Draft {
    /// The record it is a draft of.
    pub id: String,
    /// The form's fields as typed.
    pub data: serde_json::Value,
    /// When it was saved, ms since the Unix epoch.
    pub saved_at: i64,
}

/// Keeps `data` as `user`'s draft of record `id` of `kind` until `expires_at`.
pub(crate) async fn save(
    conn: &mut AnyConnection,
    user: &str,
    (kind, id): (&str, &str),
    data: &serde_json::Value,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rtux_drafts (user_id, kind, record_id, data, saved_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, kind, record_id)
         DO UPDATE SET data = $4, saved_at = $5, expires_at = $6",
    )
    .bind(user)
    .bind(kind)
    .bind(id)
    .bind(data.to_string())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How many unexpired drafts `user` keeps, and their bytes, besides their
/// draft of `(kind, id)` (which a save replaces).
pub(crate) async fn usage(
    conn: &mut AnyConnection,
    user: &str,
    (kind, id): (&str, &str),
    now: i64,
) -> Result<(u64, u64), StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM rtux_drafts
         WHERE user_id = $1 AND expires_at > $2 AND NOT (kind = $3 AND record_id = $4)",
    )
    .bind(user)
    .bind(now)
    .bind(kind)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let n: i64 = row.try_get("n")?;
    let bytes: i64 = row.try_get("bytes")?;
    Ok((
        u64::try_from(n).unwrap_or(0),
        u64::try_from(bytes).unwrap_or(0),
    ))
}

/// When `user` last saved a draft of record `id` of `kind`, if they have one.
pub(crate) async fn saved_at(
    conn: &mut AnyConnection,
    user: &str,
    kind: &str,
    id: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT saved_at FROM rtux_drafts WHERE user_id = $1 AND kind = $2 AND record_id = $3",
    )
    .bind(user)
    .bind(kind)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// `user`'s unexpired drafts of records of `kind`, oldest first.
pub(crate) async fn of_user(
    conn: &mut AnyConnection,
    user: &str,
    kind: &str,
    now: i64,
) -> Result<Vec<Draft>, StoreError> {
    let rows = sqlx::query(
        "SELECT record_id, data, saved_at FROM rtux_drafts
         WHERE user_id = $1 AND kind = $2 AND expires_at > $3 ORDER BY saved_at",
    )
    .bind(user)
    .bind(kind)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let data: String = r.try_get("data")?;
            Ok(Draft {
                id: r.try_get("record_id")?,
                data: serde_json::from_str(&data)
                    .map_err(|e| StoreError::Corrupt(format!("a draft's data: {e}")))?,
                saved_at: r.try_get("saved_at")?,
            })
        })
        .collect()
}

/// Removes `user`'s draft of record `id` (every user's with `None`); how many.
pub(crate) async fn remove(
    conn: &mut AnyConnection,
    user: Option<&str>,
    kind: &str,
    id: &str,
) -> Result<u64, StoreError> {
    let done = match user {
        Some(user) => {
            sqlx::query(
                "DELETE FROM rtux_drafts WHERE user_id = $1 AND kind = $2 AND record_id = $3",
            )
            .bind(user)
            .bind(kind)
            .bind(id)
            .execute(&mut *conn)
            .await?
        }
        None => {
            sqlx::query("DELETE FROM rtux_drafts WHERE kind = $1 AND record_id = $2")
                .bind(kind)
                .bind(id)
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(done.rows_affected())
}

/// Removes the drafts that expired before `before`; how many.
pub(crate) async fn expire(conn: &mut AnyConnection, before: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM rtux_drafts WHERE expires_at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
