//! The op ledger: each applied op's fingerprint and compact answer, written in
//! the same transaction as the change it made, so a replayed op gets its
//! answer instead of applying twice. Rows expire after the store's retention
//! window, and each user keeps at most a capped number (their oldest go
//! first); an op issued before the window, or at or before its user's floor,
//! is refused (`Store::op_too_old`), so forgetting a row never lets its op
//! apply again.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::row::parse;
use super::{StoreError, now_ms};

/// Who sent an op and where: the topic, the user (from the token), their
/// client (a browser tab or device) and the op's id, unique per client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OpKey {
    /// The topic the op was sent on.
    pub topic: String,
    /// The user id from the socket's token.
    pub user: String,
    /// The client's id (stable across reconnects).
    pub client: String,
    /// The op's id.
    pub op: String,
}

impl OpKey {
    /// The same op's companion key, such as its undo: `{op}#{what}`.
    pub(crate) fn companion(&self, what: &str) -> OpKey {
        OpKey {
            op: format!("{}#{what}", self.op),
            ..self.clone()
        }
    }

    /// A text naming the op within its topic, for a record's deletion mark.
    pub(crate) fn mark(&self) -> String {
        serde_json::json!([self.user, self.client, self.op]).to_string()
    }
}

/// An op already applied: its fingerprint, its stored answer, and whether it
/// was recorded before ledger rows named their topic (`legacy`).
pub(crate) struct Entry {
    pub(crate) fingerprint: String,
    pub(crate) reply: Value,
    pub(crate) legacy: bool,
}

/// The op's entry, if it was applied. Rows recorded before the ledger was keyed
/// by topic (topic `''`) answer for any topic, as they did then.
pub(crate) async fn get(
    conn: &mut AnyConnection,
    key: &OpKey,
) -> Result<Option<Entry>, StoreError> {
    let row = sqlx::query(
        "SELECT topic, fingerprint, reply FROM rtux_ledger
         WHERE user_id = $1 AND client_id = $2 AND op_id = $3 AND topic IN ($4, '')
         ORDER BY topic DESC LIMIT 1",
    )
    .bind(&key.user)
    .bind(&key.client)
    .bind(&key.op)
    .bind(&key.topic)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let topic: String = row.try_get("topic")?;
    let reply: String = row.try_get("reply")?;
    Ok(Some(Entry {
        fingerprint: row.try_get("fingerprint")?,
        reply: parse(&reply)?,
        legacy: topic.is_empty(),
    }))
}

/// Records an applied op's answer (compact: `action::answer`); fails if the
/// op is already recorded. `issued_at` is when the client created the op (ms
/// since the epoch). Past `cap` rows of its user, the user's oldest tenth goes,
/// and the user's floor rises to the newest issue time among them: an op
/// issued at or before it is too old to answer ([`floor`]).
pub(crate) async fn put(
    conn: &mut AnyConnection,
    key: &OpKey,
    fingerprint: &str,
    answer: &Value,
    issued_at: i64,
    cap: u64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO rtux_ledger (topic, user_id, client_id, op_id, fingerprint, reply, issued_at, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&key.topic)
        .bind(&key.user)
        .bind(&key.client)
        .bind(&key.op)
        .bind(fingerprint)
        .bind(answer.to_string())
        .bind(issued_at)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    let rows: i64 = sqlx::query_scalar(
        "INSERT INTO rtux_ledger_users (user_id, row_count, floor_at) VALUES ($1, 1, 0)
         ON CONFLICT (user_id) DO UPDATE SET row_count = rtux_ledger_users.row_count + 1
         RETURNING row_count",
    )
    .bind(&key.user)
    .fetch_one(&mut *conn)
    .await?;
    if u64::try_from(rows).unwrap_or(0) > cap {
        evict(conn, &key.user, (cap / 10).max(1)).await?;
    }
    Ok(())
}

/// Forgets `user`'s `n` oldest ops (by issue time; ties go together) and
/// raises their floor.
async fn evict(conn: &mut AnyConnection, user: &str, n: u64) -> Result<(), StoreError> {
    let offset = i64::try_from(n - 1).unwrap_or(i64::MAX);
    let cut: Option<i64> = sqlx::query_scalar(
        "SELECT issued_at FROM rtux_ledger WHERE user_id = $1 ORDER BY issued_at LIMIT 1 OFFSET $2",
    )
    .bind(user)
    .bind(offset)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(cut) = cut else { return Ok(()) };
    let gone = sqlx::query("DELETE FROM rtux_ledger WHERE user_id = $1 AND issued_at <= $2")
        .bind(user)
        .bind(cut)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query(
        "UPDATE rtux_ledger_users SET
            row_count = CASE WHEN row_count > $2 THEN row_count - $2 ELSE 0 END,
            floor_at = CASE WHEN floor_at > $3 THEN floor_at ELSE $3 END
         WHERE user_id = $1",
    )
    .bind(user)
    .bind(i64::try_from(gone).unwrap_or(i64::MAX))
    .bind(cut)
    .execute(conn)
    .await?;
    Ok(())
}

/// The issue time at or before which `user`'s ops may have been forgotten to
/// keep their ledger within its cap (0 when none were).
pub(crate) async fn floor(conn: &mut AnyConnection, user: &str) -> Result<i64, StoreError> {
    let floor: Option<i64> =
        sqlx::query_scalar("SELECT floor_at FROM rtux_ledger_users WHERE user_id = $1")
            .bind(user)
            .fetch_optional(conn)
            .await?;
    Ok(floor.unwrap_or(0))
}

/// Forgets the ops both issued and applied before `cut` (ms since the epoch);
/// how many. An op issued later than it was applied (a client clock ahead)
/// is kept until its own issue time leaves the window, so its replay is still
/// recognised rather than refused as too old and applied. Each user's count
/// of rows follows.
pub(crate) async fn expire(conn: &mut AnyConnection, cut: i64) -> Result<u64, StoreError> {
    let gone: Vec<String> = sqlx::query_scalar(
        "DELETE FROM rtux_ledger WHERE applied_at < $1 AND issued_at < $1 RETURNING user_id",
    )
    .bind(cut)
    .fetch_all(&mut *conn)
    .await?;
    let mut per_user: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for user in &gone {
        *per_user.entry(user).or_default() += 1;
    }
    for (user, n) in per_user {
        sqlx::query(
            "UPDATE rtux_ledger_users SET row_count = CASE WHEN row_count > $2 THEN row_count - $2 ELSE 0 END
             WHERE user_id = $1",
        )
        .bind(user)
        .bind(n)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM rtux_ledger_users WHERE row_count = 0 AND floor_at < $1")
        .bind(cut)
        .execute(&mut *conn)
        .await?;
    Ok(gone.len() as u64)
}

/// How many ops the ledger remembers (for tests and operators).
pub(crate) async fn count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM rtux_ledger")
        .fetch_one(conn)
        .await?)
}
