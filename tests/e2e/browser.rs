//! rtux.js in real headless Chromium (tests/browser, playwright-core): the
//! client's own suite, and the examples as two people use them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use rtux_tests::{NodeSuite, PageServer, Relay, fresh_store, serve_app};
use tokio::task::JoinHandle;

/// The browser tests are timed: one at a time, never sharing the CPU.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `file` of tests/browser (which has `tests` tests) against the server
/// at `addr`, in Debian's Chromium, with `env` besides; skips outside CI
/// without it.
async fn in_chromium(
    file: &str,
    tests: usize,
    addr: SocketAddr,
    env: &[(&str, String)],
    limit: Duration,
) {
    let _alone = ONE_AT_A_TIME.lock().await;
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let also = [(
        Path::new(&chromium),
        "Chromium is not installed (apt-get install chromium)",
    )];
    let Some(suite) = NodeSuite::ready("browser", &["playwright-core"], &also) else {
        return;
    };
    let mut env = env.to_vec();
    env.push(("RTUX_BASE", format!("http://{addr}")));
    env.push(("CHROMIUM", chromium.clone()));
    suite.run(file, &env, tests, limit).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_client_works_in_chromium() {
    let server = PageServer::start().await;
    in_chromium(
        "client.test.mjs",
        27,
        server.addr,
        &[],
        Duration::from_secs(360),
    )
    .await;
}

/// examples/cursors, served in this process, in two Chromium windows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cursors_example_works_in_chromium() {
    let app = cursors::app(rtux_tests::SECRET).expect("the example builds");
    let (addr, server) = serve_app(app).await;
    in_chromium(
        "example_cursors.test.mjs",
        1,
        addr,
        &[],
        Duration::from_secs(120),
    )
    .await;
    server.abort();
}

/// examples/kanban on a fresh SQLite file, served in this process, in two
/// Chromium windows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kanban_example_works_in_chromium() {
    let (store, file) = fresh_store("kanban").await;
    kanban::seed(&store).await.expect("seed the board");
    let app = kanban::app(rtux_tests::SECRET, store).expect("the example builds");
    let (addr, server) = serve_app(app).await;
    in_chromium(
        "example_kanban.test.mjs",
        1,
        addr,
        &[],
        Duration::from_secs(180),
    )
    .await;
    server.abort();
    let _ = std::fs::remove_file(&file);
}

/// A relay to `addr` that a browser test cuts with `GET $RTUX_CONTROL/outage?ms=N`
/// (the control server's address is the second value).
async fn cuttable(addr: SocketAddr) -> (Arc<Relay>, SocketAddr, JoinHandle<std::io::Result<()>>) {
    let relay = Arc::new(Relay::start(addr).await);
    let control = Router::new().route(
        "/outage",
        get(
            |State(relay): State<Arc<Relay>>, Query(q): Query<HashMap<String, u64>>| async move {
                let ms = q.get("ms").copied().unwrap_or(1000);
                relay.cut_for(Duration::from_millis(ms)).to_string()
            },
        ),
    );
    let (control, server) = serve_app(control.with_state(relay.clone())).await;
    (relay, control, server)
}

/// examples/docs on a fresh SQLite file, in two Chromium windows that reach
/// it through a relay the test cuts (`GET $RTUX_CONTROL/outage?ms=N`), to see
/// the reconnect banners.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_example_works_in_chromium() {
    let (store, file) = fresh_store("docs").await;
    docs::seed(&store).await.expect("seed the document");
    let app = docs::app(rtux_tests::SECRET, store).expect("the example builds");
    let (addr, server) = serve_app(app).await;
    let (relay, control, control_server) = cuttable(addr).await;
    let env = [("RTUX_CONTROL", format!("http://{control}"))];
    in_chromium(
        "example_docs.test.mjs",
        1,
        relay.addr,
        &env,
        Duration::from_secs(180),
    )
    .await;
    server.abort();
    control_server.abort();
    let _ = std::fs::remove_file(&file);
}

/// examples/chat on a fresh SQLite file, in two Chromium windows: Ana's
/// reaches it through a relay the test cuts, Bo's directly (`RTUX_DIRECT`),
/// so Bo sees what Ana sent offline arrive when she is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_example_works_in_chromium() {
    let (store, file) = fresh_store("chat").await;
    chat::seed(&store).await.expect("seed the first room");
    let app = chat::app(rtux_tests::SECRET, store).expect("the example builds");
    let (addr, server) = serve_app(app).await;
    let (relay, control, control_server) = cuttable(addr).await;
    let env = [
        ("RTUX_CONTROL", format!("http://{control}")),
        ("RTUX_DIRECT", format!("http://{addr}")),
    ];
    in_chromium(
        "example_chat.test.mjs",
        1,
        relay.addr,
        &env,
        Duration::from_secs(180),
    )
    .await;
    server.abort();
    control_server.abort();
    let _ = std::fs::remove_file(&file);
}
