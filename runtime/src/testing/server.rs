//! An endpoint served on a loopback port for the length of a test.

use std::net::SocketAddr;
use std::time::Duration;

use crate::Endpoint;

/// An [`Endpoint`] (and optionally the app's routes) served on 127.0.0.1 on a
/// free port; stopped when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use rtux::testing::TestServer;
///
/// let endpoint = rtux::Endpoint::builder("a test secret of at least thirty-two bytes")
///     .build()
///     .expect("endpoint");
/// let server = TestServer::serve(endpoint).await;
/// assert!(server.url("ana").starts_with(&format!("ws://{}/socket/websocket", server.addr)));
/// # }
/// ```
#[derive(Debug)]
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The endpoint, for broadcasts and presence checks from the test.
    pub endpoint: Endpoint,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Serves `endpoint`'s routes.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn serve(endpoint: Endpoint) -> TestServer {
        let routes = endpoint.router();
        TestServer::serve_app(endpoint, routes).await
    }

    /// Serves `app` (which should merge `endpoint.router()`), so a test can
    /// load the app's pages and open its socket on one port.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn serve_app(endpoint: Endpoint, app: axum::Router) -> TestServer {
        let listener = crate::listen("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ended = axum::serve(listener, app).await;
        });
        TestServer {
            addr,
            endpoint,
            task,
        }
    }

    /// A token for `user` (named `User <user>`), valid for an hour.
    pub fn token(&self, user: &str) -> String {
        self.endpoint.tokens().issue(
            user,
            Some(&format!("User {user}")),
            Duration::from_secs(3600),
        )
    }

    /// The socket URL with a token for `user`.
    pub fn url(&self, user: &str) -> String {
        super::socket_url(self.addr, &self.token(user))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
