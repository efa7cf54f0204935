//! Joins, pushes, replies, broadcasts and leaves over real sockets.

use std::time::Duration;

use rtux::wire::Code;
use rtux_tests::{Client, TestServer, refused};
use serde_json::json;

#[tokio::test]
async fn join_replies_ok_then_sends_what_join_pushed() {
    let server = TestServer::start().await;
    let mut alice = Client::connect(&server, "alice").await;
    alice
        .send(json!(["1", "1", "room:a", "phx_join", {}]))
        .await;
    let first = alice
        .next_matching(|f| f[2] == "room:a" && f[3] != "presence_diff")
        .await;
    assert_eq!(
        first,
        json!(["1", "1", "room:a", "phx_reply", {"status": "ok", "response": {"topic": "room:a", "user": "alice"}}])
    );
    let mut after: Vec<String> = Vec::new();
    for _ in 0..2 {
        let f = alice
            .next_matching(|f| f[2] == "room:a" && f[3] != "presence_diff")
            .await;
        // The presence state is encoded once for every joiner of its window, so
        // it carries no join ref (as broadcasts do); the handler's push does.
        let join_ref = if f[3] == "presence_state" {
            json!(null)
        } else {
            json!("1")
        };
        assert_eq!(f[0], join_ref, "{f}");
        after.push(f[3].as_str().unwrap_or_default().to_owned());
    }
    after.sort();
    assert_eq!(after, ["presence_state", "welcome"]);
}

#[tokio::test]
async fn every_push_gets_exactly_one_reply_with_its_ref() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "alice").await;
    c.join_ok("room:a").await;
    for i in 0..20 {
        let reply = c.push("room:a", "echo", json!({"i": i})).await;
        assert_eq!(reply, json!({"status": "ok", "response": {"i": i}}));
    }
    let quiet = c.push_nowait("room:a", "quiet", json!({})).await;
    let echo = c.push_nowait("room:a", "echo", json!({})).await;
    let frames = c.drain(Duration::from_millis(300)).await;
    let replies: Vec<_> = frames.iter().filter(|f| f[3] == "phx_reply").collect();
    assert_eq!(
        replies.len(),
        1,
        "quiet gets no reply, echo exactly one: {frames:?}"
    );
    assert_eq!(replies[0][1], echo.as_str());
    assert_ne!(replies[0][1], quiet.as_str());
}

/// A reply may be written by the socket's reader itself, past the queue:
/// never before what its handler pushed or broadcast to the same socket.
#[tokio::test]
async fn a_reply_never_overtakes_what_its_handler_sent() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "alice").await;
    c.join_ok("room:a").await;
    // Inside the default burst of 100 events.
    const ASKS: u64 = 80;
    for i in 0..ASKS {
        let event = if i % 2 == 0 {
            "push_then_reply"
        } else {
            "shout"
        };
        c.push_nowait("room:a", event, json!({ "i": i })).await;
    }
    let mut seen = Vec::new();
    while seen.len() < 2 * ASKS as usize {
        // Presence and the join's welcome come and go on their own time.
        let f = c
            .next_matching(|f| {
                f[2] == "room:a"
                    && ["pushed", "shouted", "phx_reply"]
                        .contains(&f[3].as_str().unwrap_or_default())
            })
            .await;
        let i = if f[3] == "phx_reply" {
            f[4]["response"]["i"].as_u64()
        } else {
            f[4]["i"].as_u64()
        };
        seen.push((f[3].as_str().unwrap_or_default().to_owned(), i));
    }
    let expected: Vec<(String, Option<u64>)> = (0..ASKS)
        .flat_map(|i| {
            let sent = if i % 2 == 0 { "pushed" } else { "shouted" };
            let reply = if i % 2 == 0 { Some(i) } else { None };
            [(sent.to_owned(), Some(i)), ("phx_reply".to_owned(), reply)]
        })
        .collect();
    assert_eq!(
        seen, expected,
        "each handler's frame, then its reply, in order"
    );
}

#[tokio::test]
async fn heartbeat_is_answered_on_the_phoenix_topic() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "alice").await;
    c.send(json!([null, "7", "phoenix", "heartbeat", {}])).await;
    let frame = c.next_matching(|f| f[3] == "phx_reply").await;
    assert_eq!(
        frame,
        json!([null, "7", "phoenix", "phx_reply", {"status": "ok", "response": {}}])
    );
}

#[tokio::test]
async fn broadcast_reaches_each_subscriber_once_and_broadcast_from_skips_the_sender() {
    let server = TestServer::start().await;
    let mut clients = Vec::new();
    for user in ["a", "b", "c"] {
        let mut c = Client::connect(&server, user).await;
        c.join("room:x", json!({"track": false})).await;
        clients.push(c);
    }
    let mut outsider = Client::connect(&server, "d").await;
    outsider.join("room:y", json!({"track": false})).await;

    // The sender's own copy may arrive before its reply, so no waiting here.
    clients[0]
        .push_nowait("room:x", "shout", json!({"n": 1}))
        .await;
    clients[0]
        .push_nowait("room:x", "shout_from", json!({"n": 2}))
        .await;
    for (i, c) in clients.iter_mut().enumerate() {
        let shouts: Vec<_> = c
            .drain(Duration::from_millis(300))
            .await
            .into_iter()
            .filter(|f| f[3] == "shouted")
            .collect();
        let expected = if i == 0 {
            vec![json!({"n": 1})]
        } else {
            vec![json!({"n": 1}), json!({"n": 2})]
        };
        let got: Vec<_> = shouts.iter().map(|f| f[4].clone()).collect();
        assert_eq!(got, expected, "client {i}");
        assert!(
            shouts.iter().all(|f| f[0].is_null() && f[1].is_null()),
            "broadcasts carry no refs"
        );
    }
    let other: Vec<_> = outsider.drain(Duration::from_millis(100)).await;
    assert!(other.iter().all(|f| f[3] != "shouted"), "{other:?}");
}

#[tokio::test]
async fn one_socket_multiplexes_topics() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "alice").await;
    c.join_ok("room:1").await;
    c.join_ok("room:2").await;
    server
        .endpoint
        .broadcast("room:2", "news", json!({"for": 2}));
    server
        .endpoint
        .broadcast("room:1", "news", json!({"for": 1}));
    let frames: Vec<_> = c
        .drain(Duration::from_millis(300))
        .await
        .into_iter()
        .filter(|f| f[3] == "news")
        .collect();
    assert_eq!(
        frames,
        vec![
            json!([null, null, "room:2", "news", {"for": 2}]),
            json!([null, null, "room:1", "news", {"for": 1}])
        ]
    );
    assert_eq!(
        c.push("room:1", "count", json!({})).await["response"]["count"],
        1
    );
    assert_eq!(
        c.push("room:2", "count", json!({})).await["response"]["count"],
        1
    );
    assert_eq!(
        c.push("room:1", "count", json!({})).await["response"]["count"],
        2
    );
}

#[tokio::test]
async fn leave_replies_ok_closes_the_channel_and_stops_broadcasts() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "alice").await;
    c.join_ok("room:a").await;
    let reply = c.push("room:a", "phx_leave", json!({})).await;
    assert_eq!(reply["status"], "ok");
    let close = c.event("room:a", "phx_close").await;
    assert_eq!(close, json!({}));
    server.endpoint.broadcast("room:a", "news", json!({}));
    refused(&c.push("room:a", "echo", json!({})).await, Code::NotFound);
    let frames = c.drain(Duration::from_millis(200)).await;
    assert!(frames.iter().all(|f| f[3] != "news"), "{frames:?}");
    assert_eq!(server.endpoint.pubsub().local_subscribers("room:a"), 0);
}

#[tokio::test]
async fn joining_again_closes_the_old_join_first() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "alice").await;
    c.send(json!(["1", "1", "room:a", "phx_join", {}])).await;
    c.reply_to("1").await;
    c.send(json!(["2", "2", "room:a", "phx_join", {}])).await;
    let close = c.next_matching(|f| f[3] == "phx_close").await;
    assert_eq!(close[0], "1", "the old join is closed: {close}");
    let reply = c.reply_to("2").await;
    assert_eq!(reply["status"], "ok");
    let stale = c.push("room:a", "echo", json!({})).await;
    assert_eq!(stale["status"], "ok", "pushes with the new join ref work");
    c.send(json!(["1", "9", "room:a", "echo", {}])).await;
    refused(&c.reply_to("9").await, Code::Stale);
    assert_eq!(server.endpoint.pubsub().local_subscribers("room:a"), 1);
}

#[tokio::test]
async fn joins_are_authorized_per_topic_from_the_token() {
    let server = TestServer::start().await;
    let mut alice = Client::connect(&server, "alice").await;
    assert_eq!(
        alice.join("room:private-alice", json!({})).await["status"],
        "ok"
    );
    // A payload cannot claim another identity.
    let reply = alice
        .join(
            "room:private-bob",
            json!({"user": "bob", "user_id": "bob", "sub": "bob"}),
        )
        .await;
    refused(&reply, Code::Unauthorized);
    let reply = alice.join("room:open", json!({"user": "mallory"})).await;
    assert_eq!(reply["response"]["user"], "alice");
    refused(&alice.join("room:refuse", json!({})).await, Code::Forbidden);
    refused(&alice.join("elsewhere:1", json!({})).await, Code::NotFound);
    assert_eq!(
        server.endpoint.presence().list("room:private-bob"),
        json!({})
    );
}

#[tokio::test]
async fn a_crashing_handler_errors_its_channel_and_the_socket_goes_on() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "alice").await;
    refused(&c.join("room:crash", json!({})).await, Code::Internal);
    c.join_ok("room:a").await;
    c.join_ok("room:b").await;
    c.push_nowait("room:a", "crash", json!({})).await;
    let error = c.next_matching(|f| f[3] == "phx_error").await;
    assert_eq!(error[2], "room:a");
    refused(&c.push("room:a", "echo", json!({})).await, Code::NotFound);
    assert_eq!(
        c.push("room:b", "echo", json!({"ok": 1})).await["response"]["ok"],
        1
    );
    assert_eq!(server.endpoint.presence().list("room:a"), json!({}));
    assert_eq!(
        c.join("room:a", json!({})).await["status"],
        "ok",
        "the client can rejoin"
    );
}

#[tokio::test]
async fn the_server_can_disconnect_a_user() {
    let server = TestServer::start().await;
    let mut tab1 = Client::connect(&server, "ana").await;
    let mut tab2 = Client::connect(&server, "ana").await;
    let mut other = Client::connect(&server, "bo").await;
    tab1.join_ok("room:k").await;
    assert_eq!(server.endpoint.disconnect("ana"), 2);
    for tab in [&mut tab1, &mut tab2] {
        let close = tab.closed().await.expect("a close frame");
        assert_eq!(
            (u16::from(close.code), close.reason.as_str()),
            (1000, "disconnected by the server")
        );
    }
    assert_eq!(server.endpoint.disconnect("ana"), 0);
    other
        .send(json!([null, "1", "phoenix", "heartbeat", {}]))
        .await;
    assert_eq!(other.reply_to("1").await["status"], "ok");
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        server.endpoint.presence().list("room:k"),
        json!({}),
        "the user's presence left"
    );
}
