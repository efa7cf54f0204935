//! The kanban and docs examples over raw sockets, as a hostile guest would use
//! them: ranks, columns, titles and tags their pages would never send are
//! refused with a reason, and nothing is written.

use rtux_tests::{Client, fresh_store, page_socket, serve_app};
use serde_json::{Value, json};

/// Sends `action` with `params` and asserts it is refused with a reason
/// starting with `reason`.
async fn refused(client: &mut Client, topic: &str, action: &str, params: Value, reason: &str) {
    let reply = client.act(topic, action, params.clone()).await;
    assert_eq!(reply["status"], "error", "{action} {params}: {reply}");
    let said = reply["response"]["reason"].as_str().unwrap_or_default();
    assert!(
        said.starts_with(reason),
        "{action} {params}: {said:?}, not {reason:?}"
    );
}

/// The records of a topic as a fresh join lists them.
async fn listed(client: &mut Client, topic: &str) -> Value {
    client.leave(topic).await;
    client.join_ok(topic).await["response"]["records"].clone()
}

#[tokio::test]
async fn kanban_refuses_cards_its_board_would_never_send() {
    let (store, file) = fresh_store("kanban-bounds").await;
    kanban::seed(&store).await.expect("seed");
    let (addr, server) = serve_app(kanban::app(rtux_tests::SECRET, store).expect("app")).await;
    let mut ana = page_socket(addr, "/?name=Ana").await;
    let before = ana.join_ok(kanban::BOARD).await["response"]["records"].clone();
    let card = before[0]["id"].as_str().expect("a card").to_owned();
    let place = "that place in the column is not valid";
    let long_rank = "i".repeat(kanban::MAX_RANK + 1);
    for rank in ["", "I", "i0", "i-", "i\u{0}", long_rank.as_str()] {
        let to = json!({"id": card, "data": {"list": "doing", "rank": rank}});
        refused(&mut ana, kanban::BOARD, "move_card", to, place).await;
    }
    let nowhere = json!({"id": card, "data": {"list": "later", "rank": "i"}});
    refused(
        &mut ana,
        kanban::BOARD,
        "move_card",
        nowhere,
        "a card goes in To do",
    )
    .await;
    let unknown = json!({"id": "no-such-card", "data": {"list": "doing", "rank": "i"}});
    let reply = ana.act(kanban::BOARD, "move_card", unknown).await;
    assert_eq!(reply["status"], "error", "{reply}");
    let long_title = "x".repeat(kanban::MAX_TITLE + 1);
    for (data, reason) in [
        (
            json!({"title": long_title, "column": "todo", "rank": "z"}),
            "a title has at most",
        ),
        (
            json!({"title": "  ", "column": "todo", "rank": "z"}),
            "a card needs a title",
        ),
        (
            json!({"title": "Ok", "column": "<b>", "rank": "z"}),
            "a card goes in To do",
        ),
        (json!({"title": "Ok", "column": "todo", "rank": "Z"}), place),
    ] {
        let add = json!({"temp_id": "tmp-1", "data": data});
        refused(&mut ana, kanban::BOARD, "add", add, reason).await;
    }
    assert_eq!(
        listed(&mut ana, kanban::BOARD).await,
        before,
        "nothing written"
    );
    server.abort();
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn docs_refuses_tags_and_texts_its_page_would_never_send() {
    let (store, file) = fresh_store("docs-bounds").await;
    docs::seed(&store).await.expect("seed");
    let (addr, server) = serve_app(docs::app(rtux_tests::SECRET, store).expect("app")).await;
    let mut ana = page_socket(addr, "/?name=Ana").await;
    let heading = ana.join_ok(docs::HEADING).await["response"]["records"][0].clone();
    let sections = ana.join_ok(docs::SECTIONS).await["response"]["records"].clone();
    let (id, version) = (heading["id"].clone(), heading["version"].clone());
    let many: Vec<String> = (0..=docs::MAX_TAGS).map(|i| format!("tag{i}")).collect();
    let long_tag = "t".repeat(docs::MAX_TAG + 1);
    for (data, reason) in [
        (
            json!({"title": "Handbook", "tags": many}),
            "a document has at most 12 tags",
        ),
        (
            json!({"title": "Handbook", "tags": [long_tag]}),
            "a tag is 1 to 24 characters",
        ),
        (
            json!({"title": "Handbook", "tags": [" "]}),
            "a tag is 1 to 24 characters",
        ),
        (json!({"title": "", "tags": []}), "a document needs a title"),
        (
            json!({"title": "Handbook", "tags": "guide"}),
            "Enter a list.",
        ),
    ] {
        let save = json!({"id": id, "version": version, "data": data});
        refused(&mut ana, docs::HEADING, "save", save, reason).await;
    }
    let section = &sections[0];
    let body = "b".repeat(docs::MAX_BODY + 1);
    let save = json!({"id": section["id"], "version": section["version"],
        "data": {"heading": section["data"]["heading"], "body": body}});
    refused(
        &mut ana,
        docs::SECTIONS,
        "save",
        save,
        "a section has at most",
    )
    .await;
    assert_eq!(
        listed(&mut ana, docs::HEADING).await[0],
        heading,
        "nothing written"
    );
    assert_eq!(
        listed(&mut ana, docs::SECTIONS).await,
        sections,
        "nothing written"
    );
    server.abort();
    let _ = std::fs::remove_file(&file);
}
