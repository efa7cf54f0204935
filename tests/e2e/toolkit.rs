//! rtux::testing as an app author uses it: a resource's actions with op ids
//! handled, replays, patches, undo, presence, and snapshots of what the
//! clients receive with the volatile parts redacted.

use std::time::Duration;

use rtux::store::Store;
use rtux::testing::redact;
use rtux_tests::{Client, sqlite_path, todo_server};
use serde_json::json;

#[tokio::test]
async fn a_resource_tested_with_the_toolkit() {
    // A store of its own, so the topic (in every DOM id) can be the same each run.
    let store = Store::sqlite(sqlite_path()).await.expect("store");
    let server = todo_server(store, Duration::from_secs(1)).await;
    let topic = "todo:toolkit".to_owned();
    let mut ana = Client::joined(&server, "ana", &topic, json!({})).await;
    let mut bo = Client::joined(&server, "bo", &topic, json!({})).await;

    let added = ana
        .act(
            &topic,
            "add",
            json!({"temp_id": "t1", "data": {"title": "milk"}}),
        )
        .await;
    assert_eq!(added["status"], "ok", "{added}");
    let patch = bo.patch(&topic).await;
    insta::assert_json_snapshot!("toolkit_insert_reply", redact(&added));
    insta::assert_json_snapshot!("toolkit_insert_patch", redact(&patch));
    assert_eq!(
        ana.replay().await,
        added,
        "a replay answers as the action did"
    );
    bo.refute(Duration::from_millis(200)).await;

    let id = added["response"]["record"]["id"].clone();
    let deleted = ana.act(&topic, "delete", json!({"id": id})).await;
    assert_eq!(deleted["status"], "ok", "{deleted}");
    assert_eq!(bo.patch(&topic).await["op"], "remove");
    let undone = ana.undo(&topic).await;
    assert_eq!(undone["status"], "ok", "{undone}");
    assert_eq!(
        bo.patch(&topic).await["op"],
        "insert",
        "back for the others"
    );

    let room = "room:toolkit";
    let mut cy = Client::joined(&server, "cy", room, json!({})).await;
    let _dan = Client::joined(&server, "dan", room, json!({})).await;
    let seen = cy.presence_until(room, |p| p.len() == 2).await;
    assert_eq!(seen.keys().collect::<Vec<_>>(), ["cy", "dan"]);
    insta::assert_json_snapshot!("toolkit_presence", redact(&json!(seen)));
}

/// Each test its own empty database: a SQLite file, or a PostgreSQL database
/// dropped and made again on the server (what generated apps' tests use).
#[tokio::test]
async fn fresh_databases_start_empty_on_sqlite_and_postgresql() {
    let server = rtux_tests::postgres_url();
    // The server's maintenance database, where new databases are made.
    let server = server.replace("/test", "/postgres");
    for at in ["sqlite:", server.as_str()] {
        for round in 0..2 {
            let url = match rtux::testing::fresh_database(at, "rtux_e2e_fresh").await {
                Ok(url) => url,
                Err(e) if at.starts_with("postgres") && !rtux_tests::required() => {
                    eprintln!("SKIPPED PostgreSQL: {e}");
                    break;
                }
                Err(e) => panic!("{at}: {e}"),
            };
            let store = Store::open(&url).await.expect("the fresh store opens");
            let records = store.page("t:1", None, 10).await.expect("page");
            assert!(records.is_empty(), "{at}, round {round}: {records:?}");
            store
                .insert("t:1", None, json!({"n": round}))
                .await
                .expect("insert");
        }
    }
    let refused = rtux::testing::fresh_database("sqlite:", "Bad Name").await;
    assert!(matches!(
        refused,
        Err(rtux::testing::DatabaseError::Name(name)) if name == "Bad Name"
    ));
}
