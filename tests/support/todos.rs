use std::time::Duration;

use rtux::action::{Reject, Resource, ResourceBuilder};

use crate::{TestServer, unique};
use rtux::store::Store;
use serde_json::{Value, json};

/// The demo todo resource the action tests drive, one kind of action each:
/// `add` (insert), `toggle` and `bump` (server-corrects), `rename` (pending),
/// `archive` (confirm-first, needs `{"confirm": true}`), `delete` (undoable).
pub fn todos(store: Store, undo_window: Duration) -> Resource {
    todos_with_template(
        store,
        undo_window,
        r#"<li id="{{ dom_id }}" class="{{ "done" if record.data.done else "open" }}">{{ record.data.title }}</li>"#,
    )
}

/// [`todos`] with another item template.
pub fn todos_with_template(store: Store, undo_window: Duration, template: &str) -> Resource {
    todos_builder(store, undo_window)
        .item_template(template)
        .build()
        .expect("the todo resource builds")
}

/// The builder of [`todos`], to change its settings.
pub fn todos_builder(store: Store, undo_window: Duration) -> ResourceBuilder {
    Resource::builder(store)
        .label("title")
        .insert("add", |params: &Value| {
            Ok(json!({ "title": title(params)?, "done": false, "count": 0 }))
        })
        .server_corrects("toggle", |todo: &Value, _: &Value| {
            let mut todo = todo.clone();
            todo["done"] = json!(!todo["done"].as_bool().unwrap_or(false));
            Ok(todo)
        })
        .server_corrects("bump", |todo: &Value, params: &Value| {
            let by = params["by"]
                .as_i64()
                .ok_or_else(|| Reject::new("bump needs an integer `by`"))?;
            let mut todo = todo.clone();
            todo["count"] = json!(todo["count"].as_i64().unwrap_or(0) + by);
            Ok(todo)
        })
        .pending("rename", |todo: &Value, params: &Value| {
            let mut todo = todo.clone();
            todo["title"] = json!(title(params)?);
            Ok(todo)
        })
        .confirm_first("archive", |todo: &Value, params: &Value| {
            if params["confirm"] != json!(true) {
                return Err(Reject::new(
                    "archiving cannot be undone: send {\"confirm\": true}",
                ));
            }
            let mut todo = todo.clone();
            todo["archived"] = json!(true);
            Ok(todo)
        })
        .undoable_delete("delete")
        .undo_window(undo_window)
}

fn title(params: &Value) -> Result<String, Reject> {
    match params["title"].as_str().map(str::trim) {
        Some(t) if !t.is_empty() && t.chars().count() <= 200 => Ok(t.to_owned()),
        _ => Err(Reject::new("a todo needs a title of 1 to 200 characters")),
    }
}

/// A test server with [`todos`] on `todo:*`.
pub async fn todo_server(store: Store, undo_window: Duration) -> TestServer {
    TestServer::with(move |b| b.channel("todo:*", todos(store, undo_window))).await
}

/// A fresh todo topic, `todo:<prefix>-…`.
pub fn todo_topic(prefix: &str) -> String {
    format!("todo:{}", unique(prefix))
}
