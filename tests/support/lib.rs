//! Test support: a real rtux server on loopback, real WebSocket clients, and the
//! demo channel the tests drive.

mod delayed;
mod docs;
mod example;
mod http;
mod node;
mod notes;
mod page;
mod process;
mod proxy;
mod relay;
mod room;
mod server;
mod stores;
mod todos;

pub use delayed::Delayed;
pub use docs::{docs, docs_with_template};
pub use example::{fresh_store, page_socket, serve_app};
pub use http::http_get;
pub use node::NodeSuite;
pub use notes::{Note, Rename, To, Viewer, note_views};
pub use page::{PAGE_ASYNC_TODOS, PAGE_DOCS, PAGE_EMPTY_TODOS, PAGE_TODOS, PAGE_TOPIC, PageServer};
pub use process::ServerProcess;
pub use proxy::{ChaosProxy, Cuts, ProxyStats};
pub use relay::Relay;
pub use room::Room;
/// The one protocol client of the repo: rtux's own test client.
pub use rtux::testing::{Connect, TestClient as Client, WAIT, refused};
pub use server::{SECRET, TestServer};
pub use stores::{StoreAt, backends, postgres_url, sqlite_path, unique};
pub use todos::{todo_server, todo_topic, todos, todos_builder, todos_with_template};

/// Whether tests that need outside tools (Node) must run rather than skip.
pub fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// An action push `{client, op, …rest}`. The client id is namespaced by the
/// test's topic: the ledger outlives test runs on PostgreSQL, as it should.
pub fn op(topic: &str, client: &str, op: &str, rest: serde_json::Value) -> serde_json::Value {
    let mut payload =
        serde_json::json!({ "client": format!("{topic}/{client}"), "op": op, "at": now_ms() });
    if let (Some(p), serde_json::Value::Object(rest)) = (payload.as_object_mut(), rest) {
        p.extend(rest);
    }
    payload
}

/// Now, in ms since the Unix epoch (an op's `at`).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
