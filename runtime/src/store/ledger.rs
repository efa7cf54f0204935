//! The op ledger: each op's fingerprint and final reply, written in the same
//! transaction as the change it made, so a replayed op gets the stored reply
//! instead of applying twice. Rows expire after the store's retention window;
//! an op issued before that window is refused (`Store::op_too_old`), so
//! forgetting a row never lets its op apply again.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::{StoreError, now_ms, records::parse};

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

/// An op already applied: its fingerprint, its stored reply, and whether it
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

/// Records an op's final reply; fails if the op is already recorded.
/// `issued_at` is when the client created the op (ms since the epoch).
pub(crate) async fn put(
    conn: &mut AnyConnection,
    key: &OpKey,
    fingerprint: &str,
    reply: &Value,
    issued_at: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO rtux_ledger (topic, user_id, client_id, op_id, fingerprint, reply, issued_at, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&key.topic)
        .bind(&key.user)
        .bind(&key.client)
        .bind(&key.op)
        .bind(fingerprint)
        .bind(reply.to_string())
        .bind(issued_at)
        .bind(now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets the ops both issued and applied before `cut` (ms since the epoch);
/// how many. An op issued later than it was applied (a client clock ahead)
/// is kept until its own issue time leaves the window, so its replay is still
/// recognised rather than refused as too old and applied.
pub(crate) async fn expire(conn: &mut AnyConnection, cut: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM rtux_ledger WHERE applied_at < $1 AND issued_at < $1")
        .bind(cut)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// How many ops the ledger remembers (for tests and operators).
pub(crate) async fn count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM rtux_ledger")
        .fetch_one(conn)
        .await?)
}
