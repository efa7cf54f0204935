//! The Phoenix Channels V2 JSON wire format: `[join_ref, ref, topic, event, payload]`.
//!
//! Every frame on an rtux socket, in either direction, is a five-element JSON array.
//! [`Frame::decode`] turns a client's text frame into a [`Frame`] or a [`Malformed`]
//! that still carries whatever could be read of it (its ref and topic), so the
//! server can answer the right push; the `encode_*` functions build the frames the
//! server sends.

mod code;
mod encode;
mod frame;
#[cfg(test)]
mod fuzz;
mod join_error;
mod reply;

pub use code::Code;
pub use encode::{encode_broadcast, encode_push, encode_reply};
pub use frame::{Frame, Malformed};
pub use join_error::JoinError;
pub use reply::{Reply, Status};

/// Topic of the socket-level frames (heartbeats, socket-wide errors).
pub use rtux_rules::SOCKET_TOPIC;

/// Reserved event names of the protocol.
pub mod events {
    /// Client → server: join a topic.
    pub const JOIN: &str = "phx_join";
    /// Client → server: leave a topic.
    pub const LEAVE: &str = "phx_leave";
    /// Server → client: the reply to a push, carrying the push's ref.
    pub const REPLY: &str = "phx_reply";
    /// Server → client: a channel failed (or a frame could not be read at all).
    pub const ERROR: &str = "phx_error";
    /// Server → client: a channel was closed by the server.
    pub const CLOSE: &str = "phx_close";
    /// Client → server on topic `phoenix`: keep the socket alive.
    pub const HEARTBEAT: &str = "heartbeat";
    /// Server → client: the whole presence list of a topic, sent to a joiner.
    pub const PRESENCE_STATE: &str = "presence_state";
    /// Server → client: who joined and left a topic since the last diff.
    pub const PRESENCE_DIFF: &str = "presence_diff";
    /// Server → client: a large topic's presence in brief (the count, the first
    /// users and who is typing), sent instead of state and diffs above
    /// [`PresenceConfig::summary_above`](crate::presence::PresenceConfig::summary_above).
    pub const PRESENCE_SUMMARY: &str = "presence_summary";

    /// Events only the server may send; a client pushing one gets an error reply.
    pub const SERVER_ONLY: [&str; 6] = [
        REPLY,
        ERROR,
        CLOSE,
        PRESENCE_STATE,
        PRESENCE_DIFF,
        PRESENCE_SUMMARY,
    ];

    /// Events of rtux's own (`rtux:patch`, `rtux:lock`, …) are the server's too:
    /// no channel relays a client's, so no client can send HTML to others.
    pub const SERVER_PREFIX: &str = "rtux:";

    /// Whether only the server may send `event`.
    ///
    /// ```
    /// use rtux::wire::events::server_only;
    /// assert!(server_only("rtux:patch") && server_only("phx_reply"));
    /// assert!(!server_only("save"));
    /// ```
    pub fn server_only(event: &str) -> bool {
        SERVER_ONLY.contains(&event) || event.starts_with(SERVER_PREFIX)
    }
}
