//! The dashboard end to end: its page holds no figure, its channel admits
//! admin tokens only, and the board it sends once a second follows a real
//! server's sockets, presence, actions (by outcome), closes and errors.

use std::time::Duration;

use rtux::dashboard::{Dashboard, PATH, RENDER_EVENT, TOPIC};
use rtux::wire::Code;
use serde_json::{Value, json};

use rtux_tests::{Client, TestServer, backends, http_get, op, refused, todo_topic, todos};

/// The board's HTML in a join reply or a render event.
fn board(payload: &Value) -> String {
    let parts = payload["parts"].as_array().expect("parts");
    assert_eq!(parts.len(), 1, "{payload}");
    assert_eq!(parts[0]["id"], "rtux-dashboard");
    parts[0]["html"].as_str().expect("html").to_owned()
}

/// How many actions of `outcome` the board's legend counts.
fn outcome(html: &str, outcome: &str) -> u64 {
    let label = format!("</i>{outcome} ");
    html.split(&label)
        .nth(1)
        .and_then(|rest| rest.split('<').next()?.parse().ok())
        .unwrap_or(0)
}

/// The number on the tile labelled `label`.
fn figure(html: &str, label: &str) -> i64 {
    let end = format!("</b><span>{label}</span>");
    html.split(&end)
        .next()
        .and_then(|before| before.rsplit("<b>").next()?.parse().ok())
        .unwrap_or(-1)
}

/// Waits for a board (sent every second) that satisfies `wanted`.
async fn board_until(admin: &mut Client, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let event = tokio::time::timeout(left, admin.event(TOPIC, RENDER_EVENT))
            .await
            .unwrap_or_else(|_| panic!("no board showed {what} within 10 s"));
        let html = board(&event);
        if wanted(&html) {
            return html;
        }
    }
}

#[tokio::test]
async fn the_dashboard_shows_a_live_server_to_admins_only() {
    let store = backends().await.remove(0).open().await;
    let todos = todos(store, Duration::from_secs(5));
    let server =
        TestServer::with(move |b| b.channel("todo:*", todos).dashboard(Dashboard::admins())).await;

    // The page: no figure in it, never cached or framed.
    let page = http_get(server.addr, PATH).await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    for header in ["cache-control: no-store", "x-frame-options: DENY"] {
        assert!(
            page.to_lowercase().contains(&header.to_lowercase()),
            "{header}: {page}"
        );
    }
    assert!(
        page.contains(r#"data-rtux-live="rtux:dashboard""#),
        "{page}"
    );
    assert!(
        !page.contains("sockets</span>"),
        "figures come over the socket only"
    );

    // A visitor's token is refused, with what to do.
    let mut visitor = Client::connect(&server, "visitor").await;
    refused(&visitor.join(TOPIC, json!({})).await, Code::Unauthorized);

    // An admin joins: the board comes with the reply, the admin is present.
    let token =
        server
            .endpoint
            .tokens()
            .issue_admin("ops", Some("Ops <script>"), Duration::from_secs(600));
    let mut admin = Client::connect_token(&server, &token).await;
    let joined = admin.join(TOPIC, json!({})).await;
    assert_eq!(joined["status"], "ok", "{joined}");
    let first = board(&joined["response"]);
    assert!(
        first.contains(">this server (no cluster)<"),
        "this node is listed:\n{first}"
    );
    let viewers = admin.presence_until(TOPIC, |p| p.contains_key("ops")).await;
    assert_eq!(viewers["ops"][0]["name"], "Ops <script>");
    assert!(!first.contains("<script>"), "everything shown is escaped");
    assert!(
        admin.push(TOPIC, "anything", json!({})).await["status"] == "error",
        "read-only"
    );

    // Ana joins a todo list (present there), adds one todo and has one
    // refused; the board shows her socket, her topic, both outcomes.
    let topic = todo_topic("dash");
    let mut ana = Client::joined(&server, "ana", &topic, json!({})).await;
    let add = |n: &str, title: &str| {
        op(
            &topic,
            "ana",
            n,
            json!({"temp_id": n, "data": {"title": title}}),
        )
    };
    assert_eq!(
        ana.push(&topic, "add", add("1", "Milk")).await["status"],
        "ok"
    );
    assert_eq!(
        ana.push(&topic, "add", add("2", " ")).await["status"],
        "error"
    );
    // (The figures are the process's: other tests of this binary may add to them.)
    let html = board_until(&mut admin, "both outcomes and ana's topic", |h| {
        outcome(h, "applied") >= 1 && outcome(h, "refused") >= 1 && h.contains(&topic)
    })
    .await;
    assert!(
        figure(&html, "sockets") >= 2,
        "the admin's and ana's sockets:\n{html}"
    );
    assert!(
        html.contains("<svg") && html.contains("<polyline"),
        "sparklines:\n{html}"
    );
    assert!(
        html.contains("<rect class=\"dash-o--applied\""),
        "the outcome bars:\n{html}"
    );

    // The visitor leaves: the close is listed with its reason, and the
    // refused join as an error.
    visitor.close().await;
    let html = board_until(&mut admin, "the close", |h| h.contains("the client left")).await;
    assert!(
        html.contains("join refused: the dashboard needs an admin token"),
        "{html}"
    );
    ana.close().await;
}
