//! The official `phoenix` npm client against rtux servers (tests/interop).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use rtux::Limits;
use rtux::presence::PresenceConfig;
use rtux_tests::{TestServer, required};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_phoenix_client_interoperates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop");
    let node_ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let installed =
        dir.join("node_modules/phoenix").is_dir() && dir.join("node_modules/ws").is_dir();
    if !(node_ok && installed) {
        let why = if node_ok {
            "run `npm ci --prefix tests/interop` first"
        } else {
            "Node.js is not installed"
        };
        assert!(
            !required(),
            "CI must run the phoenix interop test, but {why}"
        );
        eprintln!("SKIPPED the phoenix interop test: {why}");
        return;
    }
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
    let run = tokio::process::Command::new("node")
        .args(["--test", "--test-reporter=spec", "phoenix_client.test.mjs"])
        .current_dir(&dir)
        .env("RTUX_URL", format!("ws://{}/socket", server.addr))
        .env("RTUX_DROP_URL", format!("ws://{}/socket", dropping.addr))
        .env("RTUX_TOKENS", serde_json::Value::Object(tokens).to_string())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("node tests finish within 2 minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the phoenix client tests failed (output above)"
    );
    assert!(stdout.contains("pass 6"), "all six interop tests ran");
}
