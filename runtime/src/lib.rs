//! # rtux — real-time UX for Rust web apps
//!
//! The runtime that rtux apps run on axum: a Phoenix Channels V2 server
//! ([`Endpoint`], [`Channel`]), topic pub/sub ([`pubsub`]), presence with the
//! real-time UX helpers — typing, active field, idle status, cursors, colours,
//! staleness ([`presence`]) — and signed-token identity ([`auth`]).
//!
//! Any Phoenix client (the official `phoenix` npm package, Swift, Kotlin, Dart)
//! can talk to an rtux endpoint. The wire format, the presence events and the
//! security bounds are described in `docs/protocol.md`.
//!
//! ```no_run
//! use rtux::{Channel, ChannelSocket, Endpoint, JoinError, Reply, wire::Code};
//! use serde_json::{Value, json};
//!
//! struct Room;
//!
//! impl Channel for Room {
//!     type State = ();
//!     async fn join(&self, _topic: &str, _payload: Value, socket: &mut ChannelSocket) -> Result<((), Value), JoinError> {
//!         let name = socket.claims().name.clone().unwrap_or_else(|| socket.user_id().to_owned());
//!         socket.presence().track(json!({ "name": name })).map_err(JoinError::from)?;
//!         Ok(((), json!({})))
//!     }
//!     async fn handle_in(&self, event: &str, payload: Value, _: &mut (), socket: &mut ChannelSocket) -> Reply {
//!         match event {
//!             "say" => { socket.broadcast("said", payload); Reply::ok(json!({})) }
//!             _ => Reply::refuse(Code::NotFound, "unknown event"),
//!         }
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() {
//!     let secret = std::env::var("RTUX_SECRET").expect("set RTUX_SECRET to 32+ random bytes");
//!     let endpoint = Endpoint::builder(secret).channel("room:*", Room).build().expect("endpoint");
//!     let app = axum::Router::new().merge(endpoint.router());
//!     let listener = rtux::listen("127.0.0.1:4000").await.expect("port 4000");
//!     rtux::serve(listener, app).await.expect("server");
//! }
//! ```

#[cfg(feature = "accounts")]
pub mod accounts;
pub mod action;
pub mod assets;
pub mod auth;
pub mod channel;
pub mod cluster;
pub mod conflict;
mod conn;
pub mod dashboard;
mod endpoint;
mod fnv;
pub mod http;
mod listen;
pub mod model;
pub mod presence;
pub mod pubsub;
mod socket;
pub mod store;
mod sync;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod ui;
pub mod wire;

pub use channel::{Channel, ChannelSocket, JoinError, LeaveReason};
pub use conn::ConnId;
pub use endpoint::{BuildError, Endpoint, EndpointBuilder};
pub use http::serve;
pub use listen::{BACKLOG, listen};
pub use socket::Limits;
pub use wire::Reply;

/// The derive guide's examples, compiled as doctests.
#[cfg(all(doctest, feature = "derive"))]
#[doc = include_str!("../../docs/derive.md")]
pub struct DeriveGuide;

/// The derives (feature `derive`, on by default), each named after the trait
/// it implements and exported beside it, as `serde` does: `Model` (with the
/// model's loading skeleton, `ui::SkeletonView`) and `PresenceMeta` (see
/// `docs/derive.md`).
#[cfg(feature = "derive")]
pub use rtux_macros::{Model, PresenceMeta};

pub use model::Model;
pub use presence::PresenceMeta;

/// What the derives' expansions name that is not API: it may change in any
/// release. Use the traits' own documentation instead.
#[doc(hidden)]
pub mod __private {
    pub use crate::presence::typed::{Json, JsonMap, display_name, meta_field, meta_value};
}
