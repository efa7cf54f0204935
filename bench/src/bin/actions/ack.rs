//! Push-to-reply latency of a confirmed `pending` action over a real WebSocket.

use std::path::Path;
use std::time::Instant;

use rtux::Endpoint;
use rtux::action::Resource;
use rtux::store::Store;
use rtux::testing::{TestClient, TestServer};
use serde_json::{Value, json};

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
    // The repo's protocol client (rtux::testing): op ids and times handled.
    let server = TestServer::serve(endpoint).await;
    let mut client = TestClient::joined(&server, "bench", TOPIC, json!({})).await;
    let mut version = record.version;
    let (mut acks, mut beats) = (Vec::with_capacity(ops), Vec::with_capacity(ops));
    for i in 0..ops {
        let params = json!({"id": "x", "version": version, "data": {"title": format!("item {i}")}});
        let started = Instant::now();
        let reply = client.act(TOPIC, "rename", params).await;
        acks.push(started.elapsed());
        if reply["status"] != "ok" {
            return Err(format!("the update was not confirmed: {reply}"));
        }
        version = reply["response"]["record"]["version"]
            .as_i64()
            .unwrap_or(version + 1);
        let started = Instant::now();
        client.push("phoenix", "heartbeat", json!({})).await;
        beats.push(started.elapsed());
    }
    Ok((Summary::of(&mut acks), Summary::of(&mut beats)))
}
