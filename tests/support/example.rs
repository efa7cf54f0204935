//! The examples as their tests run them: served in the test's process on a
//! fresh SQLite file, reached by a socket with the token a page hands out.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use rtux::testing::{Connect, TestClient};
use tokio::task::JoinHandle;

/// Serves `app` on a loopback port until the handle is aborted.
pub async fn serve_app(app: Router) -> (SocketAddr, JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("addr");
    (
        addr,
        tokio::spawn(async move { axum::serve(listener, app).await }),
    )
}

/// A fresh SQLite store in the temp folder, for one run of an example.
pub async fn fresh_store(name: &str) -> (rtux::store::Store, PathBuf) {
    let file = std::env::temp_dir().join(format!(
        "rtux-{name}-{}-{}.db",
        std::process::id(),
        crate::now_ms()
    ));
    let _ = std::fs::remove_file(&file);
    let store = rtux::store::Store::sqlite(&file)
        .await
        .expect("a SQLite file");
    (store, file)
}

/// A socket with the token the page at `path` hands its visitor (in its
/// `data-rtux-token`), as that page's rtux.js would connect.
///
/// # Panics
/// If the page has no token or the socket is refused.
pub async fn page_socket(addr: SocketAddr, path: &str) -> TestClient {
    let page = crate::http_get(addr, path).await;
    let start = page
        .find("data-rtux-token=\"")
        .unwrap_or_else(|| panic!("no token in {path}: {page}"))
        + "data-rtux-token=\"".len();
    let token = &page[start..start + page[start..].find('"').expect("the token ends")];
    let url = format!("ws://{addr}/socket/websocket?vsn=2.0.0&token={token}");
    match TestClient::try_url(&url, None).await {
        Connect::Open(client) => *client,
        Connect::Refused(status, body) => panic!("connect refused: {status} {body}"),
    }
}
