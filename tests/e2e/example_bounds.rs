//! The kanban and docs examples over raw sockets, as a hostile guest would use
//! them: ranks, columns, titles and tags their pages would never send are
//! refused as invalid, with a reason, and nothing is written.

use rtux::wire::Code;
use rtux_tests::{Client, fresh_store, page_socket, refused, serve_app};
use serde_json::{Value, json};

/// Sends `action` with `params`, asserts it is refused as invalid (the app's
/// checks or the record's types), and returns the refusal.
async fn invalid(client: &mut Client, topic: &str, action: &str, params: Value) -> Value {
    let reply = client.act(topic, action, params.clone()).await;
    assert_eq!(reply["status"], "error", "{action} {params}: {reply}");
    refused(&reply, Code::Invalid);
    reply
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
    let long_rank = "i".repeat(kanban::MAX_RANK + 1);
    for rank in ["", "I", "i0", "i-", "i\u{0}", long_rank.as_str()] {
        let to = json!({"id": card, "data": {"list": "doing", "rank": rank}});
        invalid(&mut ana, kanban::BOARD, "move_card", to).await;
    }
    let nowhere = json!({"id": card, "data": {"list": "later", "rank": "i"}});
    invalid(&mut ana, kanban::BOARD, "move_card", nowhere).await;
    let unknown = json!({"id": "no-such-card", "data": {"list": "doing", "rank": "i"}});
    let reply = ana.act(kanban::BOARD, "move_card", unknown).await;
    assert_eq!(reply["status"], "error", "{reply}");
    let long_title = "x".repeat(kanban::MAX_TITLE + 1);
    for data in [
        json!({"title": long_title, "column": "todo", "rank": "z"}),
        json!({"title": "  ", "column": "todo", "rank": "z"}),
        json!({"title": "Ok", "column": "<b>", "rank": "z"}),
        json!({"title": "Ok", "column": "todo", "rank": "Z"}),
    ] {
        let add = json!({"temp_id": "tmp-1", "data": data});
        invalid(&mut ana, kanban::BOARD, "add", add).await;
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
    for data in [
        json!({"title": "Handbook", "tags": many}),
        json!({"title": "Handbook", "tags": [long_tag]}),
        json!({"title": "Handbook", "tags": [" "]}),
        json!({"title": "", "tags": []}),
    ] {
        let save = json!({"id": id, "version": version, "data": data});
        invalid(&mut ana, docs::HEADING, "save", save).await;
    }
    // Tags that are not a list: refused beside the field.
    let save =
        json!({"id": id, "version": version, "data": {"title": "Handbook", "tags": "guide"}});
    let wrong = invalid(&mut ana, docs::HEADING, "save", save).await;
    assert_eq!(wrong["response"]["field"], "tags", "{wrong}");
    let section = &sections[0];
    let body = "b".repeat(docs::MAX_BODY + 1);
    let save = json!({"id": section["id"], "version": section["version"],
        "data": {"heading": section["data"]["heading"], "body": body}});
    invalid(&mut ana, docs::SECTIONS, "save", save).await;
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
