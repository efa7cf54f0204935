//! The lobby example works end to end: page, session, socket, presence, chat.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let status = response[9..12].parse().expect("status");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn a_guest_gets_a_token_joins_the_lobby_and_chats() {
    let app = lobby::app(rtux_tests::SECRET).expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });

    let (status, page) = get(addr, "/").await;
    assert_eq!(status, 200);
    assert!(page.contains("<title>rtux lobby</title>"));
    let (status, body) = get(addr, "/session?name=").await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = get(addr, "/session?name=%3Cb%3EAna%3C%2Fb%3E").await;
    assert_eq!(status, 200, "{body}");
    // Chunked bodies: take the JSON object out of the body.
    let json_text = &body[body.find('{').expect("json")..=body.rfind('}').expect("json")];
    let session: Value = serde_json::from_str(json_text).expect("session json");
    assert_eq!(
        session["name"], "<b>Ana</b>",
        "names are data; the page renders them with textContent"
    );

    let url = format!(
        "ws://{addr}/socket/websocket?vsn=2.0.0&token={}",
        session["token"].as_str().expect("token")
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("socket");
    ws.send(Message::text(
        json!(["1", "1", "room:lobby", "phx_join", {}]).to_string(),
    ))
    .await
    .expect("join");
    ws.send(Message::text(
        json!(["1", "2", "room:lobby", "say", {"text": "  hello  "}]).to_string(),
    ))
    .await
    .expect("say");
    ws.send(Message::text(
        json!(["1", "3", "room:lobby", "say", {"text": ""}]).to_string(),
    ))
    .await
    .expect("say");
    let mut seen = Vec::new();
    while seen.len() < 5 {
        let Some(Ok(Message::Text(text))) = ws.next().await else {
            panic!("socket ended")
        };
        let frame: Value = serde_json::from_str(&text).expect("json");
        if frame[3] != "presence_diff" {
            seen.push(frame);
        }
    }
    let find = |topic_event: (&str, &str)| {
        seen.iter()
            .find(|f| f[1] == topic_event.0 || (topic_event.0.is_empty() && f[3] == topic_event.1))
            .unwrap_or_else(|| panic!("no {topic_event:?} in {seen:?}"))[4]
            .clone()
    };
    assert_eq!(find(("1", ""))["status"], "ok");
    let state = find(("", "presence_state"));
    assert_eq!(
        state[session["user"].as_str().expect("user")]["metas"][0]["name"],
        "<b>Ana</b>"
    );
    assert_eq!(
        find(("", "said")),
        json!({"user": session["user"], "name": "<b>Ana</b>", "text": "hello"})
    );
    assert_eq!(find(("2", "")), json!({"status": "ok", "response": {}}));
    assert_eq!(
        find(("3", ""))["response"]["reason"],
        "a message is 1 to 500 characters"
    );
    server.abort();
}
