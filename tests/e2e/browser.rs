//! rtux.js in real headless Chromium (tests/browser, playwright-core): the
//! client's own suite, and the examples as two people use them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use rtux_tests::{NodeSuite, PageServer, Relay};
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

/// Serves `app` on a loopback port until the handle is aborted.
async fn serve(app: Router) -> (SocketAddr, JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("addr");
    (
        addr,
        tokio::spawn(async move { axum::serve(listener, app).await }),
    )
}

/// A fresh SQLite store in the temp folder, for one example's run.
async fn fresh_store(name: &str) -> (rtux::store::Store, PathBuf) {
    let file = std::env::temp_dir().join(format!("rtux-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let store = rtux::store::Store::sqlite(&file)
        .await
        .expect("a SQLite file");
    (store, file)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_client_works_in_chromium() {
    let server = PageServer::start().await;
    in_chromium(
        "client.test.mjs",
        22,
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
    let (addr, server) = serve(app).await;
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
    let (addr, server) = serve(app).await;
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

/// examples/docs on a fresh SQLite file, in two Chromium windows that reach
/// it through a relay the test cuts (`GET $RTUX_CONTROL/outage?ms=N`), to see
/// the reconnect banners.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_example_works_in_chromium() {
    let (store, file) = fresh_store("docs").await;
    docs::seed(&store).await.expect("seed the document");
    let app = docs::app(rtux_tests::SECRET, store).expect("the example builds");
    let (addr, server) = serve(app).await;
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
    let (control, control_server) = serve(control.with_state(relay.clone())).await;
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
