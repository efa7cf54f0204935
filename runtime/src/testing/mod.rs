//! Testing real-time resources and channels as easily as functions (feature
//! `testing`): [`TestServer`] serves an [`Endpoint`](crate::Endpoint) on a
//! loopback port, [`TestClient`] speaks the channel protocol to it as a user —
//! join, push and await the reply, wait for a broadcast, assert silence, leave,
//! drop the socket; perform a resource's actions with op ids handled
//! ([`TestClient::act`], [`TestClient::replay`], [`TestClient::undo`],
//! [`TestClient::patch`]), make two users' saves conflict ([`stale_save`]) and
//! follow presence ([`TestClient::presence_until`]) and assert a refusal by
//! its code ([`refused`]).
//! [`redact`] and [`redact_text`] take out what changes from run to run, for
//! insta snapshots. rtux's own end-to-end tests use them.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use rtux::testing::{TestClient, TestServer};
//! use serde_json::json;
//!
//! # use rtux::{Channel, ChannelSocket, JoinError, Reply};
//! # use serde_json::Value;
//! # struct Room;
//! # impl Channel for Room {
//! #     type State = ();
//! #     async fn join(&self, _: &str, _: Value, s: &mut ChannelSocket) -> Result<((), Value), JoinError> {
//! #         s.presence().track(json!({})).map_err(JoinError::from)?;
//! #         Ok(((), json!({})))
//! #     }
//! #     async fn handle_in(&self, _: &str, _: Value, _: &mut (), _: &mut ChannelSocket) -> Reply { Reply::NoReply }
//! # }
//! let endpoint = rtux::Endpoint::builder("a test secret of at least thirty-two bytes")
//!     .channel("room:*", Room)
//!     .build()
//!     .expect("endpoint");
//! let server = TestServer::serve(endpoint).await;
//! let mut ana = TestClient::joined(&server, "ana", "room:1", json!({})).await;
//! let state = ana.event("room:1", "presence_state").await;
//! assert_eq!(state["ana"]["metas"][0]["name"], json!(null));
//! # }
//! ```

mod client;
mod conflict;
mod database;
mod redact;
mod refusal;
mod server;
mod socket;

pub use client::{Connect, Presences, TestClient};
pub use conflict::stale_save;
pub use database::{DatabaseError, fresh_database};
pub use redact::{redact, redact_text};
pub use refusal::refused;
pub use server::TestServer;
pub use socket::{JOIN_REF, OpenError, RawSocket, open_joined, socket_url};

/// How long a test client waits for a frame it expects (5 s).
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(5);
