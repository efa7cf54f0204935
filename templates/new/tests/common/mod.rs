//! What the app's tests share (each test file says `mod common;`).

// rtux:common (rtux gen adds test helpers above this line)

/// Where tests make their databases when `TEST_DATABASE_URL` is not set:
[% if db == "postgres" %]
/// the PostgreSQL server's maintenance database (each test makes one of its own).
[% else %]
/// SQLite files in the temp directory.
[% endif %]
const TEST_DATABASE_SERVER: &str = "<< test_database_server >>";

/// The app's configuration for a test: an empty database of its own (`name`
/// keeps tests apart) made on the server of `TEST_DATABASE_URL`, in-process
/// pub/sub, a test secret.
///
/// # Panics
/// If the test database cannot be made: the message says why.
pub async fn config(name: &str) -> << crate_name >>::Config {
    let server = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| TEST_DATABASE_SERVER.into());
    let database = format!("<< crate_name >>_test_{name}");
    let database_url = match rtux::testing::fresh_database(&server, &database).await {
        Ok(url) => url,
        Err(e) => panic!("a test database on {server}: {e}"),
    };
    << crate_name >>::Config {
        addr: "127.0.0.1:0".into(),
        database_url,
        pubsub_url: None,
        secret: "a test secret of at least thirty-two bytes".into(),
        development_secret: false,
        production: false,
        public_url: None,
    }
}
