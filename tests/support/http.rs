//! A plain HTTP GET on loopback, for tests that read a page or an endpoint
//! as a client would (status line, headers and body as one text).

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `GET path` from `addr`, the connection closed after the answer: the whole
/// response, headers included.
pub async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    answer
}
