//! Benchmark clients: subscribers that time every delivery, and the publisher.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::servers::{SECRET, TOPIC, TRACKED_TOPIC, broadcast_frame};

pub(crate) type Ws = rtux::testing::RawSocket;

/// Which server a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// rtux: Phoenix V2 frames, a token, a join.
    Rtux,
    /// rtux with its metrics recorded (Prometheus) and INFO logs formatted.
    RtuxObserved,
    /// rtux on a topic whose channel tracks each joiner's presence.
    RtuxPresence,
    /// The bare baseline: any text frame is a broadcast.
    Baseline,
    /// socketioxide (Rust): Socket.IO over Engine.IO 4, in a room.
    Socketioxide,
    /// Node's socket.io 4.8: the same protocol.
    SocketIoNode,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Rtux => "rtux",
            Kind::RtuxObserved => "rtux with metrics and INFO logs",
            Kind::RtuxPresence => "rtux, presence tracked",
            Kind::Baseline => "baseline (bare tokio-tungstenite)",
            Kind::Socketioxide => "socketioxide 0.18 (Rust)",
            Kind::SocketIoNode => "socket.io 4.8 (Node)",
        }
    }

    /// Whether it speaks Socket.IO, whose sockets are ready only once an ask
    /// is answered (see `peers::answered`).
    pub(crate) fn speaks_socket_io(self) -> bool {
        matches!(self, Kind::Socketioxide | Kind::SocketIoNode)
    }

    /// The subcommand that serves it.
    pub(crate) fn serve(self) -> &'static str {
        match self {
            Kind::Rtux | Kind::RtuxPresence => "serve-rtux",
            Kind::RtuxObserved => "serve-rtux-observed",
            Kind::Baseline => "serve-baseline",
            Kind::Socketioxide => "serve-socketioxide",
            Kind::SocketIoNode => "serve-socketio-node",
        }
    }
}

/// Connects, and for rtux joins the topic; returns the open socket.
pub(crate) async fn connect(kind: Kind, addr: SocketAddr, user: &str) -> Result<Ws, String> {
    let opened = match kind {
        Kind::Rtux | Kind::RtuxObserved | Kind::RtuxPresence => {
            let tokens = rtux::auth::Tokens::new(SECRET.as_bytes()).map_err(|e| e.to_string())?;
            let token = tokens.issue(user, None, Duration::from_secs(3600));
            let topic = if kind == Kind::RtuxPresence {
                TRACKED_TOPIC
            } else {
                TOPIC
            };
            rtux::testing::open_joined(&rtux::testing::socket_url(addr, &token), topic, json!({}))
                .await
                .map_err(|e| e.to_string())
        }
        Kind::Baseline => tokio_tungstenite::connect_async(format!("ws://{addr}/"))
            .await
            .map(|(ws, _)| ws)
            .map_err(|e| format!("connect: {e}")),
        Kind::Socketioxide | Kind::SocketIoNode => socket_io(addr).await,
    };
    opened.map_err(|e| {
        format!("{e} (for 10,000 clients, raise the open-files limit: ulimit -n 25000)")
    })
}

/// A Socket.IO connection over a WebSocket (Engine.IO 4, no polling first):
/// the server's open packet, then the default namespace's connect, answered
/// once the server has put the socket in the room.
async fn socket_io(addr: SocketAddr) -> Result<Ws, String> {
    let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    // Waits for a packet starting with `wanted`, answering pings (socketioxide
    // sends its first at once).
    let packet = async |ws: &mut Ws, wanted: &str| -> Result<(), String> {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) if t.starts_with(wanted) => return Ok(()),
                Some(Ok(Message::Text(t))) if t.as_str() == "2" => ws
                    .send(Message::text("3"))
                    .await
                    .map_err(|e| format!("socket.io pong: {e}"))?,
                other => {
                    return Err(format!(
                        "socket.io: expected a {wanted} packet, got {other:?}"
                    ));
                }
            }
        }
    };
    packet(&mut ws, "0{").await?;
    ws.send(Message::text("40"))
        .await
        .map_err(|e| format!("socket.io connect: {e}"))?;
    packet(&mut ws, "40{").await?;
    Ok(ws)
}

/// Reads `expected` shouts, counting each in `delivered`; returns the delivery
/// latencies (µs) of shouts numbered `measure_from` and up.
pub(crate) async fn subscribe(
    mut stream: SplitStream<Ws>,
    epoch: Instant,
    expected: u64,
    measure_from: u64,
    delivered: Arc<AtomicU64>,
) -> Vec<u32> {
    let mut latencies = Vec::with_capacity(usize::try_from(expected - measure_from).unwrap_or(0));
    let mut seen = 0;
    while seen < expected {
        let Some(Ok(message)) = stream.next().await else {
            break;
        };
        let Message::Text(text) = message else {
            continue;
        };
        let (Some(i), Some(t)) = (field(&text, "\"i\":"), field(&text, "\"t\":")) else {
            continue;
        };
        let now = u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
        if i >= measure_from {
            latencies.push(u32::try_from(now.saturating_sub(t)).unwrap_or(u32::MAX));
        }
        seen += 1;
        delivered.fetch_add(1, Ordering::Relaxed);
    }
    latencies
}

/// The integer after `key` in a small JSON text.
fn field(text: &str, key: &str) -> Option<u64> {
    let rest = &text[text.find(key)? + key.len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Sends shout number `i`, stamped with the time since `epoch`.
pub(crate) async fn shout(
    kind: Kind,
    sink: &mut SplitSink<Ws, Message>,
    epoch: Instant,
    i: u64,
) -> Result<(), String> {
    let t = u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
    let payload = json!({ "i": i, "t": t });
    let text = match kind {
        Kind::Rtux | Kind::RtuxObserved | Kind::RtuxPresence => {
            json!(["1", i.to_string(), TOPIC, "shout", payload]).to_string()
        }
        Kind::Baseline => broadcast_frame(&payload),
        Kind::Socketioxide | Kind::SocketIoNode => format!(r#"42["shout",{payload}]"#),
    };
    sink.send(Message::text(text))
        .await
        .map_err(|e| format!("publish: {e}"))
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn reads_fields() {
        let text = r#"[null,null,"bench:fanout","shout",{"i":12,"t":345}]"#;
        assert_eq!(field(text, "\"i\":"), Some(12));
        assert_eq!(field(text, "\"t\":"), Some(345));
        assert_eq!(field(text, "\"x\":"), None);
    }
}
