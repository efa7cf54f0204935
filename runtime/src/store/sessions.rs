//! Expired sign-in sessions, removed by the sweep in every build (the table
//! is in every schema; `rtux::accounts`, feature `accounts`, fills it).

use sqlx::AnyConnection;

use super::StoreError;

/// Removes the sessions that expired before `before`; how many.
pub(crate) async fn expire_sessions(
    conn: &mut AnyConnection,
    before: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM rtux_sessions WHERE expires_at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
