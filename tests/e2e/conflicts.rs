//! Conflict resolution over real sockets, on SQLite and PostgreSQL: stale save →
//! conflict → resolve → save, clean auto-merges, live field changes, locks.

use std::time::Duration;

use rtux::store::Store;
use rtux::wire::Code;
use rtux_tests::{Client, TestServer, backends, docs, op, refused, unique};
use serde_json::{Value, json};

async fn server(store: Store, lock_ttl: Duration) -> TestServer {
    TestServer::with(move |b| b.channel("doc:*", docs(store, lock_ttl))).await
}

#[tokio::test]
async fn a_stale_save_gets_a_conflict_and_the_resolution_saves_with_nothing_lost() {
    for at in backends().await {
        let server = server(at.open().await, Duration::from_secs(30)).await;
        let topic = format!("doc:{}", unique("d"));
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut bob = Client::joined(&server, "bob", &topic, json!({})).await;

        let created = alice.push(&topic, "create", op(&topic, "a", "1", json!({"temp_id": "t1", "data": {"title": "Plan", "body": "draft", "tags": ["a"]}}))).await;
        let id = created["response"]["record"]["id"]
            .as_str()
            .expect("id")
            .to_owned();

        // Both start from version 1. Alice saves first.
        let alice_v1 = json!({"title": "Plan", "body": "Alice's body", "tags": ["a"]});
        let saved = alice
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "a",
                    "2",
                    json!({"id": id, "version": 1, "data": alice_v1}),
                ),
            )
            .await;
        assert_eq!(
            saved["response"]["record"]["version"],
            2,
            "{}: {saved}",
            at.name()
        );
        assert_eq!(saved["response"]["merged"], json!([]));

        // Bob saves against version 1: his body and Alice's differ → a conflict
        // on the body, while his tags (only he changed them) are saved at once.
        let bob_text = "Bob's body\n<script>alert(1)</script>";
        let bob_v1 = json!({"title": "Plan", "body": bob_text, "tags": ["a", "bob"]});
        let conflict = bob
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "b",
                    "1",
                    json!({"id": id, "version": 1, "data": bob_v1}),
                ),
            )
            .await;
        assert_eq!(conflict["status"], "error", "{}", at.name());
        let c = &conflict["response"]["conflict"];
        assert_eq!(conflict["response"]["code"], "conflict");
        assert_eq!(c["applied"], json!(["tags"]), "{}: {conflict}", at.name());
        assert_eq!(c["yours"], bob_v1, "everything Bob submitted, in full");
        assert_eq!(c["theirs"]["body"], "Alice's body");
        assert_eq!(
            c["theirs"]["tags"],
            json!(["a", "bob"]),
            "Bob's tags landed"
        );
        assert_eq!(c["base"]["body"], "draft");
        assert_eq!(
            (c["base_version"].clone(), c["version"].clone()),
            (json!(1), json!(3))
        );
        // Everyone sees Bob's tags now, without waiting for him to resolve.
        let fields = alice.event(&topic, "rtux:fields").await;
        assert_eq!(fields["fields"], json!({"tags": ["a", "bob"]}), "{fields}");
        assert_eq!(
            c["fields"],
            json!([{"field": "body", "base": "draft", "yours": bob_text, "theirs": "Alice's body"}])
        );
        assert_eq!(
            c["merged"],
            json!([]),
            "only Bob changed the tags: nothing of theirs to merge"
        );
        let panel = conflict["response"]["panel"].as_str().expect("panel");
        assert!(
            panel.contains("Alice&#x27;s body") && panel.contains("User alice changed this"),
            "the panel names Alice and shows her text, escaped: {panel}"
        );
        assert!(!panel.contains("<script>"), "{panel}");
        // The same op again (a reconnecting client): the same conflict, from
        // the ledger, and nothing written twice.
        let again = bob
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "b",
                    "1",
                    json!({"id": id, "version": 1, "data": bob_v1}),
                ),
            )
            .await;
        let a = &again["response"];
        assert_eq!(
            (
                a["code"].clone(),
                a["conflict"]["version"].clone(),
                a["conflict"]["applied"].clone()
            ),
            (json!("conflict"), json!(3), json!(["tags"])),
            "{}: {again}",
            at.name()
        );
        assert_eq!(a["conflict"]["fields"], c["fields"], "the same fields");

        // Meanwhile Alice retitles (version 4). Bob resolves "keep mine" against version 3:
        // stale again, but now the only overlap is clean → merged by itself.
        let alice_v2 = json!({"title": "Q3 plan", "body": "Alice's body", "tags": ["a"]});
        alice
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "a",
                    "3",
                    json!({"id": id, "version": 2, "data": alice_v2}),
                ),
            )
            .await;
        let resolved = json!({"title": "Plan", "body": bob_text, "tags": ["a", "bob"]});
        let saved = bob
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "b",
                    "2",
                    json!({"id": id, "version": 3, "data": resolved}),
                ),
            )
            .await;
        assert_eq!(saved["status"], "ok", "{}: {saved}", at.name());
        assert_eq!(saved["response"]["merged"], json!(["title"]));
        assert_eq!(
            saved["response"]["record"]["data"],
            json!({"title": "Q3 plan", "body": bob_text, "tags": ["a", "bob"]})
        );
        assert_eq!(saved["response"]["record"]["version"], 5);
    }
}

#[tokio::test]
async fn a_clean_merge_succeeds_without_bothering_the_user_and_others_see_who_changed_what() {
    for at in backends().await {
        let server = server(at.open().await, Duration::from_secs(30)).await;
        let topic = format!("doc:{}", unique("d"));
        let mut alice = Client::joined(&server, "alice", &topic, json!({})).await;
        let mut bob = Client::joined(&server, "bob", &topic, json!({})).await;
        let created = alice
            .push(
                &topic,
                "create",
                op(
                    &topic,
                    "a",
                    "1",
                    json!({"temp_id": "t", "data": {"title": "T", "body": "B"}}),
                ),
            )
            .await;
        let id = created["response"]["record"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        bob.drain(Duration::from_millis(100)).await;

        alice
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "a",
                    "2",
                    json!({"id": id, "version": 1, "data": {"title": "T2", "body": "B"}}),
                ),
            )
            .await;
        let fields = bob.event(&topic, "rtux:fields").await;
        assert_eq!(fields["fields"], json!({"title": "T2"}), "{}", at.name());
        assert_eq!(fields["by"], json!({"user": "alice", "name": "User alice"}));
        let saved = bob
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "b",
                    "1",
                    json!({"id": id, "version": 1, "data": {"title": "T", "body": "B2"}}),
                ),
            )
            .await;
        assert_eq!(saved["status"], "ok");
        assert_eq!(saved["response"]["merged"], json!(["title"]));
        assert_eq!(
            saved["response"]["record"]["data"],
            json!({"title": "T2", "body": "B2", "tags": []})
        );
        let echoed: Vec<Value> = alice.drain(Duration::from_millis(200)).await;
        let alices_own = echoed
            .iter()
            .filter(|f| f[3] == "rtux:fields" && f[4]["by"]["user"] == "alice")
            .count();
        assert_eq!(
            alices_own, 0,
            "a sender never gets its own field changes back"
        );
        assert!(
            echoed
                .iter()
                .any(|f| f[3] == "rtux:fields" && f[4]["by"]["user"] == "bob")
        );

        // Unsaved edits travel too, tagged, not echoed.
        let reply = alice
            .push(
                &topic,
                "field",
                json!({"id": id, "field": "body", "value": "typing…"}),
            )
            .await;
        assert_eq!(reply["status"], "ok");
        let live = bob.event(&topic, "rtux:field").await;
        assert_eq!(
            live,
            json!({"id": id, "field": "body", "value": "typing…", "by": {"user": "alice", "name": "User alice"}})
        );
        assert!(
            alice
                .drain(Duration::from_millis(100))
                .await
                .iter()
                .all(|f| f[3] != "rtux:field")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_of_many_gets_a_lock_and_it_is_released_when_the_holder_leaves() {
    let at = &backends().await[0];
    let store = at.open().await;
    let server = server(store.clone(), Duration::from_secs(30)).await;
    let topic = format!("doc:{}", unique("d"));
    let doc = json!({"title": "t", "intro": "", "tags": []});
    let r1 = store.insert(&topic, Some("r1"), doc).await.expect("seed");
    assert_eq!(r1.id, "r1");
    let mut clients = Vec::new();
    for i in 0..8 {
        clients.push(Client::joined(&server, &format!("u{i}"), &topic, json!({})).await);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut c| {
            let topic = topic.clone();
            tokio::spawn(async move {
                let reply = c
                    .push(&topic, "lock", json!({"id": "r1", "section": "intro"}))
                    .await;
                (reply, c)
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut losers = Vec::new();
    for t in tasks {
        let (reply, c) = t.await.expect("task");
        if reply["status"] == "ok" {
            winners.push((reply, c))
        } else {
            losers.push((reply, c))
        }
    }
    assert_eq!(winners.len(), 1, "exactly one winner");
    let (grant, holder) = winners.pop().expect("winner");
    let name = grant["response"]["holder"]["name"].clone();
    for (reply, _) in &losers {
        refused(reply, Code::Locked);
        assert_eq!(
            reply["response"]["holder"]["name"], name,
            "a refusal says who holds it"
        );
    }
    holder.close().await;
    let (_, mut next) = losers.pop().expect("a loser");
    let unlocked = next.event(&topic, "rtux:unlock").await;
    assert_eq!(
        unlocked,
        json!({"id": "r1", "section": "intro", "reason": "holder left"})
    );
    let retry = next
        .push(&topic, "lock", json!({"id": "r1", "section": "intro"}))
        .await;
    assert_eq!(retry["status"], "ok");
    let (_, mut other) = losers.pop().expect("another");
    let locked = other.event(&topic, "rtux:lock").await;
    assert_eq!(
        locked["holder"]["name"], retry["response"]["holder"]["name"],
        "lock changes are broadcast with the holder"
    );
}

#[tokio::test]
async fn a_lock_expires_unless_renewed() {
    let at = &backends().await[0];
    let store = at.open().await;
    let server = server(store.clone(), Duration::from_millis(400)).await;
    let topic = format!("doc:{}", unique("d"));
    let doc = json!({"title": "t", "body": "", "tags": []});
    store.insert(&topic, Some("r"), doc).await.expect("seed");
    let mut ana = Client::joined(&server, "ana", &topic, json!({})).await;
    let mut bo = Client::joined(&server, "bo", &topic, json!({})).await;
    let section = json!({"id": "r", "section": "body"});
    assert_eq!(
        ana.push(&topic, "lock", section.clone()).await["status"],
        "ok"
    );
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            ana.push(&topic, "lock", section.clone()).await["status"],
            "ok",
            "renewed by its holder"
        );
    }
    assert_eq!(
        bo.push(&topic, "lock", section.clone()).await["status"],
        "error"
    );
    let expired = bo.event(&topic, "rtux:unlock").await;
    assert_eq!(expired["reason"], "expired");
    assert_eq!(
        bo.push(&topic, "lock", section.clone()).await["status"],
        "ok"
    );
    refused(
        &ana.push(&topic, "unlock", section.clone()).await,
        Code::NotHeld,
    );
    for bad in [
        json!({"id": "r"}),
        json!({"id": "", "section": "s"}),
        json!("x"),
    ] {
        assert_eq!(bo.push(&topic, "lock", bad).await["status"], "error");
    }
}
