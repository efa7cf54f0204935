//! rtux.js in real headless Chromium (tests/browser, playwright-core).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use rtux_tests::{PageServer, required};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_client_works_in_chromium() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node_ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let why = if !node_ok {
        Some("Node.js is not installed")
    } else if !dir.join("node_modules/playwright-core").is_dir() {
        Some("run `npm ci --prefix tests/browser` first")
    } else if !Path::new(&chromium).exists() {
        Some("Chromium is not installed (apt-get install chromium)")
    } else {
        None
    };
    if let Some(why) = why {
        assert!(!required(), "CI must run the browser tests, but {why}");
        eprintln!("SKIPPED the browser tests: {why}");
        return;
    }
    let server = PageServer::start().await;
    let run = tokio::process::Command::new("node")
        .args([
            "--test",
            "--test-reporter=spec",
            "--test-concurrency=1",
            "client.test.mjs",
        ])
        .current_dir(&dir)
        .env("RTUX_BASE", format!("http://{}", server.addr))
        .env("CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .expect("browser tests finish within 3 minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the browser tests failed (output above)"
    );
    assert!(stdout.contains("pass 11"), "all eleven browser tests ran");
}
