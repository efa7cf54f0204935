//! The test client: one WebSocket speaking the channel protocol.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{TestServer, WAIT};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A Phoenix V2 client over a real WebSocket, for tests: connect as a user,
/// join, push and await the reply, wait for an event, see the socket close.
///
/// Its methods panic with a message saying what did not happen (a frame that
/// did not come within [`WAIT`], a refused connection), as assertions do.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use rtux::testing::{TestClient, TestServer};
/// use rtux::{Channel, ChannelSocket, Endpoint, JoinError, Reply};
/// use serde_json::{Value, json};
///
/// struct Echo;
/// impl Channel for Echo {
///     type State = ();
///     async fn join(&self, _: &str, _: Value, _: &mut ChannelSocket) -> Result<((), Value), JoinError> {
///         Ok(((), json!({"hello": "you"})))
///     }
///     async fn handle_in(&self, _: &str, payload: Value, _: &mut (), socket: &mut ChannelSocket) -> Reply {
///         socket.broadcast_from("echoed", payload.clone());
///         Reply::ok(payload)
///     }
/// }
///
/// let endpoint = Endpoint::builder("a test secret of at least thirty-two bytes")
///     .channel("room:*", Echo)
///     .build()
///     .expect("endpoint");
/// let server = TestServer::serve(endpoint).await;
/// let mut ana = TestClient::joined(&server, "ana", "room:1", json!({})).await;
/// let mut bo = TestClient::joined(&server, "bo", "room:1", json!({})).await;
/// let reply = ana.push("room:1", "say", json!({"text": "hi"})).await;
/// assert_eq!(reply, json!({"status": "ok", "response": {"text": "hi"}}));
/// assert_eq!(bo.event("room:1", "echoed").await, json!({"text": "hi"}));
/// ana.refute(std::time::Duration::from_millis(50)).await;
/// # }
/// ```
pub struct TestClient {
    ws: Ws,
    next_ref: u64,
    /// The join ref of each topic this client joined.
    join_refs: std::collections::HashMap<String, String>,
}

/// How a connect attempt ended.
#[derive(Debug)]
pub enum Connect {
    /// Upgraded.
    Open(Box<TestClient>),
    /// Refused with this HTTP status and body.
    Refused(u16, String),
}

impl TestClient {
    /// Connects as `user` to a test server.
    pub async fn connect(server: &TestServer, user: &str) -> TestClient {
        match TestClient::try_url(&server.url(user), None).await {
            Connect::Open(client) => *client,
            Connect::Refused(status, body) => panic!("connect refused: {status} {body}"),
        }
    }

    /// Connects as `user` and joins `topic` with `payload`, asserting the join
    /// is accepted.
    pub async fn joined(
        server: &TestServer,
        user: &str,
        topic: &str,
        payload: Value,
    ) -> TestClient {
        let mut c = TestClient::connect(server, user).await;
        let reply = c.join(topic, payload).await;
        assert_eq!(reply["status"], "ok", "join {topic}: {reply}");
        c
    }

    /// Connects to a URL, optionally with an `Origin` header.
    pub async fn try_url(url: &str, origin: Option<&str>) -> Connect {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request().expect("request");
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().expect("origin header"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((ws, _)) => Connect::Open(Box::new(TestClient {
                ws,
                next_ref: 0,
                join_refs: Default::default(),
            })),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                let status = response.status().as_u16();
                let body = response
                    .body()
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default();
                Connect::Refused(status, body)
            }
            Err(e) => panic!("connect failed: {e}"),
        }
    }

    fn next_ref(&mut self) -> String {
        self.next_ref += 1;
        self.next_ref.to_string()
    }

    /// Sends a raw text frame.
    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.ws
            .send(Message::text(text.into()))
            .await
            .expect("send");
    }

    /// Sends a raw binary frame.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        self.ws
            .send(Message::Binary(Bytes::from(bytes)))
            .await
            .expect("send");
    }

    /// Sends any WebSocket message, raw frames included.
    pub async fn send_raw(&mut self, message: Message) {
        self.ws.send(message).await.expect("send");
    }

    /// Sends a frame as a JSON value.
    pub async fn send(&mut self, frame: Value) {
        self.send_text(frame.to_string()).await;
    }

    /// Pushes an event and returns its ref (no waiting).
    pub async fn push_nowait(&mut self, topic: &str, event: &str, payload: Value) -> String {
        let msg_ref = self.next_ref();
        let join_ref = self.join_refs.get(topic).cloned();
        self.send(json!([join_ref, msg_ref, topic, event, payload]))
            .await;
        msg_ref
    }

    /// Pushes an event and waits for its reply `{status, response}`.
    pub async fn push(&mut self, topic: &str, event: &str, payload: Value) -> Value {
        let msg_ref = self.push_nowait(topic, event, payload).await;
        self.reply_to(&msg_ref).await
    }

    /// Joins a topic and returns the join reply.
    pub async fn join(&mut self, topic: &str, payload: Value) -> Value {
        let join_ref = self.next_ref();
        self.join_refs.insert(topic.to_owned(), join_ref.clone());
        self.send(json!([join_ref, join_ref, topic, "phx_join", payload]))
            .await;
        self.reply_to(&join_ref).await
    }

    /// Leaves a topic and returns the reply (`{"status": "ok", …}`).
    pub async fn leave(&mut self, topic: &str) -> Value {
        let reply = self.push(topic, crate::wire::events::LEAVE, json!({})).await;
        self.join_refs.remove(topic);
        reply
    }

    /// Joins and asserts the reply is ok.
    pub async fn join_ok(&mut self, topic: &str) -> Value {
        let reply = self.join(topic, json!({})).await;
        assert_eq!(reply["status"], "ok", "join {topic}: {reply}");
        reply
    }

    /// Waits for the `phx_reply` with this ref, skipping other frames.
    pub async fn reply_to(&mut self, msg_ref: &str) -> Value {
        let frame = self
            .next_matching(|f| f[1] == msg_ref && f[3] == "phx_reply")
            .await;
        frame[4].clone()
    }

    /// Waits for the next frame with this topic and event; returns its payload.
    pub async fn event(&mut self, topic: &str, event: &str) -> Value {
        self.next_matching(|f| f[2] == topic && f[3] == event).await[4].clone()
    }

    /// Waits for the next frame matching `wanted`, skipping others.
    pub async fn next_matching(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.recv())
                .await
                .expect("timed out waiting for a frame");
            if wanted(&frame) {
                return frame;
            }
        }
    }

    /// The next frame, whatever it is.
    pub async fn recv(&mut self) -> Value {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str(&text).expect("server frames are JSON");
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    /// Every frame that arrives within `window`.
    pub async fn drain(&mut self, window: Duration) -> Vec<Value> {
        let mut frames = Vec::new();
        let deadline = tokio::time::Instant::now() + window;
        while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, self.ws.next()).await {
            if let Message::Text(text) = message {
                frames.push(serde_json::from_str(&text).expect("server frames are JSON"));
            }
        }
        frames
    }

    /// Asserts that no frame arrives within `window` (pings aside).
    ///
    /// # Panics
    /// If one does, with the frame.
    pub async fn refute(&mut self, window: Duration) {
        let frames = self.drain(window).await;
        assert!(frames.is_empty(), "expected no frame, got {frames:?}");
    }

    /// Waits for the server to close the socket; returns its close frame.
    pub async fn closed(&mut self) -> Option<CloseFrame> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .expect("timed out waiting for close")
            {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return None,
            }
        }
    }

    /// Closes the socket from the client side.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

impl std::fmt::Debug for TestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestClient").finish_non_exhaustive()
    }
}
