//! The official `phoenix` npm client against rtux servers (tests/interop).

use std::time::Duration;

use rtux::Limits;
use rtux::presence::PresenceConfig;
use rtux_tests::{NodeSuite, TestServer};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_phoenix_client_interoperates() {
    let Some(suite) = NodeSuite::ready("interop", &["phoenix", "ws"], &[]) else {
        return;
    };
    let server = TestServer::start().await;
    let dropping = TestServer::with(|b| {
        b.limits(Limits {
            heartbeat_timeout: Duration::from_secs(1),
            ..Limits::default()
        })
        .presence(PresenceConfig {
            diff_window: Duration::from_millis(20),
            ..PresenceConfig::default()
        })
    })
    .await;
    let tokens: serde_json::Map<String, serde_json::Value> = ["alice", "bob", "carol", "dave"]
        .iter()
        .map(|u| (u.to_string(), json!(server.token(u))))
        .collect();
    let env = [
        ("RTUX_URL", format!("ws://{}/socket", server.addr)),
        ("RTUX_DROP_URL", format!("ws://{}/socket", dropping.addr)),
        ("RTUX_TOKENS", serde_json::Value::Object(tokens).to_string()),
    ];
    suite
        .run("phoenix_client.test.mjs", &env, 6, Duration::from_secs(120))
        .await;
}
