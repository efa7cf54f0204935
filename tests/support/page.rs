use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use rtux::Endpoint;
use serde_json::Value;

use crate::{Room, SECRET};

/// The topic of the test page.
pub const PAGE_TOPIC: &str = "room:browser";

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
    endpoint: Endpoint,
    refuse_until_ms: Arc<AtomicU64>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(0))
}

async fn page(
    State(state): State<PageState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let user = q.get("user").cloned().unwrap_or_else(|| "guest".into());
    let token = state.endpoint.tokens().issue(
        &user,
        Some(&format!("User {user}")),
        Duration::from_secs(3600),
    );
    let list = state.endpoint.presence().list(PAGE_TOPIC);
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rtux browser test</title>{assets}</head>
<body><main data-rtux-app data-rtux-token="{token}" style="position:relative;min-height:400px;padding:1rem">
{banner}
{presence}
<label>Title <input id="title" data-rtux-field="title" autocomplete="off"></label>
<button id="save" data-requires-connection>Save</button>
</main></body></html>"#,
        assets = rtux::ui::assets_tags(),
        banner = rtux::ui::connection_banner(),
        presence = rtux::ui::presence(PAGE_TOPIC, &list),
    );
    Html(html).into_response()
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
        let endpoint = Endpoint::builder(SECRET)
            .channel("room:*", Room)
            .build()
            .expect("endpoint");
        let state = PageState {
            endpoint: endpoint.clone(),
            refuse_until_ms: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/", get(page))
            .route("/test/outage", get(outage))
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
