//! The app, tested as its users use it: pages through the router (no socket
//! needed), the board's notes and presence through rtux's test client on a
//! loopback port (`rtux::testing`, docs: rtux's docs/testing.md).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use rtux::testing::{TestClient, TestServer, stale_save};
use serde_json::json;
use tower::ServiceExt;

use << crate_name >>::views::BOARD_TOPIC;

/// The app on a fresh store of its own (`name` keeps tests apart).
async fn app(name: &str) -> (axum::Router, rtux::Endpoint) {
    let config = common::config(name).await;
    << crate_name >>::build(&config).await.expect("the app starts")
}

/// `GET path` through the router: the status and the body.
async fn get(app: &axum::Router, path: &str) -> (StatusCode, String) {
    let request = Request::get(path).body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn serves_the_board_the_notes_and_the_client() {
    let (app, _) = app("pages").await;
    let (status, page) = get(&app, "/?name=Ana").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-rtux-token=") && page.contains("rtux-skeleton-record"), "{page}");
    let (_, list) = get(&app, "/notes/list").await;
    assert!(list.contains("No notes yet"), "{list}");
    let (status, _) = get(&app, "/static/app.css").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn notes_are_added_toggled_merged_and_undone_live() {
    let (app, endpoint) = app("notes").await;
    let server = TestServer::serve_app(endpoint, app).await;
    let mut ana = TestClient::joined(&server, "ana", BOARD_TOPIC, json!({})).await;
    let mut bo = TestClient::joined(&server, "bo", BOARD_TOPIC, json!({})).await;
    let seen = ana.presence_until(BOARD_TOPIC, |p| p.contains_key("bo")).await;
    assert_eq!(seen["bo"][0]["name"], "User bo");

    let add = json!({"temp_id": "t1", "data": {"title": "Milk", "body": "", "done": false}});
    let added = ana.act(BOARD_TOPIC, "add", add).await;
    assert_eq!(added["status"], "ok", "{added}");
    let id = added["response"]["record"]["id"].clone();
    assert_eq!(bo.patch(BOARD_TOPIC).await["record"]["data"]["title"], "Milk");
    assert_eq!(ana.replay().await, added, "a replayed add is answered, not added twice");

    let toggled = bo.act(BOARD_TOPIC, "toggle_done", json!({"id": id})).await;
    assert_eq!(toggled["response"]["record"]["data"]["done"], true, "{toggled}");
    assert_eq!(ana.patch(BOARD_TOPIC).await["record"]["data"]["done"], true);

    // Both edit the same version's title: the second save gets the conflict.
    let record = &toggled["response"]["record"];
    let (mine, theirs) = (json!({"title": "Oat milk"}), json!({"title": "Soy milk"}));
    let refused = stale_save(&mut ana, &mut bo, BOARD_TOPIC, "save", record, mine, theirs).await;
    // Branch on the code, never on the wording (which may change).
    assert_eq!(refused["response"]["code"], "conflict", "{refused}");
    assert_eq!(refused["response"]["record"]["data"]["title"], "Oat milk");
    assert_eq!(refused["response"]["conflict"]["yours"]["title"], "Soy milk", "nothing typed is lost");

    let deleted = ana.act(BOARD_TOPIC, "delete", json!({"id": id})).await;
    assert_eq!(deleted["status"], "ok", "{deleted}");
    let removed = |f: &serde_json::Value| f[3] == "rtux:patch" && f[4]["op"] == "remove";
    bo.next_matching(removed).await;
    assert_eq!(ana.undo(BOARD_TOPIC).await["status"], "ok");
    let back = |f: &serde_json::Value| f[3] == "rtux:patch" && f[4]["op"] == "insert";
    bo.next_matching(back).await;
}
