use std::net::SocketAddr;
use std::time::Duration;

use rtux::{Endpoint, EndpointBuilder};

use crate::Room;

/// The secret test servers sign tokens with.
pub const SECRET: &str = "rtux test secret: 32 bytes or more, never in production";

/// An rtux endpoint served on 127.0.0.1 on a free port, stopped when dropped.
pub struct TestServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The endpoint, for broadcasts and presence checks from the test.
    pub endpoint: Endpoint,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// A server with the demo [`Room`] channel on `room:*` and default settings.
    pub async fn start() -> TestServer {
        TestServer::with(|b| b).await
    }

    /// A server with the demo channel and settings changed by `configure`.
    pub async fn with(configure: impl FnOnce(EndpointBuilder) -> EndpointBuilder) -> TestServer {
        let builder = Endpoint::builder(SECRET).channel("room:*", Room);
        let endpoint = configure(builder).build().expect("test endpoint builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let app = axum::Router::new().merge(endpoint.router());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        TestServer {
            addr,
            endpoint,
            task,
        }
    }

    /// A token for `user`, valid for an hour.
    pub fn token(&self, user: &str) -> String {
        self.endpoint.tokens().issue(
            user,
            Some(&format!("User {user}")),
            Duration::from_secs(3600),
        )
    }

    /// The socket URL with a token for `user`.
    pub fn url(&self, user: &str) -> String {
        format!(
            "ws://{}/socket/websocket?vsn=2.0.0&token={}",
            self.addr,
            self.token(user)
        )
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
