//! Per-user quotas kept in the store, so a user connected to every node still
//! has one quota: a generic cell rate algorithm (the one `governor` uses in
//! memory) whose state — the theoretical arrival time — is one row per
//! (scope, user), updated by one conditional upsert in the transaction of what
//! it counts.

use std::time::Duration;

use sqlx::AnyConnection;

use super::StoreError;

/// Takes one of `per_minute` uses of `scope` for `user` at `now` (ms): `Ok`
/// if within the quota (bursts of up to `per_minute` at once, then one per
/// `60 s / per_minute`), or how long until one is free.
pub(crate) async fn take(
    conn: &mut AnyConnection,
    scope: &str,
    user: &str,
    per_minute: u32,
    now: i64,
) -> Result<Result<(), Duration>, StoreError> {
    let per_minute = i64::from(per_minute.max(1));
    let interval = (60_000 / per_minute).max(1);
    let span = interval * per_minute;
    let taken: Option<i64> = sqlx::query_scalar(
        "INSERT INTO rtux_quotas (scope, user_id, tat) VALUES ($1, $2, $3 + $4)
         ON CONFLICT (scope, user_id) DO UPDATE
            SET tat = (CASE WHEN rtux_quotas.tat > $3 THEN rtux_quotas.tat ELSE $3 END) + $4
            WHERE (CASE WHEN rtux_quotas.tat > $3 THEN rtux_quotas.tat ELSE $3 END) + $4 - $3 <= $5
         RETURNING tat",
    )
    .bind(scope)
    .bind(user)
    .bind(now)
    .bind(interval)
    .bind(span)
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_some() {
        return Ok(Ok(()));
    }
    let tat: i64 =
        sqlx::query_scalar("SELECT tat FROM rtux_quotas WHERE scope = $1 AND user_id = $2")
            .bind(scope)
            .bind(user)
            .fetch_one(&mut *conn)
            .await?;
    let wait = u64::try_from(tat + interval - now - span)
        .unwrap_or(0)
        .max(1);
    Ok(Err(Duration::from_millis(wait)))
}

/// How long until `user` has a use of `scope` again, if they have none now
/// (like [`take`], but taking nothing).
#[cfg(feature = "accounts")]
pub(crate) async fn wait(
    conn: &mut AnyConnection,
    scope: &str,
    user: &str,
    per_minute: u32,
    now: i64,
) -> Result<Option<Duration>, StoreError> {
    let per_minute = i64::from(per_minute.max(1));
    let interval = (60_000 / per_minute).max(1);
    let span = interval * per_minute;
    let tat: Option<i64> =
        sqlx::query_scalar("SELECT tat FROM rtux_quotas WHERE scope = $1 AND user_id = $2")
            .bind(scope)
            .bind(user)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(tat
        .map(|tat| tat + interval - now - span)
        .filter(|&w| w > 0)
        .map(|w| Duration::from_millis(u64::try_from(w).unwrap_or(0))))
}

/// Removes the quotas whose uses all lie before `before` (they are full
/// again); how many.
pub(crate) async fn expire(conn: &mut AnyConnection, before: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM rtux_quotas WHERE tat < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
