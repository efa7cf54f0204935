use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use rtux::Endpoint;
use serde_json::Value;

use crate::{Delayed, Room, SECRET, docs_with_template, todos_with_template};

/// The topic of the test page.
pub const PAGE_TOPIC: &str = "room:browser";
/// Above this many metas the page's presence topic is summarised (rtux's
/// default is 64; the browser test fills the room past 8).
pub const PAGE_SUMMARY_ABOVE: usize = 8;
/// The todo list of the test page.
pub const PAGE_TODOS: &str = "todo:browser";
/// A todo list of the test page that starts empty (its empty state shows).
pub const PAGE_EMPTY_TODOS: &str = "todo:browser-empty";
/// The documents of the test page (editable: conflicts and a lock).
pub const PAGE_DOCS: &str = "doc:browser";
/// A todo list of the test page loaded after the page (`?async=1`).
pub const PAGE_ASYNC_TODOS: &str = "todo:browser-async";
/// A list longer than a page (`?long=1`): the page shows the first.
pub const PAGE_LONG_TODOS: &str = "todo:browser-long";

const ITEM: &str = r##"<li id="{{ dom_id }}" class="todo {{ "done" if record.data.done else "open" }}"><span class="title">{{ record.data.title }}</span> <span class="done-mark">done</span> <span class="count">{{ record.data.count }}</span> <button class="toggle" data-rtux-action="toggle" data-rtux-id="{{ record.id }}" data-rtux-optimistic='[["toggle_class","done"],["toggle_class","open"]]'>Toggle</button> <button class="bump" data-rtux-action="bump" data-rtux-id="{{ record.id }}" data-rtux-params='{"by":1}' data-rtux-optimistic='[["add",1,"#{{ dom_id }} .count"]]'>+1</button> <button class="delete" data-rtux-action="delete" data-rtux-id="{{ record.id }}" data-rtux-optimistic='[["hide"]]'>Delete</button> <button class="archive" data-rtux-action="archive" data-rtux-id="{{ record.id }}" data-rtux-version="{{ record.version }}" data-rtux-params='{"confirm":true}'>Archive</button> <input class="note" id="note-{{ record.id }}" name="note" autocomplete="off"></li>"##;

/// A document: an editable form (conflicts), locked while in use for "lock-me".
const DOC: &str = r#"<article id="{{ dom_id }}" class="doc"><form class="doc-form" data-rtux-action="save" data-rtux-id="{{ record.id }}" data-rtux-version="{{ record.version }}"{% if record.data.title == "lock-me" %} data-rtux-lock="body"{% endif %}><input name="title" value="{{ record.data.title }}" autocomplete="off"><textarea name="body">{{ record.data.body }}</textarea><button class="save">Save</button></form></article>"#;

/// The app's own CSS, as an app would write it: every element rtux shows and
/// hides gets a `display` of its own, later than rtux.css and as specific, so
/// a test that passes here passes whatever display a page gives its elements.
const APP_CSS: &str = "
[data-rtux-app] .todo,[data-rtux-app] .doc-form{display:flex;gap:.5rem;align-items:center}
[data-rtux-app] .rtux-banner,[data-rtux-app] .rtux-new-version,[data-rtux-app] .empty{display:block}
[data-rtux-app] .rtux-toast,[data-rtux-app] .tip{display:flex}
[data-rtux-app] [data-rtux-skeleton],[data-rtux-app] [data-rtux-content],[data-rtux-app] [data-rtux-failed]{display:block}
[data-rtux-app] .rtux-progress,[data-rtux-app] .rtux-conflict{display:grid}
[data-rtux-app] .rtux-lock{display:inline-flex}
.done-mark,.details__body,.flash-mark,.ghost-done{display:none}
.todo.done .done-mark,.details.open .details__body,.details.flash .flash-mark,#ghost.done .ghost-done{display:inline-block}
";

/// A page that uses rtux.js and the runtime's components, for browser tests:
/// `GET /?user=<id>` signs in as that user; `GET /test/outage?ms=N&users=a,b`
/// drops those users' sockets and refuses reconnects for N ms.
pub struct PageServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its endpoint.
    pub endpoint: Endpoint,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct PageState {
    /// Keys of `/test/flaky` already asked for once (which failed).
    flaky: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    endpoint: Endpoint,
    todos: Arc<rtux::action::Resource>,
    docs: Arc<rtux::action::Resource>,
    refuse_until_ms: Arc<AtomicU64>,
}

/// The items of `topic`, rendered by the resource's item template.
async fn list_html(resource: &rtux::action::Resource, topic: &str) -> String {
    let records = resource.store().list(topic).await.unwrap_or_default();
    records
        .iter()
        .filter_map(|r| resource.item_html(topic, r))
        .collect()
}

fn now_ms() -> u64 {
    u64::try_from(crate::now_ms()).unwrap_or(0)
}

async fn page(
    State(state): State<PageState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let user = q.get("user").cloned().unwrap_or_else(|| "guest".into());
    // `?ttl=N`: a token that expires in N s (the page renews it from /test/token).
    let ttl = q.get("ttl").and_then(|v| v.parse().ok()).unwrap_or(3600);
    let token = state.endpoint.tokens().issue(
        &user,
        Some(&format!("User {user}")),
        Duration::from_secs(ttl),
    );
    let list = state.endpoint.presence().list(PAGE_TOPIC);
    let records = state
        .todos
        .store()
        .list(PAGE_TODOS)
        .await
        .unwrap_or_default();
    let items: String = records
        .iter()
        .filter_map(|r| state.todos.item_html(PAGE_TODOS, r))
        .collect();
    let cmd = records
        .iter()
        .find(|r| r.data["title"] == "cmd-me")
        .map_or("missing", |r| r.id.as_str());
    let empties: String = list_html(&state.todos, PAGE_EMPTY_TODOS).await;
    let long = if q.contains_key("long") {
        let first = state
            .todos
            .store()
            .page(PAGE_LONG_TODOS, None, rtux::action::PAGE_RECORDS)
            .await
            .unwrap_or_default();
        let items: String = first
            .iter()
            .filter_map(|r| state.todos.item_html(PAGE_LONG_TODOS, r))
            .collect();
        format!(
            r#"<section id="long" data-rtux-resource="{PAGE_LONG_TODOS}"><ul data-rtux-list>{items}</ul></section>"#
        )
    } else {
        String::new()
    };
    let docs: String = list_html(&state.docs, PAGE_DOCS).await;
    let html = format!(
        r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rtux browser test</title>{assets}<style>{APP_CSS}</style><link rel="icon" href="data:,"></head>
<body><main data-rtux-app data-rtux-token="{token}" data-rtux-token-url="/test/token?user={user}" data-rtux-idle-ms="{idle}" style="position:relative;min-height:400px;padding:1rem">
{banner}
{presence}
<label>Title <input id="title" data-rtux-field="title" autocomplete="off"></label>
<button id="save" data-requires-connection>Save</button>
<section data-rtux-resource="{todos_topic}"><ul data-rtux-list>{items}</ul>
<template data-rtux-temp><li class="todo temp"><span class="title" data-rtux-text="title"></span></li></template>
<form id="add" data-rtux-action="add" data-rtux-insert data-rtux-form="new-todo"><input name="title" autocomplete="off"><button data-rtux-disable-with="Adding…">Add</button></form>
<form id="prefs" data-rtux-form="prefs"><input name="nick" autocomplete="off"> <label><input type="checkbox" name="urgent"> urgent</label> <label><input type="checkbox" name="quiet" checked> quiet</label></form>
{progress}
<div id="ghost" class="open"><button class="toggle" data-rtux-action="toggle" data-rtux-id="missing" data-rtux-optimistic='[["toggle_class","done"]]'>Ghost</button> <span class="ghost-done">ghost done</span> <button id="ghost-hide" data-rtux-action="toggle" data-rtux-id="missing" data-rtux-optimistic='[["hide","#ghost"]]'>Ghost hide</button> <span id="ghost-count">7</span> <button id="ghost-bump" data-rtux-action="bump" data-rtux-id="missing" data-rtux-params='{{"by":1}}' data-rtux-optimistic='[["add",1,"#ghost-count"]]'>Ghost +1</button></div>
<div id="cmds">
<p id="tip" class="tip" hidden>Shown by a command</p>
<p id="ad" class="tip">Hidden by a command</p>
<div id="details" class="details"><span class="details__body">Details</span> <span class="flash-mark">Flash!</span></div>
<button id="cmd-show" data-rtux-action="toggle" data-rtux-id="{cmd}" data-rtux-optimistic='[["show","#tip"]]'>show</button>
<button id="cmd-hide" data-rtux-action="toggle" data-rtux-id="{cmd}" data-rtux-optimistic='[["hide","#ad"]]'>hide</button>
<button id="cmd-add" data-rtux-action="toggle" data-rtux-id="{cmd}" data-rtux-optimistic='[["add_class","open","#details"]]'>add class</button>
<button id="cmd-remove" data-rtux-action="toggle" data-rtux-id="{cmd}" data-rtux-optimistic='[["remove_class","open","#details"]]'>remove class</button>
<button id="cmd-toggle" data-rtux-action="toggle" data-rtux-id="{cmd}" data-rtux-optimistic='[["toggle_class","open","#details"]]'>toggle class</button>
<button id="cmd-transition" data-rtux-action="toggle" data-rtux-id="{cmd}" data-rtux-optimistic='[["transition","flash","#details",1000]]'>transition</button>
<a id="link" href="/">a link</a>
<button id="cmd-attr" data-rtux-action="toggle" data-rtux-id="{cmd}" data-rtux-optimistic='[["set_attr","onclick","alert(1)","#tip"],["set_attr","ONMOUSEOVER","alert(2)","#tip"],["set_attr","href"," JavaScript:alert(3)","#link"],["set_attr","href","java\tscript:alert(4)","#link"],["set_attr","href","\u0001javascript:alert(5)","#link"],["set_attr","title","safe","#tip"]]'>set attributes</button>
</div></section>
<section id="empties" data-rtux-resource="{empty_topic}"><ul data-rtux-list>{empties}<li class="empty" data-rtux-empty>Nothing here yet.</li></ul>
<template data-rtux-temp><li class="todo temp"><span class="title" data-rtux-text="title"></span></li></template>
<form id="add-empty" data-rtux-action="add" data-rtux-insert><input name="title" autocomplete="off"><button>Add</button></form></section>
<section id="docs" data-rtux-resource="{docs_topic}"><div data-rtux-list>{docs}</div></section>
{async_todos}
{long}
<div id="fast">{fast}</div><div id="slow">{slow}</div><div id="flaky">{flaky}</div>
<section data-rtux-resource="room:forms"><form id="prefs" data-rtux-change="shout"><input name="theme" autocomplete="off"><p data-rtux-feedback></p></form></section>
<div style="height:2000px"></div>
</main></body></html>"##,
        todos_topic = PAGE_TODOS,
        empty_topic = PAGE_EMPTY_TODOS,
        docs_topic = PAGE_DOCS,
        // Only when asked for: a list the page loads 2 s late.
        async_todos = q.get("async").map_or_else(String::new, |_| format!(
            r#"<section id="async-todos" data-rtux-resource="{PAGE_ASYNC_TODOS}">{}</section>"#,
            rtux::ui::async_result("/test/async-todos?ms=2000", rtux::ui::Skeleton::Lines(2))
        )),
        fast = rtux::ui::async_result("/test/slow?ms=50", rtux::ui::Skeleton::Lines(2)),
        slow = rtux::ui::async_result("/test/slow?ms=400", rtux::ui::Skeleton::Lines(2)),
        // Only when asked for: its first load fails (on purpose, a 500).
        flaky = q
            .get("flaky")
            .map_or_else(String::new, |key| rtux::ui::async_result(
                &format!("/test/flaky?key={key}"),
                rtux::ui::Skeleton::Block
            )
            .into_string()),
        assets = rtux::ui::assets_tags(),
        idle = q
            .get("idle")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(60_000),
        progress = rtux::ui::progress("job", "Importing…"),
        banner = rtux::ui::connection_banner(),
        presence = rtux::ui::presence(PAGE_TOPIC, &list),
    );
    Html(html).into_response()
}

/// A fresh token for `?user=`, as an app's token endpoint would give it.
async fn token(
    State(state): State<PageState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let user = q.get("user").cloned().unwrap_or_else(|| "guest".into());
    let token = state.endpoint.tokens().issue(
        &user,
        Some(&format!("User {user}")),
        Duration::from_secs(3600),
    );
    axum::Json(serde_json::json!({ "token": token })).into_response()
}

async fn outage(
    State(state): State<PageState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let ms: u64 = q.get("ms").and_then(|v| v.parse().ok()).unwrap_or(0);
    state.refuse_until_ms.store(now_ms() + ms, Ordering::SeqCst);
    let users = q.get("users").map(String::as_str).unwrap_or_default();
    let dropped: usize = users
        .split(',')
        .filter(|u| !u.is_empty())
        .map(|u| state.endpoint.disconnect(u))
        .sum();
    axum::Json(Value::from(dropped)).into_response()
}

async fn record(
    State(state): State<PageState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let title = q.get("title").cloned().unwrap_or_default();
    let topic = q.get("topic").map_or(PAGE_TODOS, String::as_str);
    let records = state.todos.store().list(topic).await.unwrap_or_default();
    let found = records
        .into_iter()
        .find(|r| r.data["title"] == title.as_str());
    axum::Json(found.map(|r| serde_json::json!({"id": r.id, "version": r.version, "data": r.data})))
        .into_response()
}

async fn progress(
    State(state): State<PageState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let n = |k: &str| q.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let payload = serde_json::json!({"id": "job", "done": n("done"), "total": n("total"), "label": format!("Imported {} of {}", n("done"), n("total"))});
    state
        .endpoint
        .broadcast(PAGE_TODOS, "rtux:progress", payload);
    axum::Json(Value::Null).into_response()
}

/// Fails the first time a key is asked for, then answers.
async fn flaky(
    State(state): State<PageState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let key = q.get("key").cloned().unwrap_or_default();
    let first = state
        .flaky
        .lock()
        .map(|mut seen| seen.insert(key))
        .unwrap_or(false);
    if first {
        return (StatusCode::INTERNAL_SERVER_ERROR, "flaky").into_response();
    }
    Html("<p class=\"loaded\">loaded on retry</p>").into_response()
}

/// The async list's records, read now and answered `ms` later (so what
/// changes meanwhile is not in it).
async fn async_todos(
    State(state): State<PageState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let items = list_html(&state.todos, PAGE_ASYNC_TODOS).await;
    pause(&q).await;
    Html(format!("<ul data-rtux-list>{items}</ul>")).into_response()
}

async fn slow(Query(q): Query<std::collections::HashMap<String, String>>) -> Response {
    let ms = pause(&q).await;
    Html(format!("<p class=\"loaded\">loaded after {ms} ms</p>")).into_response()
}

/// Waits `?ms=` (at most 5 s); how long.
async fn pause(q: &std::collections::HashMap<String, String>) -> u64 {
    let ms: u64 = q
        .get("ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(5_000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ms
}

async fn refuse_during_outage(
    State(state): State<PageState>,
    request: Request,
    next: Next,
) -> Response {
    let out = state.refuse_until_ms.load(Ordering::SeqCst) > now_ms();
    if out && request.uri().path() == "/socket/websocket" {
        return (StatusCode::SERVICE_UNAVAILABLE, "simulated outage").into_response();
    }
    next.run(request).await
}

impl PageServer {
    /// Starts the page server on 127.0.0.1.
    pub async fn start() -> PageServer {
        PageServer::on(PageServer::seeded().await, None).await
    }

    /// A fresh store holding what the page shows.
    pub async fn seeded() -> rtux::store::Store {
        let store = rtux::store::Store::sqlite(crate::sqlite_path())
            .await
            .expect("store");
        for title in [
            "toggle-me",
            "bump-me",
            "type-here",
            "cmd-me",
            "inflight-me",
            "recon-bump",
            "recon-gone",
            "archive-me",
            "count-me",
        ] {
            let data = serde_json::json!({"title": title, "done": false, "count": 0});
            store.insert(PAGE_TODOS, None, data).await.expect("seed");
        }
        for n in 0..230 {
            let data =
                serde_json::json!({"title": format!("long {n:03}"), "done": false, "count": 0});
            store
                .insert(PAGE_LONG_TODOS, None, data)
                .await
                .expect("seed");
        }
        for title in ["async-a", "async-b"] {
            let data = serde_json::json!({"title": title, "done": false, "count": 0});
            store
                .insert(PAGE_ASYNC_TODOS, None, data)
                .await
                .expect("seed");
        }
        for title in ["conflict-me", "lock-me", "race-me", "preview-me"] {
            let data = serde_json::json!({"title": title, "body": "", "tags": []});
            store.insert(PAGE_DOCS, None, data).await.expect("seed");
        }
        store
    }

    /// A page server on `store` (see [`PageServer::seeded`]), alone or, with
    /// `pubsub`, one node of a cluster: several on one store and one engine
    /// channel are the nodes of one app.
    pub async fn on(
        store: rtux::store::Store,
        pubsub: Option<Arc<dyn rtux::pubsub::PubSub>>,
    ) -> PageServer {
        let todos = Arc::new(todos_with_template(
            store.clone(),
            Duration::from_secs(5),
            ITEM,
        ));
        let docs = Arc::new(docs_with_template(store, Duration::from_secs(30), DOC));
        let slow_todos = Delayed::replies(todos.clone(), Duration::from_millis(300));
        // A low summary threshold, so a test can fill a room past it.
        let presence = rtux::presence::PresenceConfig {
            summary_above: PAGE_SUMMARY_ABOVE,
            ..rtux::presence::PresenceConfig::default()
        };
        let mut builder = Endpoint::builder(SECRET);
        if let Some(pubsub) = pubsub {
            builder = builder.pubsub(pubsub);
        }
        let endpoint = builder
            .presence(presence)
            .channel("room:*", Room)
            .channel("todo:*", slow_todos)
            .channel("doc:*", docs.clone())
            .build()
            .expect("endpoint");
        let state = PageState {
            flaky: Arc::default(),
            endpoint: endpoint.clone(),
            todos,
            docs,
            refuse_until_ms: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/", get(page))
            .route("/test/outage", get(outage))
            .route("/test/token", get(token))
            .route("/test/record", get(record))
            .route("/test/slow", get(slow))
            .route("/test/progress", get(progress))
            .route("/test/flaky", get(flaky))
            .route("/test/async-todos", get(async_todos))
            .with_state(state.clone())
            .merge(endpoint.router())
            .layer(middleware::from_fn_with_state(state, refuse_during_outage));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        PageServer {
            addr,
            endpoint,
            task,
        }
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
