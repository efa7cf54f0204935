//! Exactly-once under faults, against SQLite and PostgreSQL over real sockets:
//! undoable deletes that outlive a restart, writes to a record being deleted,
//! transient refusals that leave the op unspent, ops keyed by topic, retention,
//! and a join that misses no change.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use rtux::action::{Reject, Resource};
use rtux::store::Store;
use rtux::wire::Code;
use rtux_tests::{
    Client, Delayed, StoreAt, TestServer, backends, op, refused, todo_server, todo_topic, todos,
    unique,
};
use serde_json::{Value, json};

const WINDOW: Duration = Duration::from_secs(1);

/// Alice's undoable delete of `id`, op "1": its reply.
async fn delete(alice: &mut Client, topic: &str, id: &str) -> Value {
    alice
        .push(topic, "delete", op(topic, "a", "1", json!({ "id": id })))
        .await
}

async fn seed(store: &Store, topic: &str, title: &str) -> rtux::store::Record {
    store
        .insert(topic, None, json!({"title": title, "count": 0}))
        .await
        .expect("seed")
}

#[tokio::test]
async fn an_undoable_delete_outlives_a_restart_and_runs_at_its_deadline() {
    for at in backends().await {
        let store = at.open().await;
        let topic = todo_topic("r");
        let todo = seed(&store, &topic, "doomed").await;
        let delete = op(&topic, "a", "1", json!({"id": todo.id}));
        {
            let server = todo_server(at.open().await, WINDOW).await;
            let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
            let reply = alice.push(&topic, "delete", delete.clone()).await;
            assert_eq!(reply["status"], "ok", "{}: {reply}", at.name());
            alice.close().await;
        } // the server stops inside the window
        let restarted = todo_server(at.open().await, WINDOW).await;
        tokio::time::sleep(WINDOW * 2).await;
        assert!(
            store.get(&topic, &todo.id).await.expect("get").is_none(),
            "{}: the delete ran at its deadline, though the server restarted",
            at.name()
        );
        let mut alice = Client::joined(&restarted, "alice", &topic, json!({})).await;
        let replay = alice.push(&topic, "delete", delete).await;
        assert_eq!(replay["status"], "ok", "the replay answers as the op did");
        assert!(store.get(&topic, &todo.id).await.expect("get").is_none());
    }
}

#[tokio::test]
async fn an_undo_after_a_restart_inside_the_window_keeps_the_record() {
    for at in backends().await {
        let store = at.open().await;
        let topic = todo_topic("r");
        let todo = seed(&store, &topic, "saved by undo").await;
        {
            let server = todo_server(at.open().await, WINDOW).await;
            let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
            let reply = alice
                .push(
                    &topic,
                    "delete",
                    op(&topic, "a", "1", json!({"id": todo.id})),
                )
                .await;
            assert_eq!(reply["status"], "ok", "{}: {reply}", at.name());
        }
        let restarted = todo_server(at.open().await, WINDOW).await;
        let mut alice = Client::joined(&restarted, "alice", &topic, json!({})).await;
        let mut bob = Client::joined(&restarted, "bob", &topic, json!({})).await;
        let undo = op(&topic, "a", "1", json!({}));
        let reply = alice.push(&topic, "undo", undo.clone()).await;
        assert_eq!(reply["status"], "ok", "{}: {reply}", at.name());
        assert_eq!(reply["response"]["record"]["id"], todo.id.as_str());
        let back = bob.event(&topic, "rtux:patch").await;
        assert_eq!(back["op"], "insert", "the others get it back: {back}");
        assert_eq!(back["record"]["id"], todo.id.as_str());
        let again = alice.push(&topic, "undo", undo).await;
        assert_eq!(again, reply, "a retried undo answers the same");
        tokio::time::sleep(WINDOW * 2).await;
        assert!(
            store.get(&topic, &todo.id).await.expect("get").is_some(),
            "{}: undone, the record stays",
            at.name()
        );
    }
}

/// An undo retried on a new socket while its first attempt still runs (the
/// reply was cut): both attempts answer ok, as the one that restored the
/// record recorded; the loser must not say "nothing to undo" (the chaos run
/// found this on PostgreSQL, where the second waits on the first's row lock).
/// A pending edit sent from two tabs of one client at once (a replay racing
/// its first send): both answer ok. Refusals are not recorded, so on
/// PostgreSQL the second, which waited on the first's row lock and then found
/// the record at a newer version, must look for the first's answer before
/// saying "stale".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_attempts_of_one_pending_edit_at_once_both_answer_ok() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), Duration::from_secs(30)).await;
        let topic = todo_topic("race");
        let mut tab1 = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut tab2 = Client::joined(&server, "alice", &topic, json!({})).await;
        for n in 0..20 {
            let todo = seed(&store, &topic, &format!("edit race {n}")).await;
            let rename = op(
                &topic,
                "a",
                &format!("r{n}"),
                json!({"id": todo.id, "version": 1, "data": {"title": format!("renamed {n}")}}),
            );
            let (first, second) = tokio::join!(
                tab1.push(&topic, "rename", rename.clone()),
                tab2.push(&topic, "rename", rename.clone())
            );
            assert_eq!(first["status"], "ok", "{}: {first}", at.name());
            assert_eq!(second["status"], "ok", "{}: round {n}: {second}", at.name());
            let now = store
                .get(&topic, &todo.id)
                .await
                .expect("get")
                .expect("todo");
            assert_eq!(now.version, 2, "{}: applied once", at.name());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_attempts_of_one_undo_at_once_both_answer_ok() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), Duration::from_secs(30)).await;
        let topic = todo_topic("r");
        let mut tab1 = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut tab2 = Client::joined(&server, "alice", &topic, json!({})).await;
        for n in 0..10 {
            let todo = seed(&store, &topic, &format!("undo race {n}")).await;
            let name = n.to_string();
            let deleted = tab1
                .push(
                    &topic,
                    "delete",
                    op(&topic, "a", &name, json!({"id": todo.id})),
                )
                .await;
            assert_eq!(deleted["status"], "ok", "{}: {deleted}", at.name());
            let undo = op(&topic, "a", &name, json!({}));
            let (first, second) = tokio::join!(
                tab1.push(&topic, "undo", undo.clone()),
                tab2.push(&topic, "undo", undo.clone())
            );
            assert_eq!(first["status"], "ok", "{}: {first}", at.name());
            assert_eq!(
                second,
                first,
                "{}: both attempts answer the same",
                at.name()
            );
            assert!(store.get(&topic, &todo.id).await.expect("get").is_some());
        }
    }
}

#[tokio::test]
async fn a_record_being_deleted_is_gone_for_the_others_at_once_and_refuses_writes() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("r");
        let todo = seed(&store, &topic, "going").await;
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut bob = Client::joined(&server, "bob", &topic, json!({})).await;
        let reply = delete(&mut alice, &topic, &todo.id).await;
        assert_eq!(reply["status"], "ok");
        assert!(reply["response"]["undo_until"].as_i64().is_some());
        let gone = bob.event(&topic, "rtux:patch").await;
        assert_eq!(gone["op"], "remove", "{}: {gone}", at.name());
        let listed = Client::joined(&server, "carol", &topic, json!({})).await;
        drop(listed);
        let bump = bob
            .push(
                &topic,
                "bump",
                op(&topic, "b", "1", json!({"id": todo.id, "data": {"by": 1}})),
            )
            .await;
        refused(&bump, Code::Deleting);
        // Undone: the record is back as it was, without Bob's refused bump.
        alice
            .push(&topic, "undo", op(&topic, "a", "1", json!({})))
            .await;
        let record = store
            .get(&topic, &todo.id)
            .await
            .expect("get")
            .expect("back");
        assert_eq!((record.version, &record.data["count"]), (1, &json!(0)));
    }
}

#[tokio::test]
async fn a_join_reply_does_not_list_a_record_being_deleted() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("r");
        let todo = seed(&store, &topic, "hidden").await;
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        delete(&mut alice, &topic, &todo.id).await;
        let mut carol = Client::connect(&server, "carol").await;
        let reply = carol.join(&topic, json!({})).await;
        assert_eq!(reply["response"]["records"], json!([]), "{}", at.name());
    }
}

/// Asks the rival writer for one change of the record and waits until it
/// has made it.
type Rival = std::sync::Mutex<Option<std::sync::mpsc::SyncSender<std::sync::mpsc::SyncSender<()>>>>;

/// A resource whose `slow_bump`, while a rival is set, has the rival change
/// the record between its read and its write: every try loses, as under real
/// contention, however the machine schedules the two writers.
fn contended(store: Store, rival: Arc<Rival>) -> Resource {
    Resource::builder(store)
        .server_corrects("slow_bump", move |todo: &Value, _: &Value| {
            let asked = rival.lock().ok().and_then(|r| r.clone());
            if let Some(rival) = asked {
                let (done, changed) = std::sync::mpsc::sync_channel(1);
                if rival.send(done).is_ok() {
                    let _waited = changed.recv_timeout(Duration::from_secs(5));
                }
            }
            let mut todo = todo.clone();
            todo["count"] = json!(todo["count"].as_i64().unwrap_or(0) + 1);
            Ok::<_, Reject>(todo)
        })
        .build()
        .expect("resource")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_refusal_is_not_recorded_and_the_same_op_applies_once_later() {
    // SQLite has one writer at a time: only PostgreSQL lets another writer in.
    let Some(StoreAt::Postgres(url)) = backends().await.into_iter().nth(1) else {
        return;
    };
    let store = Store::open(&url).await.expect("postgres");
    let (ask, asked) = std::sync::mpsc::sync_channel::<std::sync::mpsc::SyncSender<()>>(1);
    let rival = Arc::new(std::sync::Mutex::new(Some(ask)));
    let resource = contended(store.clone(), rival.clone());
    let server = TestServer::with(move |b| b.channel("todo:*", resource)).await;
    let topic = todo_topic("r");
    let todo = seed(&store, &topic, "contended").await;
    let bumps = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // The rival runs on a thread of its own (the handler blocks one of the
    // test runtime's threads while it waits), one change per ask.
    let writer = {
        let (topic, id, bumps) = (topic.clone(), todo.id.clone(), bumps.clone());
        let url = url.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let store = Store::open(&url).await.expect("postgres");
                while let Ok(done) = asked.recv() {
                    if let Ok(Some(r)) = store.get(&topic, &id).await
                        && let Ok(rtux::store::Written::Applied(_)) =
                            store.update(&topic, &id, r.version, r.data).await
                    {
                        bumps.fetch_add(1, Ordering::SeqCst);
                    }
                    let _told = done.send(());
                }
            });
        })
    };
    let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
    let bump = op(&topic, "a", "1", json!({"id": todo.id}));
    let first = alice.push(&topic, "slow_bump", bump.clone()).await;
    assert_eq!(
        first["status"],
        "error",
        "{first} (the other writer got in {} times)",
        bumps.load(Ordering::SeqCst)
    );
    // No rival any more: the asking side hangs up, the rival's loop ends.
    rival.lock().expect("rival").take();
    writer.join().expect("writer");
    let before = store
        .get(&topic, &todo.id)
        .await
        .expect("get")
        .expect("record");
    let retried = alice.push(&topic, "slow_bump", bump.clone()).await;
    assert_eq!(retried["status"], "ok", "the retry applies: {retried}");
    let replayed = alice.push(&topic, "slow_bump", bump).await;
    assert_eq!(replayed, retried, "and only once");
    let after = store
        .get(&topic, &todo.id)
        .await
        .expect("get")
        .expect("record");
    assert_eq!(after.data["count"], json!(1));
    assert_eq!(after.version, before.version + 1);
    assert_eq!(
        first["response"]["retry"], true,
        "the refusal says to retry: {first}"
    );
}

#[tokio::test]
async fn the_same_client_and_op_on_two_topics_are_two_ops() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let (one, two) = (todo_topic("r"), todo_topic("r"));
        let a = seed(&store, &one, "a").await;
        let b = seed(&store, &two, "b").await;
        let mut alice = Client::connect(&server, "alice").await;
        alice.join_ok(&one).await;
        alice.join_ok(&two).await;
        let client = unique("tab");
        for (topic, todo) in [(&one, &a), (&two, &b)] {
            let bump = json!({"client": client, "op": "1", "at": rtux_tests::now_ms(), "id": todo.id, "data": {"by": 1}});
            let reply = alice.push(topic, "bump", bump).await;
            assert_eq!(reply["status"], "ok", "{}: {topic}: {reply}", at.name());
        }
        for (topic, todo) in [(&one, &a), (&two, &b)] {
            let record = store
                .get(topic, &todo.id)
                .await
                .expect("get")
                .expect("record");
            assert_eq!(record.data["count"], 1, "{}", at.name());
        }
    }
}

#[tokio::test]
async fn old_ops_are_refused_and_the_sweeper_bounds_the_tables() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("r");
        let todo = seed(&store, &topic, "kept").await;
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let eight_days = 8 * 24 * 3600 * 1000;
        let mut old = op(
            &topic,
            "a",
            "old",
            json!({"id": todo.id, "data": {"by": 1}}),
        );
        old["at"] = json!(rtux_tests::now_ms() - eight_days);
        let reply = alice.push(&topic, "bump", old).await;
        let reason = refused(&reply, Code::TooOld);
        assert!(
            reason.contains("8 days") && reason.contains("7 days"),
            "its age and the ledger's window: {reason}"
        );
        assert!(
            reply["response"].get("retry").is_none()
                && reply["response"].get("retry_after_ms").is_none(),
            "the outcome is unknown: never an invitation to do it again ({reply})"
        );
        let mut ahead = op(
            &topic,
            "a",
            "ahead",
            json!({"id": todo.id, "data": {"by": 1}}),
        );
        ahead["at"] = json!(rtux_tests::now_ms() + eight_days);
        refused(&alice.push(&topic, "bump", ahead).await, Code::Invalid);
        assert_eq!(
            store
                .get(&topic, &todo.id)
                .await
                .expect("get")
                .expect("r")
                .data["count"],
            0,
            "{}: nothing applied",
            at.name()
        );

        for n in 0..3 {
            let bump = op(
                &topic,
                "a",
                &format!("b{n}"),
                json!({"id": todo.id, "data": {"by": 1}}),
            );
            assert_eq!(alice.push(&topic, "bump", bump).await["status"], "ok");
        }
        let doomed = seed(&store, &topic, "purged").await;
        alice
            .push(
                &topic,
                "delete",
                op(&topic, "a", "d", json!({"id": doomed.id})),
            )
            .await;
        tokio::time::sleep(WINDOW * 2).await;
        let before = store.ledger_len().await.expect("len");
        let short = store
            .clone()
            .with_ledger_retention(Duration::from_millis(1));
        let swept = short.sweep().await.expect("sweep");
        assert!(swept.ops >= 4, "{}: {swept:?}", at.name());
        assert!(swept.records >= 1, "{}: {swept:?}", at.name());
        assert!(store.ledger_len().await.expect("len") <= before - 4);
        // Forgotten, and refused rather than applied again:
        let mut replay = op(&topic, "a", "b0", json!({"id": todo.id, "data": {"by": 1}}));
        replay["at"] = json!(rtux_tests::now_ms() - 1000);
        let reply = TestServer::with({
            let short = short.clone();
            move |b| b.channel("todo:*", todos(short, WINDOW))
        })
        .await;
        let mut again = Client::joined(&reply, "alice", &topic, json!({})).await;
        let answer = again.push(&topic, "bump", replay).await;
        assert_eq!(answer["status"], "error", "{answer}");
        assert_eq!(
            store
                .get(&topic, &todo.id)
                .await
                .expect("get")
                .expect("r")
                .data["count"],
            3
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_while_a_client_joins_reaches_it() {
    for at in backends().await {
        let store = at.open().await;
        // The join is answered late, after reading its state: a change made
        // meanwhile must still reach the joiner.
        let late = Delayed::joins(todos(store.clone(), WINDOW), Duration::from_millis(300));
        let server = TestServer::with(move |b| b.channel("todo:*", late)).await;
        let topic = todo_topic("r");
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut bob = Client::connect(&server, "bob").await;
        bob.send(json!(["j1", "j1", topic, "phx_join", {}])).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let add = op(
            &topic,
            "a",
            "1",
            json!({"temp_id": "t1", "data": {"title": "made meanwhile"}}),
        );
        assert_eq!(alice.push(&topic, "add", add).await["status"], "ok");
        let reply = bob.reply_to("j1").await;
        assert_eq!(reply["status"], "ok");
        let listed = reply["response"]["records"].as_array().map_or(0, Vec::len);
        if listed == 0 {
            let patch = bob.event(&topic, "rtux:patch").await;
            assert_eq!(
                patch["record"]["data"]["title"],
                "made meanwhile",
                "{}",
                at.name()
            );
        }
    }
}
