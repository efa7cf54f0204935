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

/// A topic's presence as a client holds it: key → metas.
pub type Presences = std::collections::BTreeMap<String, Vec<Value>>;

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
    /// This client's id in actions (as rtux.js keeps one per tab).
    client_id: String,
    next_op: u64,
    /// The last action sent, to replay it.
    last_action: Option<(String, String, Value)>,
    /// The presence of each topic, as the frames received so far make it.
    presence: std::collections::HashMap<String, Presences>,
    /// How long to wait for what is expected ([`WAIT`] unless set).
    wait: Duration,
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
        TestClient::connect_token(server, &server.token(user)).await
    }

    /// Connects with `token` (one the app minted, such as a signed-in user's
    /// from its token route), asserting the connect is accepted.
    pub async fn connect_token(server: &TestServer, token: &str) -> TestClient {
        match TestClient::try_url(&super::socket_url(server.addr, token), None).await {
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
                client_id: format!("test-{}", uuid::Uuid::now_v7().simple()),
                next_op: 0,
                last_action: None,
                presence: Default::default(),
                wait: WAIT,
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

    /// Waits up to `wait` (instead of [`WAIT`]) for what this client expects.
    pub fn set_wait(&mut self, wait: impl Into<Duration>) {
        let wait = wait.into();
        self.wait = wait;
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
        let reply = self
            .push(topic, crate::wire::events::LEAVE, json!({}))
            .await;
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
        let deadline = tokio::time::Instant::now() + self.wait;
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
                    let frame: Value = serde_json::from_str(&text).expect("server frames are JSON");
                    self.follow(&frame);
                    return frame;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    /// Every frame that arrives within `window`.
    pub async fn drain(&mut self, window: impl Into<Duration>) -> Vec<Value> {
        let window = window.into();
        let mut frames = Vec::new();
        let deadline = tokio::time::Instant::now() + window;
        while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, self.ws.next()).await {
            if let Message::Text(text) = message {
                let frame: Value = serde_json::from_str(&text).expect("server frames are JSON");
                self.follow(&frame);
                frames.push(frame);
            }
        }
        frames
    }

    /// Performs action `action` on `topic` as rtux.js does: `params` (such
    /// as `{"id": …}` or `{"temp_id": …, "data": {…}}`) with this client's id,
    /// the next op id and the time; returns the reply. [`TestClient::replay`]
    /// sends it again with the same op id.
    pub async fn act(&mut self, topic: &str, action: &str, params: Value) -> Value {
        self.next_op += 1;
        let mut payload = json!({
            "client": self.client_id,
            "op": self.next_op.to_string(),
            "at": crate::store::now_ms(),
        });
        if let (Some(p), Value::Object(params)) = (payload.as_object_mut(), params) {
            p.extend(params);
        }
        self.last_action = Some((topic.to_owned(), action.to_owned(), payload.clone()));
        self.push(topic, action, payload).await
    }

    /// Sends the last [`TestClient::act`] again, same op id (as a reconnecting
    /// client replays it); returns the reply, which must be the first one's.
    ///
    /// # Panics
    /// If no action was sent.
    pub async fn replay(&mut self) -> Value {
        let (topic, action, payload) = self.last_action.clone().expect("an action to replay");
        self.push(&topic, &action, payload).await
    }

    /// Undoes the last [`TestClient::act`] (an undoable delete); returns the reply.
    ///
    /// # Panics
    /// If no action was sent.
    pub async fn undo(&mut self, topic: &str) -> Value {
        let (_, _, payload) = self.last_action.clone().expect("an action to undo");
        let undo = json!({"client": payload["client"], "op": payload["op"], "at": payload["at"]});
        self.push(topic, "undo", undo).await
    }

    /// Waits for the next patch on `topic` (what the others receive when an
    /// action applies); returns its payload.
    pub async fn patch(&mut self, topic: &str) -> Value {
        self.event(topic, crate::action::PATCH_EVENT).await
    }

    /// The presence of `topic` as this client has been told it (state, diffs
    /// and summaries received so far): key → metas.
    pub fn presence(&self, topic: &str) -> Presences {
        self.presence.get(topic).cloned().unwrap_or_default()
    }

    /// Reads frames until `topic`'s presence satisfies `check`; returns it.
    ///
    /// # Panics
    /// If it does not within [`WAIT`] (or [`TestClient::set_wait`]), with the
    /// presence it had.
    pub async fn presence_until(
        &mut self,
        topic: &str,
        check: impl Fn(&Presences) -> bool,
    ) -> Presences {
        let deadline = tokio::time::Instant::now() + self.wait;
        loop {
            let now = self.presence(topic);
            if check(&now) {
                return now;
            }
            if tokio::time::timeout_at(deadline, self.recv())
                .await
                .is_err()
            {
                let counts: Vec<(&String, usize)> = now.iter().map(|(k, m)| (k, m.len())).collect();
                panic!(
                    "presence of {topic} is still {counts:?} (key, metas) after {:?}",
                    self.wait
                );
            }
        }
    }

    /// Keeps the presence of a topic from a frame, as phoenix.js does
    /// (a diff's joins before its leaves; metas matched by `phx_ref`).
    fn follow(&mut self, frame: &Value) {
        let (Some(topic), Some(event)) = (frame[2].as_str(), frame[3].as_str()) else {
            return;
        };
        let payload = &frame[4];
        let metas = |v: &Value| v["metas"].as_array().cloned().unwrap_or_default();
        match event {
            "presence_state" => {
                let state = payload.as_object().into_iter().flatten();
                let map = state.map(|(k, v)| (k.clone(), metas(v))).collect();
                self.presence.insert(topic.to_owned(), map);
            }
            "presence_summary" => {
                let shown = payload["presences"].as_object().into_iter().flatten();
                let map = shown.map(|(k, v)| (k.clone(), metas(v))).collect();
                self.presence.insert(topic.to_owned(), map);
            }
            "presence_diff" => {
                let map = self.presence.entry(topic.to_owned()).or_default();
                for (key, v) in payload["joins"].as_object().into_iter().flatten() {
                    let held = map.entry(key.clone()).or_default();
                    for meta in metas(v) {
                        held.retain(|m| m["phx_ref"] != meta["phx_ref"]);
                        held.push(meta);
                    }
                }
                for (key, v) in payload["leaves"].as_object().into_iter().flatten() {
                    if let Some(held) = map.get_mut(key) {
                        let gone = metas(v);
                        held.retain(|m| !gone.iter().any(|g| g["phx_ref"] == m["phx_ref"]));
                        if held.is_empty() {
                            map.remove(key);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Asserts that no frame arrives within `window` (pings aside).
    ///
    /// # Panics
    /// If one does, with the frame.
    pub async fn refute(&mut self, window: impl Into<Duration>) {
        let window = window.into();
        let frames = self.drain(window).await;
        assert!(frames.is_empty(), "expected no frame, got {frames:?}");
    }

    /// Waits for the server to close the socket; returns its close frame.
    pub async fn closed(&mut self) -> Option<CloseFrame> {
        let deadline = tokio::time::Instant::now() + self.wait;
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
