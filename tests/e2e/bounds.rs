//! Bounds per user and in bytes, tried as an attacker would over real
//! sockets: what one person can make the store keep (ledger, drafts,
//! history, records), how many sockets they may hold, and replays at the
//! ledger's edges answered as they first were.

use std::time::{Duration, Instant};

use rtux::action::{DRAFT_TTL, Resource};
use rtux::conflict::FieldMerge;
use rtux::store::Store;
use rtux::wire::Code;
use rtux_tests::{Client, TestServer, backends, op, refused, todo_server, todo_topic, unique};
use serde_json::{Value, json};

/// A resource shaped like a generated one: inserts, editable saves (with
/// history, for merges), drafts.
fn notes(store: Store) -> Resource {
    let checked = |params: &Value| match params["title"].as_str() {
        Some(t) if !t.trim().is_empty() => Ok(json!({"title": t, "body": params["body"]})),
        _ => Err(rtux::action::Reject::new("a note needs a title")),
    };
    Resource::builder(store)
        .insert("add", checked)
        .editable("save", FieldMerge::new(), checked)
        .drafts(DRAFT_TTL)
        .build()
        .expect("the notes resource builds")
}

/// The SQLite file's bytes, with its write-ahead log checkpointed into it.
async fn db_bytes(file: &std::path::Path) -> u64 {
    use sqlx::Connection;
    let url = format!("sqlite://{}", file.display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("the file");
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await
        .expect("checkpoint");
    drop(conn);
    std::fs::metadata(file).map(|m| m.len()).unwrap_or(0)
}

/// How long the flood runs: 60 s, or `RTUX_FLOOD_SECS`.
fn flood_for() -> Duration {
    let secs = std::env::var("RTUX_FLOOD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(secs)
}

/// The most one person's flood of `secs` seconds may grow the store by
/// (docs/security.md): the inserts their quota lets through (a burst of 60,
/// then one a second) at 16 KiB each with their history copy, the drafts a
/// person may keep (256 KiB), and room for SQLite's pages and the ledger.
fn flood_bound(secs: u64) -> u64 {
    let inserts = u64::from(rtux::action::INSERTS_PER_MINUTE) + secs;
    inserts * 34 * 1024 + rtux::action::DRAFT_BYTES_PER_USER + 512 * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_visitor_flooding_from_twenty_sockets_grows_the_store_by_a_bounded_amount() {
    let dir = std::env::temp_dir().join(unique("flood"));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("flood.db");
    let store = Store::sqlite(&file).await.expect("store");
    let server = TestServer::with({
        let store = store.clone();
        move |b| b.channel("notes:*", notes(store))
    })
    .await;
    let topic = format!("notes:{}", unique("f"));
    // Ten notes Ana saved once: Eve's saves from version 1 conflict.
    let mut ids = Vec::new();
    for n in 0..10 {
        let note = json!({"title": format!("note {n}"), "body": ""});
        let r = store.insert(&topic, None, note).await.expect("seed");
        let mut ana = Client::joined(&server, "ana", &topic, json!({})).await;
        let save = op(
            &topic,
            "ana",
            &format!("a{n}"),
            json!({"id": r.id, "version": 1, "data": {"title": format!("Ana's {n}"), "body": ""}}),
        );
        assert_eq!(ana.push(&topic, "save", save).await["status"], "ok");
        ids.push(r.id);
    }
    let before = db_bytes(&file).await;
    let big = "x".repeat(7_900);
    let until = Instant::now() + flood_for();
    let mut sockets = Vec::new();
    for s in 0..20 {
        let mut eve = Client::joined(&server, "eve", &topic, json!({})).await;
        let (topic, ids, big) = (topic.clone(), ids.clone(), big.clone());
        sockets.push(tokio::spawn(async move {
            let (mut n, mut outcomes) = (0_u64, std::collections::BTreeMap::<String, u64>::new());
            while Instant::now() < until {
                n += 1;
                let id = &ids[usize::try_from(n).unwrap_or(0) % ids.len()];
                let fresh = format!("s{s}-{n}");
                let (event, payload) = match n % 4 {
                    0 => ("save", op(&topic, "eve", &fresh, json!({"id": id, "version": 1, "data": {"title": big, "body": big}}))),
                    1 => ("save", op(&topic, "eve", &fresh, json!({"id": format!("gone-{n}"), "version": 1, "data": {"title": big, "body": big}}))),
                    2 => ("draft:save", json!({"id": id, "data": {"title": big, "body": big}})),
                    _ => ("add", op(&topic, "eve", &fresh, json!({"temp_id": fresh, "data": {"title": big, "body": big}}))),
                };
                let reply = eve.push(&topic, event, payload).await;
                let code = reply["response"]["code"].as_str().unwrap_or("ok").to_owned();
                *outcomes.entry(code).or_default() += 1;
            }
            outcomes
        }));
    }
    let mut outcomes = std::collections::BTreeMap::<String, u64>::new();
    for s in sockets {
        for (code, n) in s.await.expect("socket") {
            *outcomes.entry(code).or_default() += n;
        }
    }
    let grown = db_bytes(&file).await.saturating_sub(before);
    eprintln!(
        "flood outcomes: {outcomes:?}; the store grew {} KiB",
        grown / 1024
    );
    for code in ["conflict", "not_found", "rate_limited"] {
        assert!(
            outcomes.get(code).is_some_and(|n| *n > 0),
            "no {code} in {outcomes:?}"
        );
    }
    let bound = flood_bound(flood_for().as_secs());
    assert!(
        grown < bound,
        "one person grew the store by {} KiB in {:?} (bound {} KiB): {outcomes:?}",
        grown / 1024,
        flood_for(),
        bound / 1024
    );
    let kept = store.kept_for("eve").await.expect("store");
    let applied = outcomes.get("ok").copied().unwrap_or(0);
    assert!(
        kept.ops <= applied,
        "the ledger keeps applied ops only: {kept:?} for {applied} ok answers ({outcomes:?})"
    );
    assert!(
        kept.answer_bytes <= kept.ops * 512,
        "ledger answers are compact: {kept:?}"
    );
    assert!(
        kept.draft_bytes <= rtux::action::DRAFT_BYTES_PER_USER,
        "drafts of one person: {kept:?}"
    );
}

#[tokio::test]
async fn a_replay_is_answered_as_first_even_at_the_edge_of_the_ledgers_window() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), Duration::from_secs(5)).await;
        let topic = todo_topic("edge");
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let week = 7 * 24 * 3600 * 1000;
        let mut add = op(
            &topic,
            "a",
            "edge",
            json!({"temp_id": "t1", "data": {"title": "made offline a week ago"}}),
        );
        // Made 7 days less 3 s ago, replayed 5 s later (now past the window).
        add["at"] = json!(rtux_tests::now_ms() - week + 3_000);
        let first = alice.push(&topic, "add", add.clone()).await;
        assert_eq!(first["status"], "ok", "{}: {first}", at.name());
        tokio::time::sleep(Duration::from_secs(5)).await;
        let again = alice.push(&topic, "add", add).await;
        assert_eq!(
            again["status"],
            "ok",
            "{}: the first answer, not `too old`: {again}",
            at.name()
        );
        assert_eq!(
            again["response"]["record"]["id"],
            first["response"]["record"]["id"]
        );
        assert_eq!(again["response"]["temp_id"], "t1");
        assert_eq!(
            store.list(&topic).await.expect("list").len(),
            1,
            "{}: applied once",
            at.name()
        );
        // An op never applied, as old: refused, and never "do it again".
        let mut lost = op(
            &topic,
            "a",
            "lost",
            json!({"temp_id": "t2", "data": {"title": "lost"}}),
        );
        lost["at"] = json!(rtux_tests::now_ms() - week - 1_000);
        let lost = alice.push(&topic, "add", lost).await;
        refused(&lost, Code::TooOld);
        assert!(
            lost["response"].get("retry").is_none()
                && lost["response"].get("retry_after_ms").is_none(),
            "whether it applied is not known: never an invitation to send it again: {lost}"
        );
    }
}

#[tokio::test]
async fn a_users_ledger_keeps_their_latest_ops_and_refuses_what_it_forgot() {
    let store = backends().await[0]
        .open()
        .await
        .with_ledger_rows_per_user(20);
    let server = todo_server(store.clone(), Duration::from_secs(5)).await;
    let topic = todo_topic("cap");
    let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
    let mut sent = Vec::new();
    for n in 0..30_i64 {
        let mut add = op(
            &topic,
            "a",
            &format!("o{n}"),
            json!({"temp_id": format!("t{n}"), "data": {"title": format!("n{n}")}}),
        );
        add["at"] = json!(rtux_tests::now_ms() - 60_000 + n * 1000);
        assert_eq!(alice.push(&topic, "add", add.clone()).await["status"], "ok");
        sent.push(add);
    }
    let kept = store.kept_for("alice").await.expect("store");
    assert!(kept.ops <= 20, "at most the cap: {kept:?}");
    let oldest = alice.push(&topic, "add", sent[0].clone()).await;
    assert_eq!(
        oldest["response"]["code"], "too_old",
        "forgotten, so refused: {oldest}"
    );
    let newest = alice.push(&topic, "add", sent[29].clone()).await;
    assert_eq!(newest["status"], "ok", "{newest}");
    assert_eq!(
        store.list(&topic).await.expect("list").len(),
        30,
        "nothing applied twice"
    );
}

#[tokio::test]
async fn a_person_holds_at_most_32_sockets_on_a_server() {
    let server = TestServer::start().await;
    let url = server.url("eve");
    let mut open = Vec::new();
    let mut refused = 0;
    for _ in 0..40 {
        match Client::try_url(&url, None).await {
            rtux_tests::Connect::Open(c) => open.push(c),
            rtux_tests::Connect::Refused(status, body) => {
                assert_eq!(status, 429, "{body}");
                assert!(body.contains("too many sockets"), "{body}");
                refused += 1;
            }
        }
    }
    assert_eq!((open.len(), refused), (32, 8));
    assert!(
        matches!(
            Client::try_url(&server.url("ana"), None).await,
            rtux_tests::Connect::Open(_)
        ),
        "another person still connects"
    );
    open.truncate(30);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        matches!(
            Client::try_url(&url, None).await,
            rtux_tests::Connect::Open(_)
        ),
        "a closed socket gives its place back"
    );
}

#[tokio::test]
async fn locks_need_a_resource_that_declares_them_and_edits_to_keep_them() {
    let store = backends().await[0].open().await;
    let server = todo_server(store.clone(), Duration::from_secs(5)).await;
    let topic = todo_topic("nolock");
    let todo = store
        .insert(&topic, None, json!({"title": "t", "done": false}))
        .await
        .expect("seed");
    let mut eve = Client::joined(&server, "eve", &topic, json!({})).await;
    refused(
        &eve.push(&topic, "lock", json!({"id": todo.id, "section": "form"}))
            .await,
        Code::Invalid,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_is_kept_by_editing_its_record_not_by_any_traffic() {
    let store = backends().await[0].open().await;
    let server = TestServer::with({
        let store = store.clone();
        move |b| b.channel("doc:*", rtux_tests::docs(store, Duration::from_secs(30)))
    })
    .await;
    let topic = format!("doc:{}", unique("active"));
    let doc = |t: &str| json!({"title": t, "body": "", "tags": []});
    let idle = store
        .insert(&topic, None, doc("idle"))
        .await
        .expect("seed")
        .id;
    let busy = store
        .insert(&topic, None, doc("busy"))
        .await
        .expect("seed")
        .id;
    let mut eve = Client::joined(&server, "eve", &topic, json!({})).await;
    let mut bo = Client::joined(&server, "bo", &topic, json!({})).await;
    let lock = |id: &str| json!({"id": id, "section": "form"});
    assert_eq!(eve.push(&topic, "lock", lock(&idle)).await["status"], "ok");
    assert_eq!(bo.push(&topic, "lock", lock(&busy)).await["status"], "ok");
    // Eve renews and keeps her socket busy (heartbeats, other events), but
    // never edits; Bo renews while typing into his record.
    let started = Instant::now();
    let mut n = 0;
    while started.elapsed() < rtux::action::LOCK_ACTIVE + Duration::from_secs(2) {
        tokio::time::sleep(Duration::from_secs(10)).await;
        n += 1;
        eve.push("phoenix", "heartbeat", json!({})).await;
        eve.push(&topic, "page", json!({"after": "nope"})).await;
        let preview = json!({"id": busy, "field": "body", "value": format!("typed {n}")});
        assert_eq!(bo.push(&topic, "field", preview).await["status"], "ok");
        let mine = bo.push(&topic, "lock", lock(&busy)).await;
        assert_eq!(mine["status"], "ok", "Bo is editing: {mine}");
        let hers = eve.push(&topic, "lock", lock(&idle)).await;
        if started.elapsed() < rtux::action::LOCK_ACTIVE - Duration::from_secs(1) {
            assert_eq!(hers["status"], "ok", "within a minute of taking it: {hers}");
        } else if hers["status"] != "ok" {
            assert_eq!(hers["response"]["code"], "idle", "{hers}");
            return;
        }
    }
    panic!("Eve's lock was renewed past a minute without an edit");
}
