//! Hostile clients over real sockets: each test is one thing an attacker would
//! try — hold the server's memory, flood it, squat others' forms, forge server
//! events, outlive a credential — and the bound or check that stops it.

use std::time::Duration;

use rtux::wire::Code;
use rtux_tests::{
    Client, TestServer, backends, docs, op, refused, todo_server, todo_topic, todos_builder, unique,
};
use serde_json::{Value, json};

/// This process's resident memory, in bytes (Linux).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_never_reads_holds_at_most_its_byte_bound() {
    let server = TestServer::start().await;
    let topic = format!("room:{}", unique("big"));
    let mut reader = Client::connect(&server, "reader").await;
    reader.join_ok(&topic).await;
    let mut sloth = Client::connect(&server, "sloth").await;
    sloth.join_ok(&topic).await;
    // From here `sloth` reads nothing: its kernel buffers fill, then its queue.
    let blob = "x".repeat(60 * 1024);
    let before = rss();
    for n in 0..400 {
        server
            .endpoint
            .broadcast(&topic, "big", json!({ "n": n, "blob": blob }));
        if n % 20 == 0 {
            reader.drain(Duration::from_millis(1)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let grown = rss().saturating_sub(before);
    // 400 × 60 KiB = 24 MiB went out; a 1,024-frame queue alone could hold 60 MiB.
    assert!(
        grown < 12 * 1024 * 1024,
        "server memory grew {} KiB for one socket that never reads",
        grown / 1024
    );
    let closed = sloth.closed().await;
    if let Some(frame) = closed {
        assert_eq!(u16::from(frame.code), 1013, "closed as too slow: {frame:?}");
    }
}

#[tokio::test]
async fn server_events_cannot_be_forged_and_heartbeats_have_their_own_limit() {
    let server = TestServer::start().await;
    let topic = format!("room:{}", unique("forge"));
    let mut eve = Client::connect(&server, "eve").await;
    eve.join_ok(&topic).await;
    let mut victim = Client::connect(&server, "victim").await;
    victim.join_ok(&topic).await;
    for event in ["rtux:patch", "rtux:lock", "rtux:anything", "phx_reply"] {
        let html = json!({"op": "insert", "dom_id": "x", "html": "<img src=x onerror=alert(1)>"});
        refused(&eve.push(&topic, event, html).await, Code::Forbidden);
    }
    assert!(
        victim
            .drain(Duration::from_millis(300))
            .await
            .iter()
            .all(|f| !f[3].as_str().unwrap_or_default().starts_with("rtux:")),
        "nothing forged reached anyone"
    );
    let mut limited = 0;
    for _ in 0..60 {
        let reply = eve.push("phoenix", "heartbeat", json!({})).await;
        if reply["response"]["code"] == Code::RateLimited.as_str() {
            limited += 1;
        }
    }
    assert!(
        limited >= 40,
        "a heartbeat flood is limited ({limited} of 60 refused)"
    );
    assert_eq!(
        eve.push(&topic, "shout", json!({"text": "still here"}))
            .await["status"],
        "ok",
        "events keep their own budget"
    );
}

#[tokio::test]
async fn field_previews_are_throttled_bounded_and_only_for_records_of_the_topic() {
    let store = backends().await[0].open().await;
    let server = todo_server(store.clone(), Duration::from_secs(5)).await;
    let topic = todo_topic("field");
    let todo = store
        .insert(&topic, None, json!({"title": "a"}))
        .await
        .expect("seed");
    let mut eve = Client::joined(&server, "eve", &topic, json!({})).await;
    let field = |value: Value| json!({"id": todo.id, "field": "title", "value": value});
    assert_eq!(
        eve.push(&topic, "field", field(json!("a"))).await["status"],
        "ok"
    );
    let fast = eve.push(&topic, "field", field(json!("ab"))).await;
    assert!(
        fast["response"]["retry_after_ms"].is_number(),
        "10 a second at most: {fast}"
    );
    tokio::time::sleep(Duration::from_millis(120)).await;
    let big = eve
        .push(&topic, "field", field(json!("x".repeat(3000))))
        .await;
    refused(&big, Code::Invalid);
    let ghost = eve
        .push(
            &topic,
            "field",
            json!({"id": "nope", "field": "title", "value": "x"}),
        )
        .await;
    refused(&ghost, Code::NotFound);
}

#[tokio::test]
async fn insert_floods_and_full_lists_are_refused() {
    let store = backends().await[0].open().await;
    let resource = todos_builder(store.clone(), Duration::from_secs(5))
        .inserts_per_minute(5)
        .max_records(8)
        .build()
        .expect("resource");
    let server = TestServer::with(move |b| b.channel("todo:*", resource)).await;
    let topic = todo_topic("flood");
    let mut eve = Client::joined(&server, "eve", &topic, json!({})).await;
    let add = |n: usize| {
        op(
            &topic,
            "eve",
            &format!("a{n}"),
            json!({"temp_id": format!("t{n}"), "data": {"title": format!("spam {n}")}}),
        )
    };
    let mut first_refused = None;
    for n in 0..8 {
        let reply = eve.push(&topic, "add", add(n)).await;
        if reply["status"] == "error" {
            first_refused = Some((n, reply));
            break;
        }
    }
    let (n, reply) = first_refused.expect("a flood is refused");
    assert_eq!(n, 5, "five a minute");
    refused(&reply, Code::RateLimited);
    assert!(
        reply["response"]["retry_after_ms"]
            .as_u64()
            .is_some_and(|ms| ms > 1000)
    );
    // Others may add (their own budget) until the list is full.
    let mut bo = Client::joined(&server, "bo", &topic, json!({})).await;
    let mut answers = Vec::new();
    for n in 0..4 {
        let add = op(
            &topic,
            "bo",
            &format!("b{n}"),
            json!({"temp_id": format!("u{n}"), "data": {"title": format!("bo {n}")}}),
        );
        answers.push(bo.push(&topic, "add", add).await);
    }
    assert_eq!(answers[2]["status"], "ok");
    refused(&answers[3], Code::Full);
    assert_eq!(store.list(&topic).await.expect("list").len(), 8);
}

#[tokio::test]
async fn locks_are_claims_the_server_enforces_and_cannot_be_squatted() {
    let store = backends().await[0].open().await;
    let server = TestServer::with({
        let store = store.clone();
        move |b| b.channel("doc:*", docs(store, Duration::from_secs(30)))
    })
    .await;
    let topic = format!("doc:{}", unique("lock"));
    let mut ids = Vec::new();
    for n in 0..26 {
        let doc = json!({"title": format!("doc {n}"), "body": "", "tags": []});
        ids.push(store.insert(&topic, None, doc).await.expect("seed").id);
    }
    let mut eve = Client::joined(&server, "eve", &topic, json!({})).await;
    let mut ana = Client::joined(&server, "ana", &topic, json!({})).await;
    let lock = |id: &str, section: &str| json!({"id": id, "section": section});

    let ghost = eve.push(&topic, "lock", lock("nope", "form")).await;
    refused(&ghost, Code::NotFound);
    let bogus = eve.push(&topic, "lock", lock(&ids[0], "secret")).await;
    refused(&bogus, Code::Invalid);
    // Eve on three sockets tries to lock 24 records: 8 in all, whichever
    // socket asks.
    let mut more = [
        Client::joined(&server, "eve", &topic, json!({})).await,
        Client::joined(&server, "eve", &topic, json!({})).await,
    ];
    let mut granted = 0;
    for (n, id) in ids[..24].iter().enumerate() {
        let socket = match n % 3 {
            0 => &mut eve,
            k => &mut more[k - 1],
        };
        let reply = socket.push(&topic, "lock", lock(id, "form")).await;
        if reply["status"] == "ok" {
            granted += 1;
        } else {
            assert_eq!(reply["response"]["code"], "full", "{reply}");
        }
    }
    assert_eq!(granted, 8, "eight locks per person, not per socket");
    // Ana saves a document Eve has locked: refused by the server.
    let save = op(
        &topic,
        "ana",
        "s1",
        json!({"id": ids[0], "version": 1, "data": {"title": "mine now", "body": "", "tags": []}}),
    );
    let reply = ana.push(&topic, "save", save).await;
    assert!(
        refused(&reply, Code::Locked).contains("User eve"),
        "{reply}"
    );
    assert_eq!(
        store
            .get(&topic, &ids[0])
            .await
            .expect("get")
            .expect("doc")
            .data["title"],
        "doc 0"
    );
    // A field lock refuses only the edits of that field.
    assert_eq!(
        eve.push(&topic, "lock", lock(&ids[24], "body")).await["status"],
        "error",
        "still at the cap"
    );
    assert_eq!(
        eve.push(&topic, "unlock", lock(&ids[3], "form")).await["status"],
        "ok"
    );
    assert_eq!(
        eve.push(&topic, "lock", lock(&ids[24], "body")).await["status"],
        "ok"
    );
    let title = op(
        &topic,
        "ana",
        "s2",
        json!({"id": ids[24], "version": 1, "data": {"title": "renamed", "body": "", "tags": []}}),
    );
    assert_eq!(
        ana.push(&topic, "save", title).await["status"],
        "ok",
        "the title is not locked"
    );
    let body = op(
        &topic,
        "ana",
        "s3",
        json!({"id": ids[24], "version": 2, "data": {"title": "renamed", "body": "mine", "tags": []}}),
    );
    assert_eq!(
        ana.push(&topic, "save", body).await["status"],
        "error",
        "the body is"
    );
}

#[tokio::test]
async fn a_socket_closes_when_its_token_expires_and_foreign_tokens_never_connect() {
    let server = TestServer::start().await;
    let token = server
        .endpoint
        .tokens()
        .issue("eve", None, Duration::from_secs(2));
    let url = format!(
        "ws://{}/socket/websocket?vsn=2.0.0&token={token}",
        server.addr
    );
    let rtux_tests::Connect::Open(mut eve) = Client::try_url(&url, None).await else {
        panic!("a fresh token connects");
    };
    let topic = format!("room:{}", unique("exp"));
    eve.join_ok(&topic).await;
    let started = std::time::Instant::now();
    let frame = eve
        .closed()
        .await
        .expect("closed with a reason at the token's expiry");
    assert_eq!(u16::from(frame.code), 4001);
    assert_eq!(
        frame.reason.as_str(),
        "token expired: reconnect with a fresh token"
    );
    assert!(
        started.elapsed() <= Duration::from_secs(3),
        "closed at exp, not later"
    );

    // The same secret, another issuer: refused at connect.
    let foreign = rtux::auth::Tokens::new(rtux_tests::SECRET.as_bytes())
        .expect("tokens")
        .with_issuer("billing")
        .issue("eve", None, Duration::from_secs(60));
    let url = format!(
        "ws://{}/socket/websocket?vsn=2.0.0&token={foreign}",
        server.addr
    );
    match Client::try_url(&url, None).await {
        rtux_tests::Connect::Refused(status, body) => {
            assert_eq!(status, 403);
            assert!(
                body.contains("InvalidIssuer") || body.contains("issuer"),
                "{body}"
            );
        }
        rtux_tests::Connect::Open(_) => panic!("a token of another issuer connected"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_storm_on_one_topic_does_not_stall_presence_on_another() {
    let server = TestServer::start().await;
    let storm = format!("room:{}", unique("storm"));
    let calm = format!("room:{}", unique("calm"));
    let mut ana = Client::connect(&server, "ana").await;
    ana.join_ok(&calm).await;
    let mut quiet = Vec::new();
    for _ in 0..20 {
        quiet.push(typing(&mut ana, &calm).await);
    }
    let joiners = tokio::spawn({
        // 600 people: one person's sockets are bounded (32).
        let urls: Vec<String> = (0..600)
            .map(|n| server.url(&format!("storm-{n}")))
            .collect();
        let storm = storm.clone();
        async move {
            let mut joined = Vec::new();
            for url in urls {
                let rtux_tests::Connect::Open(mut c) = Client::try_url(&url, None).await else {
                    panic!("connect");
                };
                c.join_ok(&storm).await;
                joined.push(c);
            }
            joined
        }
    });
    let mut during = Vec::new();
    while !joiners.is_finished() {
        during.push(typing(&mut ana, &calm).await);
    }
    let joined = joiners.await.expect("joiners");
    assert_eq!(joined.len(), 600);
    let p = |v: &mut Vec<Duration>, q: f64| {
        v.sort();
        v[((v.len() as f64 - 1.0) * q) as usize]
    };
    let (q50, q99) = (p(&mut quiet, 0.5), p(&mut quiet, 0.99));
    let (d50, d99) = (p(&mut during, 0.5), p(&mut during, 0.99));
    eprintln!(
        "presence on a calm topic: p50 {q50:?} p99 {q99:?} alone; p50 {d50:?} p99 {d99:?} during a 600-join storm on another ({} samples)",
        during.len()
    );
    assert!(
        d99 < Duration::from_millis(500),
        "stalled by another topic's storm: p99 {d99:?}"
    );
}

/// How long a `presence:typing` on `topic` takes to be answered.
async fn typing(client: &mut Client, topic: &str) -> Duration {
    // Under the socket's event rate.
    tokio::time::sleep(Duration::from_millis(40)).await;
    let started = std::time::Instant::now();
    let reply = client.push(topic, "presence:typing", json!({})).await;
    assert_eq!(reply["status"], "ok", "{reply}");
    started.elapsed()
}

#[tokio::test]
async fn a_long_list_comes_in_pages_bounded_in_records_and_bytes() {
    let store = backends().await[0].open().await;
    let server = todo_server(store.clone(), Duration::from_secs(5)).await;
    let topic = todo_topic("long");
    for n in 0..450 {
        store
            .insert(&topic, None, json!({"title": format!("item {n:03}")}))
            .await
            .expect("seed");
    }
    let mut ana = Client::connect(&server, "ana").await;
    let first = ana.join_ok(&topic).await;
    let page = |reply: &Value| reply["response"]["records"].as_array().map_or(0, Vec::len);
    assert_eq!(page(&first), 200);
    assert_eq!(first["response"]["records"][0]["data"]["title"], "item 000");
    let mut after = first["response"]["more"].clone();
    let mut seen = 200;
    while let Some(cursor) = after.as_str().map(str::to_owned) {
        let next = ana.push(&topic, "page", json!({ "after": cursor })).await;
        assert_eq!(next["status"], "ok", "{next}");
        assert_eq!(
            next["response"]["records"][0]["data"]["title"],
            format!("item {seen:03}"),
            "pages follow each other"
        );
        seen += page(&next);
        after = next["response"]["more"].clone();
    }
    assert_eq!(seen, 450);
    let forged = ana
        .push(&topic, "page", json!({"after": "drop table"}))
        .await;
    refused(&forged, Code::Invalid);

    // Large records: a page holds at most 256 KiB.
    let big = todo_topic("big");
    for n in 0..40 {
        let data = json!({"title": format!("big {n}"), "blob": "x".repeat(12 * 1024)});
        store.insert(&big, None, data).await.expect("seed");
    }
    let reply = ana.join_ok(&big).await;
    let bytes = reply["response"]["records"].to_string().len();
    assert!(bytes <= 256 * 1024, "{bytes} bytes in one page");
    assert!(page(&reply) < 40 && reply["response"]["more"].is_string());
}
