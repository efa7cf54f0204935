//! The server of the chaos run (tests/e2e/chaos.rs), as a real process the run
//! kills with SIGKILL and starts again: the demo todo resource on `todo:*`
//! over `DATABASE_URL`, with a 1.5 s undo window, and a page for the browser
//! client (`/?user=<id>&id=<record>`: one record with a +1 button). Prints
//! `listening on <addr>` once it serves.
//!
//! The cluster tests (tests/e2e/cluster.rs) run several of it as the nodes of
//! one cluster: `PUBSUB_URL` (a Redis or NATS URL) and `CLUSTER_CHANNEL` join
//! them, `NODE_TIMEOUT_MS` shortens the node timeout (heartbeats at a
//! quarter of it), `LOCK_TTL_MS` the section locks' TTL,
//! `INSERTS_PER_MINUTE` the insert quota, and the demo presence channel is on
//! `room:*`.

use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use rtux::Endpoint;
use rtux::cluster::ClusterConfig;
use rtux::store::Store;
use rtux_tests::{Room, SECRET, todos_builder};

/// The undo window of the run's deletes.
const UNDO: Duration = Duration::from_millis(1500);

const ITEM: &str = r#"<li id="{{ dom_id }}" data-rtux-version="{{ record.version }}"><span class="count">{{ record.data.count }}</span> <button class="bump" data-rtux-action="bump" data-rtux-id="{{ record.id }}" data-rtux-params='{"by":1}'>+1</button></li>"#;

#[derive(Clone)]
struct App {
    endpoint: Endpoint,
    resource: std::sync::Arc<rtux::action::Resource>,
}

#[derive(serde::Deserialize)]
struct Who {
    user: String,
    topic: String,
    id: String,
}

async fn page(
    State(app): State<App>,
    Query(who): Query<Who>,
) -> Result<Html<String>, (axum::http::StatusCode, &'static str)> {
    // Put in the page as they are: only plain names.
    let plain = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c))
    };
    if !plain(&who.topic) || !plain(&who.user) {
        return Err((axum::http::StatusCode::BAD_REQUEST, "plain names only"));
    }
    let token = app
        .endpoint
        .tokens()
        .issue(&who.user, None, Duration::from_secs(3600));
    let item = match app.resource.store().get(&who.topic, &who.id).await {
        Ok(Some(record)) => app
            .resource
            .item_html(&who.topic, &record)
            .unwrap_or_default(),
        _ => String::new(),
    };
    Ok(Html(format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>chaos</title><link rel="icon" href="data:,">{assets}</head>
<body><main data-rtux-app data-rtux-token="{token}"><section data-rtux-resource="{topic}"><ul data-rtux-list>{item}</ul></section></main></body></html>"#,
        assets = rtux::ui::assets_tags(),
        topic = who.topic,
    )))
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,rtux=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let store = Store::open(&url).await.expect("the store opens");
    let lock_ttl = std::env::var("LOCK_TTL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(30), Duration::from_millis);
    let inserts = std::env::var("INSERTS_PER_MINUTE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(rtux::action::INSERTS_PER_MINUTE);
    let resource = todos_builder(store, UNDO)
        .item_template(ITEM)
        .lock_ttl(lock_ttl)
        .locks()
        .inserts_per_minute(inserts)
        .build()
        .expect("the todo resource builds");
    let resource = std::sync::Arc::new(resource);
    let mut cluster = ClusterConfig::default();
    if let Ok(channel) = std::env::var("CLUSTER_CHANNEL") {
        cluster.channel = channel;
    }
    if let Some(ms) = std::env::var("NODE_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        cluster.node_timeout = Duration::from_millis(ms);
        cluster.heartbeat = cluster.node_timeout / 4;
    }
    let pubsub = rtux::cluster::pubsub_for(std::env::var("PUBSUB_URL").ok().as_deref(), cluster)
        .unwrap_or_else(|e| panic!("{e}"));
    let endpoint = Endpoint::builder(SECRET)
        .pubsub(pubsub)
        .channel("todo:*", resource.clone())
        .channel("room:*", Room)
        .build()
        .expect("endpoint");
    let app = axum::Router::new()
        .route("/", get(page))
        .route("/health", get(|| async { "ok" }))
        .with_state(App {
            endpoint: endpoint.clone(),
            resource,
        })
        .merge(endpoint.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("listening on {}", listener.local_addr().expect("addr"));
    axum::serve(listener, app).await.expect("serve");
}
