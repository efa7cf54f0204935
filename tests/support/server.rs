use rtux::{Endpoint, EndpointBuilder};

use crate::Room;

/// The secret test servers sign tokens with.
pub const SECRET: &str = "rtux test secret: 32 bytes or more, never in production";

/// The toolkit's test server ([`rtux::testing::TestServer`]) with the demo
/// [`Room`] channel on `room:*`: every field and method of the toolkit's is
/// here too.
#[derive(Debug)]
pub struct TestServer(rtux::testing::TestServer);

impl TestServer {
    /// A server with the demo [`Room`] channel on `room:*` and default settings.
    pub async fn start() -> TestServer {
        TestServer::with(|b| b).await
    }

    /// A server with the demo channel and settings changed by `configure`.
    pub async fn with(configure: impl FnOnce(EndpointBuilder) -> EndpointBuilder) -> TestServer {
        let builder = Endpoint::builder(SECRET).channel("room:*", Room);
        let endpoint = configure(builder).build().expect("test endpoint builds");
        TestServer(rtux::testing::TestServer::serve(endpoint).await)
    }
}

impl std::ops::Deref for TestServer {
    type Target = rtux::testing::TestServer;

    fn deref(&self) -> &rtux::testing::TestServer {
        &self.0
    }
}
