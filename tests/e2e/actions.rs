//! Actions on a real store over real sockets, against SQLite and PostgreSQL:
//! every kind, replay after disconnect, concurrent writers, bad input. (Faults —
//! restarts inside an undo window, transient refusals, retention — are in
//! reliability.rs.)

use std::time::Duration;

use rtux::wire::Code;
use rtux_tests::{
    Client, StoreAt, TestServer, backends, op, refused, todo_server, todo_topic, unique,
};
use serde_json::{Value, json};

const WINDOW: Duration = Duration::from_secs(1);

#[tokio::test]
async fn an_insert_maps_the_temp_id_and_the_others_get_escaped_html() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("t");
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut bob = Client::joined(&server, "bob", &topic, json!({})).await;

        let add = op(
            &topic,
            "a1",
            "1",
            json!({"temp_id": "tmp-1", "data": {"title": " <b>milk</b> "}}),
        );
        let reply = alice.push(&topic, "add", add).await;
        assert_eq!(reply["status"], "ok", "{}: {reply}", at.name());
        let response = &reply["response"];
        assert_eq!(response["temp_id"], "tmp-1");
        let id = response["record"]["id"]
            .as_str()
            .expect("real id")
            .to_owned();
        assert_ne!(id, "tmp-1");
        assert_eq!(response["record"]["version"], 1);
        let dom_id = rtux::action::dom_id(&topic, &id);
        let html = format!(r#"<li id="{dom_id}" class="open">&lt;b&gt;milk&lt;&#x2f;b&gt;</li>"#);
        assert_eq!(response["html"], html.as_str());

        let patch = bob.event(&topic, "rtux:patch").await;
        assert_eq!(patch["op"], "insert");
        assert_eq!(
            (patch["at"].clone(), patch["after"].clone()),
            (json!(0), Value::Null),
            "the first record"
        );
        assert_eq!(patch["dom_id"], dom_id.as_str());
        assert_eq!(patch["html"], html.as_str());
        assert_eq!(patch["record"]["data"]["title"], "<b>milk</b>");

        let eggs = op(
            &topic,
            "a1",
            "3",
            json!({"temp_id": "tmp-3", "data": {"title": "eggs"}}),
        );
        let second = alice.push(&topic, "add", eggs).await;
        let patch = bob.event(&topic, "rtux:patch").await;
        assert_eq!(patch["at"], 1);
        assert_eq!(patch["after"], dom_id.as_str(), "inserted after the first");
        assert_eq!(patch["record"]["id"], second["response"]["record"]["id"]);

        let blank = alice
            .push(
                &topic,
                "add",
                op(
                    &topic,
                    "a1",
                    "2",
                    json!({"temp_id": "tmp-2", "data": {"title": "  "}}),
                ),
            )
            .await;
        refused(&blank, Code::Invalid);
        assert!(
            blank["response"].get("record").is_some_and(Value::is_null),
            "an insert refused has no record to roll back to: {blank}"
        );
        assert_eq!(
            store.list(&topic).await.expect("list").len(),
            2,
            "{}: the refused insert wrote nothing",
            at.name()
        );

        let mut carol = Client::connect(&server, "carol").await;
        let join = carol.join(&topic, json!({})).await;
        assert_eq!(
            join["response"]["records"][0]["id"],
            id.as_str(),
            "a joiner gets the records"
        );
        assert_eq!(join["response"]["undo_window_ms"], 1000);
    }
}

#[tokio::test]
async fn server_corrects_applies_to_the_current_record_whatever_the_client_saw() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("t");
        let todo = store
            .insert(
                &topic,
                None,
                json!({"title": "t", "done": false, "count": 0}),
            )
            .await
            .expect("seed");
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut bob = Client::joined(&server, "bob", &topic, json!({})).await;

        let reply = alice
            .push(
                &topic,
                "toggle",
                op(&topic, "a", "1", json!({"id": todo.id, "version": 1})),
            )
            .await;
        assert_eq!(
            reply["response"]["record"]["data"]["done"],
            true,
            "{}: {reply}",
            at.name()
        );
        assert_eq!(reply["response"]["record"]["version"], 2);
        let patch = bob.event(&topic, "rtux:patch").await;
        assert_eq!(patch["op"], "replace");
        assert!(
            patch["html"]
                .as_str()
                .is_some_and(|h| h.contains(r#"class="done""#))
        );

        // Bob still thinks it is at version 1: the server corrects him.
        let reply = bob
            .push(
                &topic,
                "toggle",
                op(&topic, "b", "1", json!({"id": todo.id, "version": 1})),
            )
            .await;
        assert_eq!(reply["response"]["record"]["data"]["done"], false);
        assert_eq!(reply["response"]["record"]["version"], 3);

        let reply = bob
            .push(
                &topic,
                "bump",
                op(
                    &topic,
                    "b",
                    "2",
                    json!({"id": todo.id, "data": {"by": "x"}}),
                ),
            )
            .await;
        refused(&reply, Code::Invalid);
        assert_eq!(
            reply["response"]["record"]["version"], 3,
            "a reject carries the record to roll back to"
        );
        let missing = bob
            .push(
                &topic,
                "toggle",
                op(&topic, "b", "3", json!({"id": "nope"})),
            )
            .await;
        refused(&missing, Code::NotFound);
        assert!(
            missing["response"]
                .get("record")
                .is_some_and(Value::is_null),
            "{missing}"
        );
    }
}

#[tokio::test]
async fn a_pending_edit_at_a_stale_version_is_rejected_with_the_current_record() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("t");
        let todo = store
            .insert(&topic, None, json!({"title": "a", "done": false}))
            .await
            .expect("seed");
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let reply = alice
            .push(
                &topic,
                "rename",
                op(
                    &topic,
                    "a",
                    "1",
                    json!({"id": todo.id, "version": 1, "data": {"title": "b"}}),
                ),
            )
            .await;
        assert_eq!(
            reply["response"]["record"]["version"],
            2,
            "{}: {reply}",
            at.name()
        );
        let reply = alice
            .push(
                &topic,
                "rename",
                op(
                    &topic,
                    "a",
                    "2",
                    json!({"id": todo.id, "version": 1, "data": {"title": "c"}}),
                ),
            )
            .await;
        refused(&reply, Code::Stale);
        assert_eq!(reply["response"]["record"]["version"], 2, "{reply}");
        assert_eq!(reply["response"]["record"]["data"]["title"], "b");
        assert_eq!(
            store
                .get(&topic, &todo.id)
                .await
                .expect("get")
                .map(|r| r.data["title"].clone()),
            Some(json!("b"))
        );
    }
}

#[tokio::test]
async fn confirm_first_changes_nothing_until_the_server_agrees() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("t");
        let todo = store
            .insert(&topic, None, json!({"title": "a"}))
            .await
            .expect("seed");
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let reply = alice
            .push(
                &topic,
                "archive",
                op(&topic, "a", "1", json!({"id": todo.id, "version": 1})),
            )
            .await;
        refused(&reply, Code::Invalid);
        assert_eq!(
            store
                .get(&topic, &todo.id)
                .await
                .expect("get")
                .map(|r| r.version),
            Some(1)
        );
        let reply = alice
            .push(
                &topic,
                "archive",
                op(
                    &topic,
                    "a",
                    "2",
                    json!({"id": todo.id, "version": 1, "data": {"confirm": true}}),
                ),
            )
            .await;
        assert_eq!(reply["response"]["record"]["data"]["archived"], true);
    }
}

#[tokio::test]
async fn undo_inside_the_window_keeps_the_item_and_after_it_is_refused() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("t");
        let todo = store
            .insert(&topic, None, json!({"title": "a"}))
            .await
            .expect("seed");
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut bob = Client::joined(&server, "bob", &topic, json!({})).await;

        let reply = alice
            .push(
                &topic,
                "delete",
                op(&topic, "a", "1", json!({"id": todo.id})),
            )
            .await;
        assert_eq!(
            reply["response"]["undo_window_ms"],
            1000,
            "{}: {reply}",
            at.name()
        );
        let undo = alice
            .push(&topic, "undo", op(&topic, "a", "1", json!({})))
            .await;
        assert_eq!(undo["status"], "ok", "{undo}");
        assert_eq!(undo["response"]["undone"], "1");
        assert_eq!(undo["response"]["record"]["id"], todo.id.as_str());
        let gone = bob.event(&topic, "rtux:patch").await;
        let back = bob.event(&topic, "rtux:patch").await;
        assert_eq!(
            (&gone["op"], &back["op"]),
            (&json!("remove"), &json!("insert"))
        );
        tokio::time::sleep(WINDOW * 2).await;
        assert!(
            store.get(&topic, &todo.id).await.expect("get").is_some(),
            "undone: the item stays"
        );

        alice
            .push(
                &topic,
                "delete",
                op(&topic, "a", "2", json!({"id": todo.id})),
            )
            .await;
        let patch = bob.event(&topic, "rtux:patch").await;
        assert_eq!(
            patch,
            json!({
                "op": "remove", "dom_id": rtux::action::dom_id(&topic, &todo.id), "id": todo.id,
                "by": {"user": "alice", "name": "User alice"}, "label": "a",
            }),
            "the others are told who deleted what"
        );
        assert!(store.get(&topic, &todo.id).await.expect("get").is_none());
        tokio::time::sleep(WINDOW * 2).await;
        let late = alice
            .push(&topic, "undo", op(&topic, "a", "2", json!({})))
            .await;
        refused(&late, Code::NotFound);
    }
}

#[tokio::test]
async fn a_replayed_op_is_applied_once_and_gets_the_same_reply() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("t");
        let todo = store
            .insert(&topic, None, json!({"title": "a", "count": 0}))
            .await
            .expect("seed");
        let client = unique("tab");
        let bump = op(
            &topic,
            &client,
            "op-1",
            json!({"id": todo.id, "data": {"by": 5}}),
        );

        let mut first = Client::joined(&server, "alice", &topic, json!({})).await;
        let reply = first.push(&topic, "bump", bump.clone()).await;
        first.close().await;
        // The client reconnects (its queue replays the op with the same id).
        let mut again = Client::joined(&server, "alice", &topic, json!({})).await;
        assert_eq!(
            again.push(&topic, "bump", bump.clone()).await,
            reply,
            "{}",
            at.name()
        );
        assert_eq!(again.push(&topic, "bump", bump.clone()).await, reply);
        // And after a server restart, on the same store.
        drop(again);
        let restarted = server_again(&at).await;
        let mut after = Client::joined(&restarted, "alice", &topic, json!({})).await;
        assert_eq!(after.push(&topic, "bump", bump.clone()).await, reply);
        let record = store
            .get(&topic, &todo.id)
            .await
            .expect("get")
            .expect("record");
        assert_eq!(
            (record.version, record.data["count"].clone()),
            (2, json!(5)),
            "applied exactly once"
        );

        let other = op(
            &topic,
            &client,
            "op-1",
            json!({"id": todo.id, "data": {"by": 7}}),
        );
        refused(&after.push(&topic, "bump", other).await, Code::Reused);
        // Another user with the same client and op ids is another op.
        let mut mallory = Client::joined(&restarted, "mallory", &topic, json!({})).await;
        let theirs = mallory.push(&topic, "bump", bump).await;
        assert_eq!(theirs["response"]["record"]["version"], 3);
    }
}

async fn server_again(at: &StoreAt) -> TestServer {
    todo_server(at.open().await, WINDOW).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_lose_no_update_and_every_loser_is_told() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("t");
        let todo = store
            .insert(&topic, None, json!({"title": "a", "count": 0}))
            .await
            .expect("seed");
        let mut clients = Vec::new();
        for i in 0..10 {
            clients.push(Client::joined(&server, &format!("u{i}"), &topic, json!({})).await);
        }
        // Everyone edits version 1 at once: one wins, nine are told, with the winner's record.
        let mut tasks = Vec::new();
        for (i, mut c) in clients.into_iter().enumerate() {
            let (topic, id) = (topic.clone(), todo.id.clone());
            tasks.push(tokio::spawn(async move {
                let rename = op(
                    &topic,
                    "c",
                    "r",
                    json!({"id": id, "version": 1, "data": {"title": format!("by u{i}")}}),
                );
                let renamed = c.push(&topic, "rename", rename).await;
                let bump = c
                    .push(
                        &topic,
                        "bump",
                        op(&topic, "c", "b", json!({"id": id, "data": {"by": 1}})),
                    )
                    .await;
                (renamed, bump)
            }));
        }
        let mut wins = 0;
        let mut told = Vec::new();
        for t in tasks {
            let (renamed, bump) = t.await.expect("client");
            assert_eq!(bump["status"], "ok", "{}: {bump}", at.name());
            match renamed["status"].as_str() {
                Some("ok") => wins += 1,
                _ => told.push(renamed["response"].clone()),
            }
        }
        assert_eq!(wins, 1, "{}", at.name());
        assert_eq!(told.len(), 9);
        for r in &told {
            refused(r, Code::Stale);
            assert!(r["record"]["version"].as_i64() >= Some(2), "{r}");
        }
        let record = store
            .get(&topic, &todo.id)
            .await
            .expect("get")
            .expect("record");
        assert_eq!(record.data["count"], 10, "{}: no lost bump", at.name());
        assert_eq!(record.version, 12);
    }
}

#[tokio::test]
async fn bad_action_input_is_refused_and_nothing_is_written() {
    for at in backends().await {
        let store = at.open().await;
        let server = todo_server(store.clone(), WINDOW).await;
        let topic = todo_topic("t");
        let todo = store
            .insert(&topic, None, json!({"title": "a"}))
            .await
            .expect("seed");
        let mut c = Client::joined(&server, "alice", &topic, json!({})).await;
        let cases = [
            (
                "fly",
                op(&topic, "c", "1", json!({"id": todo.id})),
                Code::NotFound,
            ),
            (
                "rename",
                json!({"client": "c", "id": todo.id, "version": 1}),
                Code::Invalid,
            ),
            (
                "rename",
                op(&topic, "c", "2", json!({"id": todo.id, "version": "1"})),
                Code::Invalid,
            ),
            (
                "rename",
                op(
                    &topic,
                    "c",
                    "3",
                    json!({"id": todo.id, "data": {"title": "x"}}),
                ),
                Code::Invalid,
            ),
            ("toggle", op(&topic, "c", "4", json!({})), Code::Invalid),
            (
                "add",
                op(
                    &topic,
                    "c",
                    "5",
                    json!({"id": "x", "temp_id": "t", "data": {"title": "x"}}),
                ),
                Code::Invalid,
            ),
            (
                "add",
                op(&topic, "c", "6", json!({"data": {"title": "x"}})),
                Code::Invalid,
            ),
            (
                "add",
                op(&topic, &"c".repeat(200), "7", json!({"temp_id": "t"})),
                Code::Invalid,
            ),
            ("add", json!(["not", "an", "object"]), Code::Invalid),
            (
                "rename",
                op(
                    &topic,
                    "c",
                    "8",
                    json!({"id": todo.id, "version": 1, "data": {"title": "x".repeat(20_000)}}),
                ),
                Code::Invalid,
            ),
        ];
        for (event, payload, code) in cases {
            let reply = c.push(&topic, event, payload.clone()).await;
            assert_eq!(reply["status"], "error", "{}: {event}: {reply}", at.name());
            refused(&reply, code);
        }
        let records = store.list(&topic).await.expect("list");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].version, 1, "nothing was written");
        // The refused op ids were not spent: op 3, sent right, is applied.
        let reply = c
            .push(
                &topic,
                "rename",
                op(
                    &topic,
                    "c",
                    "3",
                    json!({"id": todo.id, "version": 1, "data": {"title": "ok"}}),
                ),
            )
            .await;
        assert_eq!(reply["status"], "ok", "{reply}");
    }
}
