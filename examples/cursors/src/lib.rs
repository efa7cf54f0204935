//! The cursors example: one shared canvas (`canvas:main`) where everyone sees
//! everyone's pointer, live. Written the way the docs tell apps to be: the
//! presence meta is a derive ([`Viewer`]), the channel is rtux's own
//! `PresenceChannel`, the page is server-rendered with rtux's components and
//! rtux.js does the rest (throttling, trailing moves, idle, staleness).

mod page;
mod viewer;

use axum::Router;
use axum::routing::get;
use rtux::channel::PresenceChannel;
use rtux::presence::PresenceMeta;
use rtux::{BuildError, Endpoint};

pub use viewer::Viewer;

/// The canvas's topic.
pub const CANVAS: &str = "canvas:main";

/// The app: the canvas page at `/` (`?name=Ana` names you), the socket and
/// rtux's assets.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = cursors::app("a secret of at least thirty-two bytes!").expect("app");
/// # let _ = app;
/// # }
/// ```
///
/// # Errors
/// A secret shorter than 32 bytes.
pub fn app(secret: &str) -> Result<Router, BuildError> {
    let endpoint = Endpoint::builder(secret)
        .presence(Viewer::config())
        .channel(CANVAS, PresenceChannel::<Viewer>::new())
        .build()?;
    Ok(Router::new()
        .route("/", get(page::canvas))
        .with_state(endpoint.clone())
        .merge(endpoint.router()))
}
