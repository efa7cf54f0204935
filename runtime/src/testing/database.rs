//! A fresh database for each test, on SQLite or PostgreSQL.

/// Why a test database could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// The name is not 1 to 63 lowercase letters, digits and `_`.
    #[error("test database name {0:?}: use 1 to 63 lowercase letters, digits and `_`")]
    Name(String),
    /// The URL is neither `sqlite:` nor (with the `postgres` feature)
    /// `postgres://…`.
    #[error(
        "test database server {0:?}: use sqlite: or postgres://… (with the `postgres` feature)"
    )]
    Server(String),
    /// The temp directory for SQLite files could not be made.
    #[error("{path}: {source}")]
    Dir {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database server refused (or could not be reached).
    #[error("{what}: {source}")]
    Refused {
        /// What was asked of it.
        what: String,
        /// Why.
        source: sqlx::Error,
    },
}

/// A store URL for a test's own, empty database named `name`, on the server
/// `server` names: `sqlite:` gives a file in the temp directory (removed
/// first); `postgres://…` (feature `postgres`) drops and creates the
/// database `name` on that server (its user must be allowed to) and gives
/// its URL. Tests that run at once need names of their own.
///
/// # Errors
/// A name that is not lowercase letters, digits and `_`; an unknown URL; the
/// server refusing.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let url = rtux::testing::fresh_database("sqlite:", "doc_fresh").await.unwrap();
/// assert!(url.starts_with("sqlite:") && url.ends_with("doc_fresh.db"));
/// let store = rtux::store::Store::open(&url).await.unwrap();
/// assert!(store.page("t:1", None, 10).await.unwrap().is_empty());
/// # }
/// ```
pub async fn fresh_database(server: &str, name: &str) -> Result<String, DatabaseError> {
    let plain = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !plain {
        return Err(DatabaseError::Name(name.to_owned()));
    }
    if server.starts_with("sqlite:") {
        let dir = std::env::temp_dir().join(format!("rtux-test-db-{}", std::process::id()));
        if let Err(source) = std::fs::create_dir_all(&dir) {
            return Err(DatabaseError::Dir { path: dir, source });
        }
        let file = dir.join(format!("{name}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _gone = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        return Ok(format!("sqlite:{}", file.display()));
    }
    #[cfg(feature = "postgres")]
    if server.starts_with("postgres:") || server.starts_with("postgresql:") {
        return fresh_postgres(server, name).await;
    }
    Err(DatabaseError::Server(server.to_owned()))
}

#[cfg(feature = "postgres")]
async fn fresh_postgres(server: &str, name: &str) -> Result<String, DatabaseError> {
    use sqlx::Connection;

    let mut admin = sqlx::PgConnection::connect(server)
        .await
        .map_err(|source| DatabaseError::Refused {
            what: format!("cannot reach {server}"),
            source,
        })?;
    for sql in [
        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        format!("CREATE DATABASE \"{name}\""),
    ] {
        // Safe: `name` is lowercase letters, digits and `_` (checked above).
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut admin)
            .await
            .map_err(|source| DatabaseError::Refused {
                what: sql.clone(),
                source,
            })?;
    }
    let _ = admin.close().await;
    Ok(with_database(server, name))
}

/// `url` with its database (the path after the host) replaced by `name`.
#[cfg(feature = "postgres")]
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (authority, after) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let query = after.find('?').map_or("", |q| &after[q..]);
    format!("{scheme}://{authority}/{name}{query}")
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_swapped_and_the_rest_kept() {
        let at = |url| with_database(url, "t1");
        assert_eq!(at("postgres://u@h:5432/postgres"), "postgres://u@h:5432/t1");
        assert_eq!(
            at("postgres://u@h/db?sslmode=disable"),
            "postgres://u@h/t1?sslmode=disable"
        );
        assert_eq!(at("postgresql://h"), "postgresql://h/t1");
    }
}
