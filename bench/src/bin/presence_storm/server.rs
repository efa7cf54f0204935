//! The server under test: a presence-tracked topic like the board of an app made
//! by `rtux new` (the same `Viewer` meta), in its own process.

use rtux::channel::PresenceChannel;
use rtux::presence::{PresenceConfig, PresenceMeta, Status};
use rtux::{Endpoint, Limits};

/// The secret the benchmark's server signs tokens with.
pub(crate) const SECRET: &str = "rtux benchmark secret, loopback only, 32+ bytes";
/// The topic every user joins.
pub(crate) const TOPIC: &str = "room:storm";
/// Another topic, joined and left during the storm to see whether it slows.
pub(crate) const CALM: &str = "room:calm";

/// The generated app's presence meta.
#[derive(Debug, Clone, PartialEq, rtux::PresenceMeta)]
#[rtux(typing_expiry = "3s", cursor_rate = 10)]
struct Viewer {
    #[rtux(name)]
    name: String,
    #[rtux(color)]
    color: String,
    #[rtux(status)]
    status: Status,
    #[rtux(typing)]
    typing: bool,
    #[rtux(active_field)]
    editing: Option<String>,
}

/// Serves `room:*` on 127.0.0.1 and prints the address; `summary_above` as given.
pub(crate) async fn serve(summary_above: usize) -> Result<(), String> {
    let presence = PresenceConfig {
        summary_above,
        ..Viewer::config()
    };
    // One node of a cluster when the run gives an engine (`--pubsub`).
    let pubsub = rtux_bench::pubsub_from_env()?;
    let endpoint = Endpoint::builder(SECRET)
        .pubsub(pubsub)
        .presence(presence)
        .limits(Limits::default())
        .channel("room:*", PresenceChannel::<Viewer>::new())
        .build()
        .map_err(|e| e.to_string())?;
    let listener = rtux::listen("127.0.0.1:0")
        .await
        .map_err(|e| format!("bind: {e}"))?;
    println!("{}", listener.local_addr().map_err(|e| e.to_string())?);
    axum::serve(listener, axum::Router::new().merge(endpoint.router()))
        .await
        .map_err(|e| e.to_string())
}
