//! The rows of accounts and sign-in sessions (`rtux::accounts`, feature
//! `accounts`, decides what goes in them): one statement each, on SQLite and
//! PostgreSQL alike. The sweep's removal of expired sessions, in every build,
//! is `store::sessions`.

use sqlx::AnyConnection;
use sqlx::Row;

use super::StoreError;

/// An account as stored, with its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountRow {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) password_hash: String,
}

/// A live session and its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionRow {
    pub(crate) id: String,
    pub(crate) expires_at: i64,
    pub(crate) account_id: String,
    pub(crate) email: String,
    pub(crate) name: String,
}

/// Adds an account unless its email is taken; whether it was added.
pub(crate) async fn insert_account(
    conn: &mut AnyConnection,
    account: &AccountRow,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO rtux_accounts (id, email, name, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&account.id)
    .bind(&account.email)
    .bind(&account.name)
    .bind(&account.password_hash)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The account with this (normalized) email.
pub(crate) async fn account_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<AccountRow>, StoreError> {
    let row =
        sqlx::query("SELECT id, email, name, password_hash FROM rtux_accounts WHERE email = $1")
            .bind(email)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|r| {
        Ok(AccountRow {
            id: r.try_get("id")?,
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            password_hash: r.try_get("password_hash")?,
        })
    })
    .transpose()
}

/// The password hash of an account.
pub(crate) async fn password_hash(
    conn: &mut AnyConnection,
    account_id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM rtux_accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Replaces an account's password hash and ends its sessions but `keep`;
/// the ids of the sessions ended.
pub(crate) async fn set_password(
    conn: &mut AnyConnection,
    account_id: &str,
    password_hash: &str,
    keep: &str,
) -> Result<Vec<String>, StoreError> {
    sqlx::query("UPDATE rtux_accounts SET password_hash = $2 WHERE id = $1")
        .bind(account_id)
        .bind(password_hash)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "DELETE FROM rtux_sessions WHERE account_id = $1 AND id <> $2 RETURNING id",
    )
    .bind(account_id)
    .bind(keep)
    .fetch_all(&mut *conn)
    .await?)
}

/// Starts a session of `account_id` until `expires_at`.
pub(crate) async fn insert_session(
    conn: &mut AnyConnection,
    id: &str,
    secret_hash: &str,
    account_id: &str,
    now: i64,
    expires_at: i64,
    keep: u64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rtux_sessions (id, secret_hash, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(secret_hash)
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    // An account keeps its newest `keep` sessions only (ids are time-ordered).
    sqlx::query(
        "DELETE FROM rtux_sessions WHERE account_id = $1 AND id NOT IN
           (SELECT id FROM rtux_sessions WHERE account_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(account_id)
    .bind(i64::try_from(keep).unwrap_or(i64::MAX))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The unexpired session whose cookie secret hashes to `secret_hash`.
pub(crate) async fn session_by_secret(
    conn: &mut AnyConnection,
    secret_hash: &str,
    now: i64,
) -> Result<Option<SessionRow>, StoreError> {
    let row = sqlx::query(
        "SELECT s.id, s.expires_at, a.id AS account_id, a.email, a.name
         FROM rtux_sessions s JOIN rtux_accounts a ON a.id = s.account_id
         WHERE s.secret_hash = $1 AND s.expires_at > $2",
    )
    .bind(secret_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(SessionRow {
            id: r.try_get("id")?,
            expires_at: r.try_get("expires_at")?,
            account_id: r.try_get("account_id")?,
            email: r.try_get("email")?,
            name: r.try_get("name")?,
        })
    })
    .transpose()
}

/// Whether session `id` of `account_id` is still live.
pub(crate) async fn session_live(
    conn: &mut AnyConnection,
    id: &str,
    account_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM rtux_sessions WHERE id = $1 AND account_id = $2 AND expires_at > $3",
    )
    .bind(id)
    .bind(account_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// Ends one session; whether it was live.
pub(crate) async fn delete_session(conn: &mut AnyConnection, id: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM rtux_sessions WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of an account; how many.
pub(crate) async fn delete_sessions(
    conn: &mut AnyConnection,
    account_id: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM rtux_sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
