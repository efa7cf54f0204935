//! Every bound and every malformed input: a clear error or close, and the server
//! and the other sockets go on.

use std::time::Duration;

use rtux::Limits;
use rtux::auth::OriginPolicy;
use rtux::wire::Code;
use rtux_tests::{Client, Connect, TestServer, refused};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame as WsFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

/// A client joined to `room:w` that checks the server still serves it.
async fn witness(server: &TestServer) -> Client {
    let mut w = Client::connect(server, "witness").await;
    w.join("room:w", json!({"track": false})).await;
    w
}

async fn still_served(w: &mut Client) {
    let reply = w.push("room:w", "echo", json!({"alive": true})).await;
    assert_eq!(reply["response"]["alive"], true);
}

async fn still_open(c: &mut Client) {
    c.send(json!([null, "hb", "phoenix", "heartbeat", {}]))
        .await;
    assert_eq!(c.reply_to("hb").await["status"], "ok");
}

#[tokio::test]
async fn an_oversized_frame_closes_with_1009_and_the_limit() {
    let server = TestServer::start().await;
    let mut w = witness(&server).await;
    let mut c = Client::connect(&server, "big").await;
    c.join_ok("room:a").await;
    let payload = "x".repeat(64 * 1024);
    c.send(json!(["1", "2", "room:a", "echo", {"p": payload}]))
        .await;
    let close = c.closed().await.expect("a close frame");
    assert_eq!(u16::from(close.code), 1009);
    assert_eq!(
        close.reason.as_str(),
        "frame larger than the 65536-byte limit"
    );
    still_served(&mut w).await;
    assert_eq!(
        server.endpoint.presence().list("room:a"),
        json!({}),
        "the closed socket left"
    );
}

#[tokio::test]
async fn a_frame_just_under_the_limit_is_accepted() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "big").await;
    c.join_ok("room:a").await;
    let payload = "x".repeat(60 * 1024);
    let reply = c.push("room:a", "echo", json!({"p": payload})).await;
    assert_eq!(reply["status"], "ok");
}

#[tokio::test]
async fn events_over_the_rate_get_error_replies_and_the_socket_stays() {
    let limits = Limits {
        events_per_second: 20,
        event_burst: 20,
        ..Limits::default()
    };
    let server = TestServer::with(|b| b.limits(limits)).await;
    let mut c = Client::connect(&server, "fast").await;
    c.join("room:r", json!({"track": false})).await;
    let started = std::time::Instant::now();
    let mut refs = Vec::new();
    for i in 0..60 {
        refs.push(c.push_nowait("room:r", "echo", json!({"i": i})).await);
    }
    let (mut ok, mut limited) = (0, 0);
    for r in &refs {
        let reply = c.reply_to(r).await;
        match reply["status"].as_str() {
            Some("ok") => ok += 1,
            _ => {
                refused(&reply, Code::RateLimited);
                assert!(
                    reply["response"]["retry_after_ms"]
                        .as_u64()
                        .is_some_and(|ms| ms <= 1000)
                );
                limited += 1;
            }
        }
    }
    assert_eq!(ok + limited, 60, "every push got exactly one reply");
    // The join spent one of the 20 in the burst; the budget refills at 20/s
    // while the pushes are under way.
    let refilled = (started.elapsed().as_secs_f64() * 20.0).ceil() as usize;
    assert!(
        ok >= 19 && ok <= 19 + refilled + 1,
        "{ok} accepted, {limited} limited, {refilled} refilled"
    );
    assert!(limited > 0);
    still_open(&mut c).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        c.push("room:r", "echo", json!({})).await["status"],
        "ok",
        "the budget refills"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_that_does_not_read_is_disconnected_and_others_get_everything() {
    let limits = Limits {
        outbound_queue: 64,
        ..Limits::default()
    };
    let server = TestServer::with(|b| b.limits(limits)).await;
    let mut slow = Client::connect(&server, "slow").await;
    slow.join_ok("room:flood").await;
    let mut fast = Client::connect(&server, "fast").await;
    fast.join("room:flood", json!({"track": false})).await;
    let big = "y".repeat(32 * 1024);
    let mut sent: u64 = 0;
    // The fast reader reports what it got, so the flood never runs more than a
    // few frames ahead of it, however loaded the machine is: only the client
    // that does not read at all can fill its queue.
    let got = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = got.clone();
    let reader = tokio::spawn(async move {
        while seen.load(std::sync::atomic::Ordering::SeqCst) < 4000 {
            let f = fast.recv().await;
            if f[3] == "flood" {
                assert_eq!(f[4]["n"], seen.load(std::sync::atomic::Ordering::SeqCst));
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        fast
    });
    let flood = |sent: u64, big: &str| {
        server
            .endpoint
            .broadcast("room:flood", "flood", json!({"n": sent, "big": big}));
    };
    let caught_up = |sent: u64| {
        let got = got.clone();
        async move {
            while sent.saturating_sub(got.load(std::sync::atomic::Ordering::SeqCst)) > 16 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    };
    // Bounded: at most 4000 × 32 KiB until the slow socket is dropped.
    while server.endpoint.pubsub().local_subscribers("room:flood") == 2 && sent < 4000 {
        caught_up(sent).await;
        flood(sent, &big);
        sent += 1;
    }
    assert!(sent < 4000, "the slow consumer was never dropped");
    assert_eq!(
        server.endpoint.pubsub().local_subscribers("room:flood"),
        1,
        "only the slow one"
    );
    while sent < 4000 {
        caught_up(sent).await;
        flood(sent, "");
        sent += 1;
    }
    let mut fast = tokio::time::timeout(Duration::from_secs(30), reader)
        .await
        .expect("fast reader done")
        .expect("reader");
    still_open(&mut fast).await;
    // The slow client finds the connection ended once it reads what was sent.
    let ended = tokio::time::timeout(Duration::from_secs(10), slow.closed())
        .await
        .expect("slow socket ended")
        .map(|frame| u16::from(frame.code));
    assert!(ended.is_none_or(|code| code == 1013), "{ended:?}");
}

#[tokio::test]
async fn malformed_frames_get_errors_and_the_socket_stays() {
    let server = TestServer::start().await;
    let mut w = witness(&server).await;
    let mut c = Client::connect(&server, "sloppy").await;
    c.join_ok("room:m").await;

    // Each answer says `invalid` beside a reason, on the push's topic when its
    // ref and topic could be read, else as a `phx_error` on `phoenix`.
    c.send_text("[1, 2, ").await;
    let e = c.event("phoenix", "phx_error").await;
    refused(&e, Code::Invalid);
    assert_eq!(e["ref"], Value::Null, "{e}");

    c.send_text(r#"{"topic": "room:m"}"#).await;
    refused(&c.event("phoenix", "phx_error").await, Code::Invalid);

    c.send(json!([null, "5", "room:m", "echo"])).await;
    refused(&c.reply_to("5").await["response"], Code::Invalid);

    c.send(json!([null, "6", 42, "echo", {}])).await;
    let e = c.event("phoenix", "phx_error").await;
    refused(&e, Code::Invalid);
    assert_eq!(e["ref"], "6", "the push's ref is carried: {e}");

    c.send(json!([null, "7", "room:m", {"event": 1}, {}])).await;
    refused(&c.reply_to("7").await["response"], Code::Invalid);

    c.send_binary(vec![0, 159, 146, 150]).await;
    refused(&c.event("phoenix", "phx_error").await, Code::Invalid);

    assert_eq!(
        c.push("room:m", "echo", json!({"ok": 1})).await["response"]["ok"],
        1
    );
    still_served(&mut w).await;
}

#[tokio::test]
async fn invalid_utf8_closes_with_1007() {
    let server = TestServer::start().await;
    let mut w = witness(&server).await;
    let mut c = Client::connect(&server, "bytes").await;
    let frame = WsFrame::message(vec![b'[', 0xff, 0xfe, b']'], OpCode::Data(Data::Text), true);
    c.send_raw(Message::Frame(frame)).await;
    let close = c.closed().await.expect("close frame");
    assert_eq!(u16::from(close.code), 1007);
    assert_eq!(close.reason.as_str(), "text frame is not valid UTF-8");
    still_served(&mut w).await;
}

#[tokio::test]
async fn unknown_topics_and_events_on_unjoined_topics_are_refused() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "lost").await;
    refused(&c.join("nowhere:1", json!({})).await, Code::NotFound);
    refused(
        &c.push("room:never-joined", "echo", json!({})).await,
        Code::NotFound,
    );
    refused(
        &c.push("room:never-joined", "phx_leave", json!({})).await,
        Code::NotFound,
    );
    refused(
        &c.push("phoenix", "phx_join", json!({})).await,
        Code::NotFound,
    );
    c.join_ok("room:j").await;
    refused(
        &c.push("room:j", "phx_reply", json!({})).await,
        Code::Forbidden,
    );
    let reply = c.push("room:j", "presence_diff", json!({})).await;
    assert_eq!(reply["status"], "error");
    refused(&c.join("room:payload", json!([1, 2])).await, Code::Invalid);
    still_open(&mut c).await;
}

#[tokio::test]
async fn hostile_topic_names_are_refused_with_a_reason() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "hostile").await;
    for topic in [
        String::new(),
        format!("room:{}", "x".repeat(300)),
        "room:\u{0}null".to_owned(),
        "room:\u{1b}[31m".to_owned(),
    ] {
        let reply = c.join(&topic, json!({})).await;
        assert_eq!(reply["status"], "error", "{topic:?}: {reply}");
        refused(&reply, Code::Invalid);
    }
    let reply = c.join("room:<script>alert(1)</script>", json!({})).await;
    assert_eq!(
        reply["status"], "ok",
        "odd but printable names are data, escaped wherever rendered"
    );
    still_open(&mut c).await;
}

#[tokio::test]
async fn a_socket_may_join_only_so_many_topics() {
    let limits = Limits {
        max_topics: 3,
        ..Limits::default()
    };
    let server = TestServer::with(|b| b.limits(limits)).await;
    let mut c = Client::connect(&server, "greedy").await;
    for i in 0..3 {
        c.join_ok(&format!("room:{i}")).await;
    }
    refused(&c.join("room:3", json!({})).await, Code::Full);
    c.push("room:0", "phx_leave", json!({})).await;
    c.join_ok("room:3").await;
}

#[tokio::test]
async fn connect_needs_the_protocol_version_a_valid_token_and_an_allowed_origin() {
    let server = TestServer::with(|b| b.origins(OriginPolicy::SameOrigin)).await;
    let mut w = witness(&server).await;
    let base = format!("ws://{}/socket/websocket", server.addr);
    let good = server.token("ana");

    let refused = |c: Connect| match c {
        Connect::Refused(status, body) => (status, body),
        Connect::Open(_) => panic!("connect should be refused"),
    };
    let (status, body) = refused(Client::try_url(&format!("{base}?token={good}"), None).await);
    assert_eq!(
        (status, body.as_str()),
        (
            400,
            "rtux speaks Phoenix Channels V2 only: connect with ?vsn=2.0.0"
        )
    );
    let (status, body) =
        refused(Client::try_url(&format!("{base}?vsn=1.0.0&token={good}"), None).await);
    assert_eq!(status, 400, "{body}");
    let (status, body) = refused(Client::try_url(&format!("{base}?vsn=2.0.0"), None).await);
    assert_eq!(
        (status, body.as_str()),
        (
            403,
            "missing token: connect with ?token=<a token issued by this server>"
        )
    );
    let (status, body) =
        refused(Client::try_url(&format!("{base}?vsn=2.0.0&token=not.a.token"), None).await);
    assert_eq!(status, 403);
    assert!(
        body.starts_with("the token is not valid for this server"),
        "{body}"
    );

    let other = rtux::auth::Tokens::new(b"somebody else's secret, also 32+ bytes").expect("secret");
    let forged = other.issue("admin", None, Duration::from_secs(60));
    let (status, _) =
        refused(Client::try_url(&format!("{base}?vsn=2.0.0&token={forged}"), None).await);
    assert_eq!(status, 403);

    let url = format!("{base}?vsn=2.0.0&token={good}");
    let (status, body) = refused(Client::try_url(&url, Some("http://evil.example")).await);
    assert_eq!(status, 403);
    assert!(body.starts_with("origin not allowed"), "{body}");
    let same = format!("http://{}", server.addr);
    assert!(matches!(
        Client::try_url(&url, Some(&same)).await,
        Connect::Open(_)
    ));
    assert!(
        matches!(Client::try_url(&url, None).await, Connect::Open(_)),
        "non-browser clients send no Origin"
    );
    still_served(&mut w).await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let server = TestServer::start().await;
    let token = server.endpoint.tokens().issue("ana", None, Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(5_000 + 1_100)).await; // past the 5 s leeway
    let url = format!(
        "ws://{}/socket/websocket?vsn=2.0.0&token={token}",
        server.addr
    );
    match Client::try_url(&url, None).await {
        Connect::Refused(status, body) => {
            assert_eq!(status, 403);
            assert_eq!(
                body,
                "the token has expired; get a fresh one from the server that issued it"
            );
        }
        Connect::Open(_) => panic!("an expired token must not connect"),
    }
}

#[tokio::test]
async fn many_bad_sockets_at_once_leave_the_server_serving() {
    let server = TestServer::start().await;
    let mut w = witness(&server).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let url = server.url(&format!("bad{i}"));
        tasks.push(tokio::spawn(async move {
            let Connect::Open(mut c) = Client::try_url(&url, None).await else {
                return;
            };
            match i % 4 {
                0 => c.send_text("garbage").await,
                1 => {
                    c.send(json!(["1", "1", "room:\u{0}", "phx_join", {}]))
                        .await
                }
                2 => {
                    c.send(json!(["1", "1", "room:x", "phx_join", "x".repeat(70_000)]))
                        .await
                }
                _ => c.send(Value::Null).await,
            }
            let _ = c.drain(Duration::from_millis(200)).await;
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    still_served(&mut w).await;
}

/// The runtime's builders refuse what the derives refuse, with the same words
/// (tests/ui/*.stderr hold the derives'): both come from `rtux-rules`.
#[tokio::test]
async fn builders_refuse_what_the_derives_refuse_in_the_same_words() {
    let store = rtux_tests::backends().await[0].open().await;
    for name in ["undo", "phx_join", "rtux:patch"] {
        let refused = rtux::action::Resource::builder(store.clone())
            .server_corrects(name, |r: &serde_json::Value, _: &serde_json::Value| {
                Ok(r.clone())
            })
            .build()
            .expect_err("a reserved or malformed action name");
        let rule = rtux_rules::action_name(name).expect_err("refused");
        assert!(
            matches!(&refused, rtux::action::ResourceError::Name(e) if *e == rule),
            "{refused}"
        );
    }
    let refused = rtux_tests::todos_builder(store.clone(), std::time::Duration::from_millis(200))
        .build()
        .expect_err("an undo window under a second");
    let rule = rtux_rules::UNDO_WINDOW
        .check(std::time::Duration::from_millis(200))
        .expect_err("refused");
    assert!(
        matches!(&refused, rtux::action::ResourceError::Timing(e) if *e == rule),
        "{refused}"
    );
    for pattern in ["*", "doc*", "a b:*", "phoenix"] {
        let refused = rtux::Endpoint::builder(rtux_tests::SECRET)
            .channel(pattern, rtux_tests::Room)
            .build()
            .expect_err("a pattern the derive refuses too");
        let rule = rtux_rules::topic_pattern(pattern).expect_err("refused");
        assert!(
            matches!(
                &refused,
                rtux::BuildError::Pattern(rtux::channel::PatternError::Invalid(e)) if *e == rule
            ),
            "{refused}"
        );
    }
}
