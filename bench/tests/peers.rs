//! The peer benchmark at CI scale (`fanout --peers`): rtux, socketioxide and
//! Node's socket.io 4.8 each answer the same client harness — fan-out with
//! memory, a connect-and-join storm, request/reply — so the table in
//! docs/benchmarks.md measures servers that work. Outside CI it skips, saying
//! why, without Node.js or `npm ci --prefix bench/peers/socketio`.

use std::path::Path;
use std::process::Command;

/// Whether CI runs this (then nothing may skip).
fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

#[test]
fn every_peer_answers_the_same_harness() {
    let socket_io =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/socketio/node_modules/socket.io");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !(node && socket_io.is_dir()) {
        assert!(
            !required(),
            "CI measures the peers: install Node.js and run npm ci --prefix bench/peers/socketio"
        );
        eprintln!("SKIPPED the peers: Node.js or bench/peers/socketio/node_modules is missing");
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(["--peers", "--subscribers", "50", "--deliveries", "2000"])
        .args(["--storm", "200", "--asks", "50"])
        .output()
        .expect("run fanout --peers");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "fanout --peers failed:\n{stderr}");
    let table = String::from_utf8_lossy(&out.stdout);
    let rows = |server: &str| {
        table
            .lines()
            .filter(|l| l.contains(&format!("| {server} |")))
            .count()
    };
    for server in ["rtux", "socketioxide 0.18 (Rust)", "socket.io 4.8 (Node)"] {
        assert_eq!(
            rows(server),
            3,
            "{server}: a fan-out, a storm and a request/reply row:\n{table}"
        );
    }
    assert_eq!(
        rows("rtux, presence tracked"),
        1,
        "the storm with presence:\n{table}"
    );
    assert_eq!(
        rows("baseline (bare tokio-tungstenite)"),
        1,
        "the baseline's fan-out:\n{table}"
    );
    assert!(
        table.contains("--peers --repeat 1 --storm 200 --asks 50 --subscribers 50"),
        "the command that reproduces it:\n{table}"
    );
}
