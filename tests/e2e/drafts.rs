//! Drafts on SQLite and PostgreSQL: what a user typed into a record's form
//! follows them to another device (their join reply), nobody else's; a save
//! or a discard removes it, writes come at most every 1.5 s, bad drafts are
//! refused, and expired ones are gone (and swept).

use std::time::Duration;

use rtux::action::{DRAFT_EVERY, DRAFT_TTL};
use rtux::wire::Code;
use serde_json::json;

use rtux_tests::{Client, TestServer, backends, refused, todo_topic, todos_builder};

#[tokio::test]
async fn a_draft_follows_its_user_until_saved_or_discarded() {
    for at in backends().await {
        let store = at.open().await;
        let todos = todos_builder(store.clone(), Duration::from_secs(5)).drafts(DRAFT_TTL);
        let todos = todos.build().expect("builds");
        let server = TestServer::with(move |b| b.channel("todo:*", todos)).await;
        let topic = todo_topic("drafts");
        let todo = store
            .insert(&topic, None, json!({"title": "Milk", "done": false}))
            .await
            .expect("seed");
        let mut laptop = Client::joined(&server, "ana", &topic, json!({})).await;

        let typed = json!({"id": todo.id, "data": {"title": "Oat milk"}});
        let saved = laptop.push(&topic, "draft:save", typed).await;
        assert_eq!(saved["status"], "ok", "{}: {saved}", at.name());
        let too_soon = laptop
            .push(
                &topic,
                "draft:save",
                json!({"id": todo.id, "data": {"title": "Oat milk!"}}),
            )
            .await;
        refused(&too_soon, Code::RateLimited);
        let wait = too_soon["response"]["retry_after_ms"].as_u64();
        assert!(
            wait.is_some_and(|ms| ms > 0 && u128::from(ms) <= DRAFT_EVERY.as_millis()),
            "{too_soon}"
        );

        // Another device of Ana's restores it; Bo has no drafts.
        let mut phone = Client::connect(&server, "ana").await;
        let joined = phone.join(&topic, json!({})).await;
        let drafts = &joined["response"]["drafts"];
        assert_eq!(drafts.as_array().map(Vec::len), Some(1), "{joined}");
        assert_eq!(
            (
                drafts[0]["id"].as_str(),
                drafts[0]["data"]["title"].as_str()
            ),
            (Some(todo.id.as_str()), Some("Oat milk"))
        );
        assert_eq!(drafts[0]["saved_at"], saved["response"]["saved_at"]);
        let mut bo = Client::connect(&server, "bo").await;
        assert_eq!(
            bo.join(&topic, json!({})).await["response"].get("drafts"),
            None
        );

        // Saving the record removes the saver's draft.
        let rename = rtux_tests::op(
            &topic,
            "laptop",
            "1",
            json!({"id": todo.id, "version": 1, "data": {"title": "Oat milk"}}),
        );
        assert_eq!(laptop.push(&topic, "rename", rename).await["status"], "ok");
        let mut tablet = Client::connect(&server, "ana").await;
        assert_eq!(
            tablet.join(&topic, json!({})).await["response"].get("drafts"),
            None,
            "saved: no draft"
        );

        // Discarding removes it too.
        let typed = json!({"id": todo.id, "data": {"title": "Soy milk"}});
        assert_eq!(
            phone.push(&topic, "draft:save", typed).await["status"],
            "ok"
        );
        let discarded = phone
            .push(&topic, "draft:discard", json!({"id": todo.id}))
            .await;
        assert_eq!(discarded["response"]["discarded"], true, "{discarded}");
        let mut again = Client::connect(&server, "ana").await;
        assert_eq!(
            again.join(&topic, json!({})).await["response"].get("drafts"),
            None,
            "discarded: no draft"
        );

        // Bad drafts: refused, saying what to send.
        for (bad, code) in [
            (
                json!({"id": "nope", "data": {"title": "x"}}),
                Code::NotFound,
            ),
            (json!({"id": todo.id, "data": "text"}), Code::Invalid),
            (json!({"data": {}}), Code::Invalid),
            (
                json!({"id": todo.id, "data": {"title": "x".repeat(20_000)}}),
                Code::Invalid,
            ),
        ] {
            refused(&bo.push(&topic, "draft:save", bad).await, code);
        }
    }
}

#[tokio::test]
async fn expired_drafts_are_not_restored_and_are_swept() {
    let store = backends().await.remove(0).open().await;
    let todos =
        todos_builder(store.clone(), Duration::from_secs(5)).drafts(Duration::from_millis(50));
    let todos = todos.build().expect("builds");
    let server = TestServer::with(move |b| b.channel("todo:*", todos)).await;
    let topic = todo_topic("expired");
    let todo = store
        .insert(&topic, None, json!({"title": "Milk"}))
        .await
        .expect("seed");
    let mut laptop = Client::joined(&server, "ana", &topic, json!({})).await;
    let typed = json!({"id": todo.id, "data": {"title": "Oat milk"}});
    assert_eq!(
        laptop.push(&topic, "draft:save", typed).await["status"],
        "ok"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut phone = Client::connect(&server, "ana").await;
    assert_eq!(
        phone.join(&topic, json!({})).await["response"].get("drafts"),
        None
    );
    assert!(
        store.sweep().await.expect("sweep").spent >= 1,
        "the expired draft is swept"
    );
}

#[tokio::test]
async fn a_resource_without_drafts_says_so() {
    let store = backends().await.remove(0).open().await;
    let server = rtux_tests::todo_server(store.clone(), Duration::from_secs(5)).await;
    let topic = todo_topic("nodrafts");
    let todo = store
        .insert(&topic, None, json!({"title": "Milk"}))
        .await
        .expect("seed");
    let mut c = Client::joined(&server, "ana", &topic, json!({})).await;
    refused(
        &c.push(&topic, "draft:save", json!({"id": todo.id, "data": {}}))
            .await,
        Code::Invalid,
    );
}
