//! Section locks in the store: one row per locked (topic, record, section),
//! taken and renewed by one conditional upsert, so exactly one connection of
//! any node holds a lock, and a lock whose node died is free at its expiry.

use sqlx::{AnyConnection, Row};

use super::{Backend, Store, StoreError};

/// A lock as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LockRow {
    pub(crate) user: String,
    pub(crate) name: Option<String>,
    /// The holding connection, unique across processes.
    pub(crate) conn: String,
    pub(crate) token: i64,
    pub(crate) acquired_at: i64,
    pub(crate) expires_at: i64,
}

/// What is locked: (topic, record, section).
pub(crate) type LockKey<'a> = (&'a str, &'a str, &'a str);

fn row(r: &sqlx::any::AnyRow) -> Result<LockRow, sqlx::Error> {
    Ok(LockRow {
        user: r.try_get("holder_user")?,
        name: r.try_get("holder_name")?,
        conn: r.try_get("holder_conn")?,
        token: r.try_get("token")?,
        acquired_at: r.try_get("acquired_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

/// The lock on `key`, expired or not.
pub(crate) async fn get(
    conn: &mut AnyConnection,
    key: LockKey<'_>,
) -> Result<Option<LockRow>, StoreError> {
    let found = sqlx::query(
        "SELECT holder_user, holder_name, holder_conn, token, acquired_at, expires_at
         FROM rtux_locks WHERE kind = $1 AND id = $2 AND section = $3",
    )
    .bind(key.0)
    .bind(key.1)
    .bind(key.2)
    .fetch_optional(conn)
    .await?;
    Ok(found.as_ref().map(row).transpose()?)
}

/// Makes the caller's transaction the only one acquiring locks for `user`
/// until it ends (on PostgreSQL, an advisory lock; SQLite has one writer).
pub(crate) async fn one_user_at_a_time(
    conn: &mut AnyConnection,
    backend: Backend,
    user: &str,
) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('rtux-locks:' || $1))")
            .bind(user)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// How many unexpired locks `user` holds, on any connection, other than `key`.
pub(crate) async fn count_of_user(
    conn: &mut AnyConnection,
    user: &str,
    key: LockKey<'_>,
    now: i64,
) -> Result<usize, StoreError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM rtux_locks WHERE holder_user = $1 AND expires_at > $2
         AND NOT (kind = $3 AND id = $4 AND section = $5)",
    )
    .bind(user)
    .bind(now)
    .bind(key.0)
    .bind(key.1)
    .bind(key.2)
    .fetch_one(conn)
    .await?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// Grants `key` to `holder` until `expires_at`: if it is free (no row, or
/// expired) or `holder.conn` holds it already (a renewal keeps when it was
/// acquired). Returns the grant's token, or `None` if someone else holds it.
pub(crate) async fn put(
    conn: &mut AnyConnection,
    key: LockKey<'_>,
    holder: &LockRow,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let token: Option<i64> = sqlx::query_scalar(
        "INSERT INTO rtux_locks (kind, id, section, holder_user, holder_name, holder_conn, token, acquired_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)
         ON CONFLICT (kind, id, section) DO UPDATE SET
            holder_user = excluded.holder_user,
            holder_name = excluded.holder_name,
            holder_conn = excluded.holder_conn,
            token = rtux_locks.token + 1,
            acquired_at = CASE WHEN rtux_locks.holder_conn = excluded.holder_conn
                AND rtux_locks.expires_at > $9 THEN rtux_locks.acquired_at ELSE excluded.acquired_at END,
            expires_at = excluded.expires_at
         WHERE rtux_locks.expires_at <= $9 OR rtux_locks.holder_conn = excluded.holder_conn
         RETURNING token",
    )
    .bind(key.0)
    .bind(key.1)
    .bind(key.2)
    .bind(&holder.user)
    .bind(holder.name.as_deref())
    .bind(&holder.conn)
    .bind(holder.acquired_at)
    .bind(holder.expires_at)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(token)
}

/// Ends the lock on `key` that `holder_conn` holds.
pub(crate) async fn end(
    conn: &mut AnyConnection,
    key: LockKey<'_>,
    holder_conn: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM rtux_locks WHERE kind = $1 AND id = $2 AND section = $3 AND holder_conn = $4",
    )
    .bind(key.0)
    .bind(key.1)
    .bind(key.2)
    .bind(holder_conn)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The quota scope that marks `key` resting for a user.
fn rest_scope(key: LockKey<'_>) -> String {
    format!("lock-rest\u{1f}{}\u{1f}{}\u{1f}{}", key.0, key.1, key.2)
}

/// Marks `key` as not to be taken by `user` again before `until` (ms since
/// the epoch), in the quotas table (swept like a spent quota).
pub(crate) async fn rest(
    conn: &mut AnyConnection,
    key: LockKey<'_>,
    user: &str,
    until: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rtux_quotas (scope, user_id, tat) VALUES ($1, $2, $3)
         ON CONFLICT (scope, user_id) DO UPDATE SET tat = $3",
    )
    .bind(rest_scope(key))
    .bind(user)
    .bind(until)
    .execute(conn)
    .await?;
    Ok(())
}

/// Until when `user` may not take `key` again, if they rest from it at `now`.
pub(crate) async fn resting(
    conn: &mut AnyConnection,
    key: LockKey<'_>,
    user: &str,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT tat FROM rtux_quotas WHERE scope = $1 AND user_id = $2 AND tat > $3",
    )
    .bind(rest_scope(key))
    .bind(user)
    .bind(now)
    .fetch_optional(conn)
    .await?)
}

impl Store {
    /// Removes the lock on `key` if `conn` holds it; whether it did.
    pub(crate) async fn lock_release(
        &self,
        key: LockKey<'_>,
        conn: &str,
    ) -> Result<bool, StoreError> {
        end(&mut *self.conn().await?, key, conn).await
    }

    /// Removes every lock `conn` holds on `topic`; returns their (record, section).
    pub(crate) async fn lock_release_conn(
        &self,
        topic: &str,
        conn: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let gone = sqlx::query(
            "DELETE FROM rtux_locks WHERE kind = $1 AND holder_conn = $2 RETURNING id, section",
        )
        .bind(topic)
        .bind(conn)
        .fetch_all(self.pool())
        .await?;
        gone.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("section")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Removes the lock on `key` if grant `token` is still its grant and it has
    /// expired; whether it did.
    pub(crate) async fn lock_expire(
        &self,
        key: LockKey<'_>,
        token: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM rtux_locks WHERE kind = $1 AND id = $2 AND section = $3 AND token = $4 AND expires_at <= $5",
        )
        .bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .bind(token)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// The unexpired locks on a record held by another user than `user`, read
/// inside the transaction that is about to change it: (section, holder).
pub(crate) async fn held_by_others(
    conn: &mut AnyConnection,
    topic: &str,
    record: &str,
    user: &str,
    now: i64,
) -> Result<Vec<(String, LockRow)>, StoreError> {
    let rows = sqlx::query(
        "SELECT section, holder_user, holder_name, holder_conn, token, acquired_at, expires_at
         FROM rtux_locks WHERE kind = $1 AND id = $2 AND holder_user <> $3 AND expires_at > $4",
    )
    .bind(topic)
    .bind(record)
    .bind(user)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("section")?, row(r)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// Removes locks that expired before `before` (they are free already; the
/// rows only take room); how many.
pub(crate) async fn purge_expired(
    conn: &mut AnyConnection,
    before: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM rtux_locks WHERE expires_at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
