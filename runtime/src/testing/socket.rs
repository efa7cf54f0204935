//! The protocol's socket, for clients that read its frames themselves:
//! benchmarks time deliveries without parsing every frame, so they hold the
//! socket, not a [`TestClient`](super::TestClient). The URL, the join and its
//! reply are done here, once for every client in the repo.

use std::net::SocketAddr;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// An open socket of the channel protocol (Phoenix V2 frames).
pub type RawSocket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The join ref and ref of the join [`open_joined`] sends.
pub const JOIN_REF: &str = "1";

/// The socket URL of the endpoint at `addr`, for a token.
///
/// ```
/// let url = rtux::testing::socket_url("127.0.0.1:4000".parse().unwrap(), "t0k3n");
/// assert_eq!(url, "ws://127.0.0.1:4000/socket/websocket?vsn=2.0.0&token=t0k3n");
/// ```
pub fn socket_url(addr: SocketAddr, token: &str) -> String {
    format!("ws://{addr}/socket/websocket?vsn=2.0.0&token={token}")
}

/// Opens a socket at `url` and joins `topic` with `payload` (join ref and
/// ref [`JOIN_REF`]); returns it once the join is accepted.
///
/// # Errors
/// The connection fails, or the join is refused (with the reply).
pub async fn open_joined(url: &str, topic: &str, payload: Value) -> Result<RawSocket, OpenError> {
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(OpenError::Connect)?;
    let join = json!([JOIN_REF, JOIN_REF, topic, "phx_join", payload]).to_string();
    socket
        .send(Message::text(join))
        .await
        .map_err(OpenError::Socket)?;
    while let Some(message) = socket.next().await {
        let Message::Text(text) = message.map_err(OpenError::Socket)? else {
            continue;
        };
        let frame: Value = serde_json::from_str(&text).map_err(OpenError::Frame)?;
        if frame[1] == JOIN_REF && frame[3] == "phx_reply" {
            return match frame[4]["status"].as_str() {
                Some("ok") => Ok(socket),
                _ => Err(OpenError::Refused {
                    topic: topic.to_owned(),
                    reply: frame[4].clone(),
                }),
            };
        }
    }
    Err(OpenError::Closed(topic.to_owned()))
}

/// Why [`open_joined`] could not open and join.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The socket could not connect.
    #[error("connect: {0}")]
    Connect(tokio_tungstenite::tungstenite::Error),
    /// The socket failed while joining.
    #[error("join: {0}")]
    Socket(tokio_tungstenite::tungstenite::Error),
    /// The server sent a frame that is not JSON.
    #[error("join: {0}")]
    Frame(serde_json::Error),
    /// The join was refused: the reply says why.
    #[error("join {topic} refused: {reply}")]
    Refused {
        /// The topic.
        topic: String,
        /// The refusal's reply.
        reply: Value,
    },
    /// The socket closed before the join's reply.
    #[error("join {0}: the socket closed")]
    Closed(String),
}
