//! The app serves its pages: started on a free port with a fresh store, asked
//! over a real socket.

use std::io::{Read, Write};

fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[tokio::test(flavor = "multi_thread")]
async fn serves_the_board_the_notes_and_the_client() {
    let dir = std::env::temp_dir().join(format!("<< crate_name >>-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = << crate_name >>::Config {
        addr: "127.0.0.1:0".into(),
        database_url: format!("sqlite:{}", dir.join("test.db").display()),
        pubsub_url: None,
        secret: "a test secret of at least thirty-two bytes".into(),
        development_secret: false,
        production: false,
    };
    let app = << crate_name >>::router(&config).await.expect("the app starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });

    let page = tokio::task::spawn_blocking(move || get(addr, "/?name=Ana")).await.expect("get");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("data-rtux-token=") && page.contains("rtux-skeleton-record"), "{page}");
    let list = tokio::task::spawn_blocking(move || get(addr, "/notes/list")).await.expect("get");
    assert!(list.contains("No notes yet"), "{list}");
    let css = tokio::task::spawn_blocking(move || get(addr, "/static/app.css")).await.expect("get");
    assert!(css.starts_with("HTTP/1.1 200"), "{css}");
}
