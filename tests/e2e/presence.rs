//! Presence over real sockets: state, coalesced diffs, tabs, leaves, helpers.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rtux::Limits;
use rtux::presence::PresenceConfig;
use rtux::ui::colour_for;
use rtux::wire::Code;
use rtux_tests::{Client, TestServer, refused};
use serde_json::{Value, json};
use tokio::time::Instant;

fn quick_presence() -> PresenceConfig {
    PresenceConfig {
        diff_window: Duration::from_millis(20),
        ..PresenceConfig::default()
    }
}

/// The metas of `key` in a `{key: {metas}}` map.
fn metas<'a>(map: &'a Value, key: &str) -> &'a Vec<Value> {
    map[key]["metas"]
        .as_array()
        .unwrap_or_else(|| panic!("no metas for {key} in {map}"))
}

#[tokio::test]
async fn joiner_gets_state_and_others_get_a_diff() {
    let server = TestServer::start().await;
    let mut alice = Client::connect(&server, "alice").await;
    alice.join_ok("room:p").await;
    let state = alice.event("room:p", "presence_state").await;
    let meta = &metas(&state, "alice")[0];
    assert_eq!(meta["name"], "User alice");
    assert_eq!(meta["color"], colour_for("alice"));
    assert_eq!(meta["status"], "active");
    assert_eq!(meta["typing"], false);
    assert_eq!(meta["active_field"], Value::Null);
    assert_eq!(meta["stale"], false);
    assert!(meta["phx_ref"].is_string() && meta["online_at"].is_u64());

    let mut bob = Client::connect(&server, "bob").await;
    bob.join_ok("room:p").await;
    let state = bob.event("room:p", "presence_state").await;
    let keys: BTreeSet<_> = state
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    assert_eq!(keys, BTreeSet::from(["alice".to_owned(), "bob".to_owned()]));

    let diff = alice
        .next_matching(|f| f[3] == "presence_diff" && f[4]["joins"].get("bob").is_some())
        .await;
    assert_eq!(diff[0], Value::Null);
    assert_eq!(diff[4]["leaves"], json!({}));
    assert_eq!(metas(&diff[4]["joins"], "bob")[0]["name"], "User bob");
}

#[tokio::test]
async fn two_tabs_are_one_key_with_two_metas_and_closing_one_leaves_one() {
    let server = TestServer::with(|b| b.presence(quick_presence())).await;
    let mut watcher = Client::connect(&server, "watcher").await;
    watcher.join_ok("room:t").await;
    let mut tab1 = Client::connect(&server, "ana").await;
    tab1.join_ok("room:t").await;
    let mut tab2 = Client::connect(&server, "ana").await;
    tab2.join_ok("room:t").await;
    let state = tab2.event("room:t", "presence_state").await;
    assert_eq!(metas(&state, "ana").len(), 2);
    assert_eq!(
        metas(&server.endpoint.presence().list("room:t"), "ana").len(),
        2
    );

    let list = server.endpoint.presence().list("room:t");
    let refs: HashSet<Value> = metas(&list, "ana")
        .iter()
        .map(|m| m["phx_ref"].clone())
        .collect();
    tab1.close().await;
    let diff = watcher
        .next_matching(|f| f[3] == "presence_diff" && f[4]["leaves"].get("ana").is_some())
        .await;
    let left = metas(&diff[4]["leaves"], "ana");
    assert_eq!(left.len(), 1);
    assert!(refs.contains(&left[0]["phx_ref"]));
    assert_eq!(
        metas(&server.endpoint.presence().list("room:t"), "ana").len(),
        1
    );
}

#[tokio::test]
async fn a_silent_socket_is_dropped_after_the_heartbeat_timeout_and_leaves() {
    let limits = Limits {
        heartbeat_timeout: Duration::from_millis(600),
        ..Limits::default()
    };
    let server = TestServer::with(|b| b.limits(limits).presence(quick_presence())).await;
    let mut silent = Client::connect(&server, "silent").await;
    silent.join_ok("room:h").await;
    let mut awake = Client::connect(&server, "awake").await;
    awake.join_ok("room:h").await;
    let beat = tokio::spawn(async move {
        for i in 0..10 {
            awake
                .send(json!([null, format!("hb{i}"), "phoenix", "heartbeat", {}]))
                .await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        awake
    });
    let started = Instant::now();
    let close = silent.closed().await.expect("a close frame");
    assert_eq!(u16::from(close.code), 1001);
    assert!(close.reason.contains("no frame for"), "{}", close.reason);
    assert!(started.elapsed() >= Duration::from_millis(400));
    let mut awake = beat.await.expect("heartbeats");
    let diff = awake
        .next_matching(|f| f[3] == "presence_diff" && f[4]["leaves"].get("silent").is_some())
        .await;
    assert_eq!(metas(&diff[4]["leaves"], "silent").len(), 1);
    assert!(
        server
            .endpoint
            .presence()
            .list("room:h")
            .get("awake")
            .is_some(),
        "heartbeats keep a socket alive"
    );
}

#[tokio::test]
async fn an_update_replaces_the_meta_with_phx_ref_prev() {
    let server = TestServer::with(|b| b.presence(quick_presence())).await;
    let mut watcher = Client::connect(&server, "watcher").await;
    watcher.join_ok("room:u").await;
    let mut ana = Client::connect(&server, "ana").await;
    ana.join_ok("room:u").await;
    let before = metas(&server.endpoint.presence().list("room:u"), "ana")[0]["phx_ref"].clone();
    tokio::time::sleep(Duration::from_millis(60)).await;
    let reply = ana
        .push("room:u", "presence:focus", json!({"field": "title"}))
        .await;
    assert_eq!(reply["status"], "ok", "{reply}");
    let diff = watcher
        .next_matching(|f| f[3] == "presence_diff" && f[4]["leaves"].get("ana").is_some())
        .await;
    let joined = &metas(&diff[4]["joins"], "ana")[0];
    assert_eq!(joined["active_field"], "title");
    assert_eq!(joined["phx_ref_prev"], before);
    assert_ne!(joined["phx_ref"], before);
    assert_eq!(metas(&diff[4]["leaves"], "ana")[0]["phx_ref"], before);

    assert_eq!(
        ana.push("room:u", "presence:blur", json!({})).await["status"],
        "ok"
    );
    assert_eq!(
        ana.push("room:u", "presence:status", json!({"status": "idle"}))
            .await["status"],
        "ok"
    );
    tokio::time::sleep(Duration::from_millis(60)).await;
    let meta = metas(&server.endpoint.presence().list("room:u"), "ana")[0].clone();
    assert_eq!(meta["active_field"], Value::Null);
    assert_eq!(meta["status"], "idle");
}

#[tokio::test]
async fn typing_clears_itself_three_seconds_after_the_last_typing_event() {
    let server = TestServer::with(|b| b.presence(quick_presence())).await;
    let mut watcher = Client::connect(&server, "watcher").await;
    watcher.join_ok("room:typing").await;
    let mut ana = Client::connect(&server, "ana").await;
    ana.join_ok("room:typing").await;
    let typing_of = |f: &Value, v: bool| {
        // The newest meta of a coalesced diff is the last one.
        let newest = f[4]["joins"]
            .get("ana")
            .and_then(|j| j["metas"].as_array())
            .and_then(|m| m.last().cloned());
        f[3] == "presence_diff" && newest.is_some_and(|m| m["typing"] == v)
    };
    assert_eq!(
        ana.push("room:typing", "presence:typing", json!({})).await["status"],
        "ok"
    );
    watcher.next_matching(|f| typing_of(f, true)).await;
    // Typing again keeps it on; the 3 s count from the last event.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        ana.push("room:typing", "presence:typing", json!({})).await["status"],
        "ok"
    );
    let last = Instant::now();
    watcher.next_matching(|f| typing_of(f, false)).await;
    let after = last.elapsed();
    assert!(
        after >= Duration::from_millis(2900) && after < Duration::from_millis(3600),
        "cleared after {after:?}"
    );
}

#[tokio::test]
async fn stop_typing_clears_at_once() {
    let server = TestServer::with(|b| b.presence(quick_presence())).await;
    let mut ana = Client::connect(&server, "ana").await;
    ana.join_ok("room:st").await;
    ana.push("room:st", "presence:typing", json!({})).await;
    ana.push("room:st", "presence:stop_typing", json!({})).await;
    assert_eq!(
        metas(&server.endpoint.presence().list("room:st"), "ana")[0]["typing"],
        false
    );
}

#[tokio::test]
async fn cursor_updates_are_throttled_to_ten_a_second_per_user_and_the_last_wins() {
    let server = TestServer::with(|b| b.presence(quick_presence())).await;
    let mut watcher = Client::connect(&server, "watcher").await;
    watcher.join_ok("room:c").await;
    let mut tab1 = Client::connect(&server, "ana").await;
    tab1.join_ok("room:c").await;
    let mut tab2 = Client::connect(&server, "ana").await;
    tab2.join_ok("room:c").await;
    watcher.drain(Duration::from_millis(100)).await;

    let started = Instant::now();
    for i in 0..80 {
        // Two tabs of one user move together: still one user's budget.
        let tab = if i % 2 == 0 { &mut tab1 } else { &mut tab2 };
        tab.push_nowait("room:c", "presence:cursor", json!({"x": i, "y": 0}))
            .await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sent_for = started.elapsed();
    let frames = watcher.drain(Duration::from_millis(400)).await;
    let mut seen = Vec::new();
    for f in frames.iter().filter(|f| f[3] == "presence_diff") {
        if let Some(joins) = f[4]["joins"].get("ana") {
            for m in joins["metas"].as_array().into_iter().flatten() {
                seen.push(m["cursor"]["x"].as_i64().unwrap_or(-1));
            }
        }
    }
    let allowed = (sent_for.as_millis() / 100) as usize + 2;
    assert!(!seen.is_empty(), "cursor moves reach watchers");
    assert!(
        seen.len() <= allowed,
        "{} cursor updates in {sent_for:?} (allowed {allowed}): {seen:?}",
        seen.len()
    );
    assert_eq!(
        seen.last(),
        Some(&79),
        "the latest position is always delivered: {seen:?}"
    );
}

#[tokio::test]
async fn a_meta_not_refreshed_is_marked_stale_and_refresh_clears_it() {
    let config = PresenceConfig {
        stale_after: Duration::from_millis(400),
        ..quick_presence()
    };
    let server = TestServer::with(|b| b.presence(config)).await;
    let mut ana = Client::connect(&server, "ana").await;
    ana.join_ok("room:s").await;
    let stale = ana
        .next_matching(|f| {
            f[3] == "presence_diff"
                && f[4]["joins"]
                    .get("ana")
                    .is_some_and(|j| j["metas"][0]["stale"] == true && !j["metas"][1].is_object())
        })
        .await;
    assert_eq!(metas(&stale[4]["leaves"], "ana").len(), 1);
    assert_eq!(
        ana.push("room:s", "presence:refresh", json!({})).await["status"],
        "ok"
    );
    let meta = metas(&server.endpoint.presence().list("room:s"), "ana")[0].clone();
    assert_eq!(meta["stale"], false);
}

#[tokio::test]
async fn presence_events_need_tracking_and_valid_values() {
    let server = TestServer::start().await;
    let mut c = Client::connect(&server, "ana").await;
    c.join("room:untracked", json!({"track": false})).await;
    refused(
        &c.push("room:untracked", "presence:typing", json!({})).await,
        Code::Invalid,
    );
    c.join_ok("room:v").await;
    for (event, payload) in [
        ("presence:focus", json!({})),
        ("presence:focus", json!({"field": "x".repeat(200)})),
        ("presence:focus", json!({"field": "a\u{7}"})),
        ("presence:status", json!({"status": "away"})),
        ("presence:cursor", json!({"x": {"nested": true}})),
        ("presence:cursor", json!("10,20")),
        ("presence:teleport", json!({})),
    ] {
        let reply = c.push("room:v", event, payload.clone()).await;
        assert_eq!(reply["status"], "error", "{event} {payload}: {reply}");
        refused(&reply, Code::Invalid);
    }
    assert_eq!(
        c.push("room:v", "echo", json!({"still": "here"})).await["response"]["still"],
        "here"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_storm_of_a_thousand_users_sends_few_messages() {
    let server = TestServer::start().await;
    let mut observer = Client::connect(&server, "observer").await;
    observer.join_ok("room:storm").await;
    observer.event("room:storm", "presence_state").await;

    let url = |user: &str| server.url(user);
    let mut readers = Vec::new();
    let started = Instant::now();
    for i in 0..1000 {
        let (ws, _) = tokio_tungstenite::connect_async(url(&format!("user{i}")))
            .await
            .expect("connect");
        let (mut tx, mut rx) = ws.split();
        let join = json!(["1", "1", "room:storm", "phx_join", {}]).to_string();
        tx.send(tokio_tungstenite::tungstenite::Message::text(join))
            .await
            .expect("join");
        readers.push(tokio::spawn(async move {
            let _keep_open = tx;
            while let Some(Ok(_)) = rx.next().await {}
        }));
    }
    // Diffs while the room is small, then (above 64 metas) summaries.
    let (mut diffs, mut summaries) = (0, 0);
    let mut joined: HashSet<String> = HashSet::new();
    let mut count = 1;
    let deadline = Instant::now() + Duration::from_secs(20);
    while count < 1001 && Instant::now() < deadline {
        let f = observer
            .next_matching(|f| f[3] == "presence_diff" || f[3] == "presence_summary")
            .await;
        if f[3] == "presence_diff" {
            diffs += 1;
            let keys = f[4]["joins"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.keys().cloned());
            joined.extend(keys);
            count = joined.len() + 1;
        } else {
            summaries += 1;
            count = f[4]["count"].as_u64().map_or(0, |c| c as usize);
        }
    }
    let storm = started.elapsed();
    assert_eq!(count, 1001, "every join reached the observer");
    let windows = (storm.as_millis() / 100) as usize + 2;
    assert!(
        diffs + summaries <= windows,
        "{diffs} diffs and {summaries} summaries for 1000 joins over {storm:?} (one per 100 ms window: {windows})"
    );
    assert!(summaries >= 1, "a room of 1000 is summarised");
    assert_eq!(
        server
            .endpoint
            .presence()
            .list("room:storm")
            .as_object()
            .map(|m| m.len()),
        Some(1001)
    );
    for r in readers {
        r.abort();
    }
}
