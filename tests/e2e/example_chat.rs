//! examples/chat over raw sockets, as a hostile guest would use it: rooms that
//! are not there, authors that are not theirs, messages too long or empty,
//! a message sent twice.

use rtux::wire::Code;
use rtux_tests::{Client, fresh_store, http_get, page_socket, refused, serve_app};
use serde_json::json;

/// Serves the example on a fresh SQLite file, with its first message.
async fn serve_chat() -> std::net::SocketAddr {
    let (store, _file) = fresh_store("chat-e2e").await;
    chat::seed(&store).await.expect("seed");
    serve_app(chat::app(rtux_tests::SECRET, store).expect("app"))
        .await
        .0
}

/// A socket as the visitor named `name` on a room's page.
async fn visitor(addr: std::net::SocketAddr, name: &str) -> Client {
    page_socket(addr, &format!("/rooms/general?name={name}")).await
}

#[tokio::test]
async fn the_rooms_are_the_only_rooms() {
    let addr = serve_chat().await;
    let home = http_get(addr, "/?name=Ana").await;
    assert!(home.starts_with("HTTP/1.1 303"), "{home}");
    assert!(home.contains("location: /rooms/general?name=Ana"), "{home}");
    let page = http_get(addr, "/rooms/random?name=Ana").await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("<title># Random · rtux chat</title>"));
    assert!(
        page.contains(r#"data-rtux-unread="chat:general""#)
            && !page.contains(r#"data-rtux-unread="chat:random""#),
        "badges for the other rooms only"
    );
    let missing = http_get(addr, "/rooms/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(
        missing.contains("text/plain"),
        "the name asked for is only ever text"
    );
    assert!(
        missing.contains("The rooms are general, random, help"),
        "{missing}"
    );
    let fragment = http_get(addr, "/rooms/nope/messages").await;
    assert!(fragment.starts_with("HTTP/1.1 404"), "{fragment}");

    let mut ana = visitor(addr, "Ana").await;
    for topic in ["chat:general", "chat:help", "here:general", "here:random"] {
        assert_eq!(ana.join(topic, json!({})).await["status"], "ok", "{topic}");
    }
    for topic in ["chat:secret", "here:secret", "chat:*", "lobby:general"] {
        let refused = ana.join(topic, json!({})).await;
        assert_eq!(refused["status"], "error", "{topic}: {refused}");
    }
}

#[tokio::test]
async fn a_message_names_its_sender_from_the_token_and_lands_once() {
    let addr = serve_chat().await;
    let mut ana = visitor(addr, "%3Cb%3EAna%3C%2Fb%3E").await;
    let mut bo = visitor(addr, "Bo").await;
    ana.join_ok("chat:general").await;
    bo.join_ok("chat:general").await;

    // A client claiming an author is ignored: the author is the token's.
    let data = json!({"text": "hello <i>all</i>", "by": {"name": "Mallory"}, "author": "Mallory"});
    let said = ana
        .act(
            "chat:general",
            "say",
            json!({"temp_id": "tmp-1", "data": data}),
        )
        .await;
    assert_eq!(said["status"], "ok", "{said}");
    let patch = bo.patch("chat:general").await;
    let html = patch["html"].as_str().expect("html");
    assert!(
        html.contains("&lt;b&gt;Ana&lt;&#x2f;b&gt;")
            && html.contains("hello &lt;i&gt;all&lt;&#x2f;i&gt;"),
        "the sender's name from the token, escaped: {html}"
    );
    assert!(!html.contains("Mallory"), "{html}");
    assert_eq!(
        patch["record"]["data"],
        json!({"text": "hello <i>all</i>"}),
        "unknown fields are dropped"
    );

    // Sent again (a reconnecting page replays it): the same answer, one message.
    let again = ana.replay().await;
    assert_eq!(
        again["response"]["record"]["id"],
        said["response"]["record"]["id"]
    );
    bo.refute(std::time::Duration::from_millis(300)).await;
    let listed = http_get(addr, "/rooms/general/messages").await;
    assert_eq!(listed.matches("hello &lt;i&gt;all").count(), 1, "{listed}");
    assert!(
        listed.contains("&lt;b&gt;Ana&lt;&#x2f;b&gt;"),
        "the page names her too"
    );

    for text in [" \n ".to_owned(), "x".repeat(chat::MAX_TEXT + 1)] {
        let said = ana
            .act(
                "chat:general",
                "say",
                json!({"temp_id": "tmp-2", "data": {"text": text}}),
            )
            .await;
        refused(&said, Code::Invalid);
    }
    let wrong = ana
        .act(
            "chat:general",
            "say",
            json!({"temp_id": "tmp-3", "data": {"text": 7}}),
        )
        .await;
    assert_eq!(wrong["status"], "error", "{wrong}");
    bo.refute(std::time::Duration::from_millis(300)).await;
}
