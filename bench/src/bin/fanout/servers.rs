//! The two servers under test, each run in its own process.
//!
//! Both deliver one broadcast to every other connection: the frame is encoded
//! once and shared, each connection's task writes its frames in batches (feed,
//! then one flush). The baseline has no protocol: no join, refs, auth or bounds.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rtux::wire::Code;
use rtux::{Channel, ChannelSocket, Endpoint, JoinError, Limits, Reply};
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, SocketRef};
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// The secret the benchmark's rtux server signs tokens with.
pub(crate) const SECRET: &str = "rtux benchmark secret, loopback only, 32+ bytes";
/// The topic every subscriber joins.
pub(crate) const TOPIC: &str = "bench:fanout";
/// The topic whose joiners are present (the storm's rtux with presence).
pub(crate) const TRACKED_TOPIC: &str = "tracked:storm";

/// `bench:*`: join without presence; `shout` goes to everyone else, `ask`
/// is answered.
struct Fanout;

/// `tracked:*`: each joiner tracked in the topic's presence, as a page of an
/// app made by `rtux new` is (its meta: a name).
struct Tracked;

impl Channel for Tracked {
    type State = ();

    async fn join(
        &self,
        _: &str,
        _: Value,
        socket: &mut ChannelSocket,
    ) -> Result<((), Value), JoinError> {
        let name = socket.user_id().to_owned();
        socket
            .presence()
            .track(json!({ "name": name }))
            .map_err(JoinError::from)?;
        Ok(((), json!({})))
    }

    async fn handle_in(&self, _: &str, _: Value, _: &mut (), _: &mut ChannelSocket) -> Reply {
        Reply::refuse(Code::NotFound, "nothing to do here")
    }
}

impl Channel for Fanout {
    type State = ();

    async fn join(
        &self,
        _: &str,
        _: Value,
        _: &mut ChannelSocket,
    ) -> Result<((), Value), JoinError> {
        Ok(((), json!({})))
    }

    async fn handle_in(
        &self,
        event: &str,
        payload: Value,
        _: &mut (),
        socket: &mut ChannelSocket,
    ) -> Reply {
        if event == "ask" {
            return Reply::ok(payload);
        }
        socket.broadcast_from(event, payload);
        Reply::NoReply
    }
}

/// Every server, the peers too, listens with rtux's queue of connections not
/// yet accepted ([`rtux::BACKLOG`]; Node's is set to the same): with
/// `TcpListener::bind`'s 128, a storm's 256 clients connecting at once
/// overflowed it, and the dropped ones retried a second later.
async fn listen() -> Result<TcpListener, String> {
    let listener = rtux::listen("127.0.0.1:0")
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("{addr}");
    Ok(listener)
}

pub(crate) async fn serve_rtux() -> Result<(), String> {
    // The publisher pushes as fast as the window allows: no per-socket rate cap.
    let limits = Limits {
        events_per_second: 1_000_000,
        event_burst: 1_000_000,
        ..Limits::default()
    };
    // One node of a cluster when the run gives an engine (`--pubsub`).
    let pubsub = rtux_bench::pubsub_from_env()?;
    let endpoint = Endpoint::builder(SECRET)
        .pubsub(pubsub)
        .channel("bench:*", Fanout)
        .channel("tracked:*", Tracked)
        .limits(limits)
        .build()
        .map_err(|e| e.to_string())?;
    let listener = listen().await?;
    axum::serve(listener, axum::Router::new().merge(endpoint.router()))
        .await
        .map_err(|e| e.to_string())
}

/// rtux as an operator runs it: metrics recorded by the Prometheus exporter
/// and every INFO event formatted (into a sink: the cost of logging, not of
/// a terminal).
pub(crate) async fn serve_rtux_observed() -> Result<(), String> {
    rtux::telemetry::Prometheus::install().map_err(|e| e.to_string())?;
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::sink)
        .init();
    serve_rtux().await
}

pub(crate) async fn serve_baseline() -> Result<(), String> {
    let listener = listen().await?;
    let (tx, _) = broadcast::channel::<(u64, Utf8Bytes)>(1024);
    let ids = Arc::new(AtomicU64::new(0));
    loop {
        let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let tx = tx.clone();
        let id = ids.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async_with_config(tcp, Some(ws_config())).await
            else {
                return;
            };
            let (mut sink, mut stream) = ws.split();
            let mut rx = tx.subscribe();
            let writer = tokio::spawn(async move {
                while let Ok((from, first)) = rx.recv().await {
                    if from != id && sink.feed(Message::Text(first)).await.is_err() {
                        return;
                    }
                    for _ in 1..64 {
                        let Ok((from, next)) = rx.try_recv() else {
                            break;
                        };
                        if from != id && sink.feed(Message::Text(next)).await.is_err() {
                            return;
                        }
                    }
                    if sink.flush().await.is_err() {
                        return;
                    }
                }
            });
            while let Some(Ok(message)) = stream.next().await {
                if let Message::Text(text) = message {
                    let _receivers = tx.send((id, text));
                }
            }
            writer.abort();
        });
    }
}

/// How often the Socket.IO peers ping: every 5 minutes instead of 25 s, as
/// the benchmark's idle clients do not answer (liveness only; the same for
/// both peers, see bench/peers/socketio/server.mjs).
const SOCKET_IO_PING: Duration = Duration::from_secs(300);

/// socketioxide as its docs show it on axum: one namespace, every socket in
/// the room; a `shout` goes to the room but its sender, an `ask` is answered
/// through its ack.
pub(crate) async fn serve_socketioxide() -> Result<(), String> {
    async fn on_connect(socket: SocketRef) {
        socket.join(TOPIC);
        socket.on("shout", on_shout);
        socket.on("ask", on_ask);
    }
    async fn on_shout(socket: SocketRef, Data(payload): Data<Value>) {
        let _dropped = socket.to(TOPIC).emit("shout", &payload).await;
    }
    async fn on_ask(Data(payload): Data<Value>, ack: AckSender) {
        let _gone = ack.send(&payload);
    }
    let (layer, io) = SocketIo::builder()
        .ping_interval(SOCKET_IO_PING)
        .ping_timeout(Duration::from_secs(60))
        .build_layer();
    io.ns("/", on_connect);
    let listener = listen().await?;
    axum::serve(listener, axum::Router::new().layer(layer))
        .await
        .map_err(|e| e.to_string())
}

/// Node's socket.io 4.8 (bench/peers/socketio): this process becomes
/// `node server.mjs` (same pid, so its memory is measured as the others').
pub(crate) fn serve_socketio_node() -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/socketio");
    if !dir.join("node_modules/socket.io").is_dir() {
        return Err(format!(
            "socket.io is not installed: npm ci --prefix {}",
            dir.display()
        ));
    }
    let failed = std::process::Command::new("node")
        .arg(dir.join("server.mjs"))
        .env("NODE_ENV", "production")
        .exec();
    Err(format!(
        "cannot run node (install Node.js 18 or later): {failed}"
    ))
}

/// The baseline's WebSocket buffers: the same as rtux's defaults (4 KiB read,
/// 8 KiB write), so the comparison is of what runs on top of the socket.
fn ws_config() -> WebSocketConfig {
    let limits = Limits::default();
    WebSocketConfig::default()
        .read_buffer_size(limits.read_buffer_bytes)
        .write_buffer_size(limits.write_buffer_bytes)
}

/// The frame rtux delivers for a shout, which the baseline's publisher sends as is,
/// so both deliver the same bytes.
pub(crate) fn broadcast_frame(payload: &Value) -> String {
    rtux::wire::encode_broadcast(TOPIC, "shout", payload)
}
