//! The lobby example: one page, one real-time topic (`room:lobby`), presence with
//! typing and idle status, and chat messages broadcast to everyone.

mod room;
mod session;

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use rtux::{BuildError, Endpoint};

pub use room::Room;

/// The lobby app: the page, `GET /session` and the socket.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = lobby::app("a secret of at least thirty-two bytes!").expect("app");
/// # let _ = app;
/// # }
/// ```
///
/// # Errors
/// A secret shorter than 32 bytes.
pub fn app(secret: &str) -> Result<Router, BuildError> {
    let endpoint = Endpoint::builder(secret).channel("room:*", Room).build()?;
    Ok(Router::new()
        .route(
            "/",
            get(|| async { Html(include_str!("../assets/index.html")) }),
        )
        .route("/session", get(session::issue))
        .with_state(endpoint.clone())
        .merge(endpoint.router()))
}

/// A random secret for a development run (from the OS's randomness via std's
/// hasher seeds and the clock; not for production, where RTUX_SECRET is set).
pub fn dev_secret() -> String {
    use std::hash::{BuildHasher, RandomState};
    let words: Vec<String> = (0..4)
        .map(|i| {
            format!(
                "{:016x}",
                RandomState::new().hash_one((i, std::time::SystemTime::now()))
            )
        })
        .collect();
    words.concat()
}
