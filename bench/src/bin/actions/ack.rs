//! Push-to-reply latency of a confirmed `pending` action over a real WebSocket.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use rtux::Endpoint;
use rtux::action::Resource;
use rtux::store::Store;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::Summary;

const SECRET: &str = "rtux benchmark secret, loopback only, 32+ bytes";
const TOPIC: &str = "bench:items";

pub(crate) async fn measure(dir: &Path, ops: usize) -> Result<(Summary, Summary), String> {
    let store = Store::sqlite(dir.join("ack.db"))
        .await
        .map_err(|e| e.to_string())?;
    let record = store
        .insert(TOPIC, Some("x"), json!({"title": "start"}))
        .await
        .map_err(|e| e.to_string())?;
    let items = Resource::builder(store)
        .pending("rename", |item: &Value, params: &Value| {
            let mut item = item.clone();
            item["title"] = params["title"].clone();
            Ok(item)
        })
        .build()
        .map_err(|e| e.to_string())?;
    let endpoint = Endpoint::builder(SECRET)
        .channel("bench:*", items)
        .limits(rtux::Limits {
            events_per_second: 1_000_000,
            event_burst: 1_000_000,
            ..rtux::Limits::default()
        })
        .build()
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let token = endpoint
        .tokens()
        .issue("bench", None, Duration::from_secs(3600));
    let app = axum::Router::new().merge(endpoint.router());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let url = format!("ws://{addr}/socket/websocket?vsn=2.0.0&token={token}");
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|e| e.to_string())?;
    let mut refs = 0_u64;
    let mut call =
        async |topic: &str, event: &str, payload: Value| -> Result<(Duration, Value), String> {
            refs += 1;
            let msg_ref = refs.to_string();
            let frame = json!(["1", msg_ref, topic, event, payload]).to_string();
            let started = Instant::now();
            ws.send(Message::text(frame))
                .await
                .map_err(|e| e.to_string())?;
            loop {
                let Some(Ok(Message::Text(text))) = ws.next().await else {
                    return Err("the socket closed".into());
                };
                let reply: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                if reply[1] == msg_ref.as_str() && reply[3] == "phx_reply" {
                    return Ok((started.elapsed(), reply[4].clone()));
                }
            }
        };
    call(TOPIC, "phx_join", json!({})).await?;
    let mut version = record.version;
    let (mut acks, mut beats) = (Vec::with_capacity(ops), Vec::with_capacity(ops));
    for i in 0..ops {
        let payload = json!({"client": "bench", "op": i.to_string(), "at": now_ms(), "id": "x", "version": version, "data": {"title": format!("item {i}")}});
        let (took, reply) = call(TOPIC, "rename", payload).await?;
        if reply["status"] != "ok" {
            return Err(format!("the update was not confirmed: {reply}"));
        }
        version = reply["response"]["record"]["version"]
            .as_i64()
            .unwrap_or(version + 1);
        acks.push(took);
        let (took, _) = call("phoenix", "heartbeat", json!({})).await?;
        beats.push(took);
    }
    server.abort();
    Ok((Summary::of(&mut acks), Summary::of(&mut beats)))
}

/// An op's `at`: now, in ms since the Unix epoch.
fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}
