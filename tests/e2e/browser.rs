//! rtux.js in real headless Chromium (tests/browser, playwright-core).

use std::path::Path;
use std::time::Duration;

use rtux_tests::{NodeSuite, PageServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_client_works_in_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let also = [(
        Path::new(&chromium),
        "Chromium is not installed (apt-get install chromium)",
    )];
    let Some(suite) = NodeSuite::ready("browser", &["playwright-core"], &also) else {
        return;
    };
    let server = PageServer::start().await;
    let env = [
        ("RTUX_BASE", format!("http://{}", server.addr)),
        ("CHROMIUM", chromium.clone()),
    ];
    suite
        .run("client.test.mjs", &env, 22, Duration::from_secs(360))
        .await;
}
