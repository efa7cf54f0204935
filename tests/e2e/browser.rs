//! rtux.js in real headless Chromium (tests/browser, playwright-core): the
//! client's own suite, and the examples as two people use them.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use rtux_tests::{NodeSuite, PageServer};

/// The browser tests are timed: one at a time, never sharing the CPU.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `file` of tests/browser (which has `tests` tests) against the server
/// at `addr`, in Debian's Chromium; skips outside CI without it.
async fn in_chromium(file: &str, tests: usize, addr: SocketAddr, limit: Duration) {
    let _alone = ONE_AT_A_TIME.lock().await;
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let also = [(
        Path::new(&chromium),
        "Chromium is not installed (apt-get install chromium)",
    )];
    let Some(suite) = NodeSuite::ready("browser", &["playwright-core"], &also) else {
        return;
    };
    let env = [
        ("RTUX_BASE", format!("http://{addr}")),
        ("CHROMIUM", chromium.clone()),
    ];
    suite.run(file, &env, tests, limit).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_client_works_in_chromium() {
    let server = PageServer::start().await;
    in_chromium("client.test.mjs", 22, server.addr, Duration::from_secs(360)).await;
}

/// examples/cursors, served in this process, in two Chromium windows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cursors_example_works_in_chromium() {
    let app = cursors::app(rtux_tests::SECRET).expect("the example builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    in_chromium(
        "example_cursors.test.mjs",
        1,
        addr,
        Duration::from_secs(120),
    )
    .await;
    server.abort();
}

/// examples/kanban on a fresh SQLite file, served in this process, in two
/// Chromium windows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kanban_example_works_in_chromium() {
    let db = std::env::temp_dir().join(format!("rtux-kanban-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = rtux::store::Store::sqlite(&db)
        .await
        .expect("a SQLite file");
    kanban::seed(&store).await.expect("seed the board");
    let app = kanban::app(rtux_tests::SECRET, store).expect("the example builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    in_chromium("example_kanban.test.mjs", 1, addr, Duration::from_secs(180)).await;
    server.abort();
    let _ = std::fs::remove_file(&db);
}
