//! Channels: the application's handlers for topics.
//!
//! An app implements [`Channel`] for each kind of topic and registers it under a
//! topic pattern (`"room:lobby"` or `"doc:*"`) with
//! [`EndpointBuilder::channel`](crate::EndpointBuilder::channel). For every socket
//! that joins a matching topic, rtux calls [`Channel::join`] (authorize and build
//! the per-join state), then [`Channel::handle_in`] for each event the client pushes,
//! and [`Channel::terminate`] when the client leaves or the socket closes.
//!
//! ```
//! use rtux::{Channel, ChannelSocket, JoinError, Reply, wire::Code};
//! use serde_json::{Value, json};
//!
//! /// `doc:<id>`: anyone signed in may read; only the owner of a draft may join it.
//! struct Docs;
//!
//! impl Channel for Docs {
//!     type State = u32; // edits made on this join
//!
//!     async fn join(&self, topic: &str, _payload: Value, socket: &mut ChannelSocket) -> Result<(u32, Value), JoinError> {
//!         if topic.starts_with("doc:draft-") && !topic.ends_with(socket.user_id()) {
//!             return Err(JoinError::unauthorized());
//!         }
//!         let name = socket.claims().name.clone();
//!         socket.presence().track(json!({ "name": name }))
//!             .map_err(JoinError::from)?;
//!         Ok((0, json!({"joined": topic})))
//!     }
//!
//!     async fn handle_in(&self, event: &str, payload: Value, edits: &mut u32, socket: &mut ChannelSocket) -> Reply {
//!         match event {
//!             "edit" => {
//!                 *edits += 1;
//!                 socket.broadcast_from("edited", payload);
//!                 Reply::ok(json!({"edits": *edits}))
//!             }
//!             _ => Reply::refuse(Code::NotFound, format!("unknown event {event}")),
//!         }
//!     }
//! }
//! ```

mod dynamic;
mod presence;
mod registry;
mod socket;
mod topic;

pub use crate::wire::JoinError;
pub(crate) use dynamic::{AnyState, DynChannel};
pub use presence::PresenceChannel;
pub(crate) use presence::track_joining;
pub(crate) use registry::Registry;
pub use registry::{Guard, PatternError};
pub use socket::{Broadcaster, ChannelPresence, ChannelSocket};
pub use topic::{MAX_TOPIC_BYTES, TopicError, check_topic};

use std::future::Future;

use serde_json::Value;

/// A handler for the topics of one pattern. One value serves every socket; the
/// per-join data lives in [`Channel::State`].
///
/// The methods run on the socket's own task, one event at a time per socket, in
/// the order the client sent them.
pub trait Channel: Send + Sync + 'static {
    /// What the channel keeps for one joined socket.
    type State: Send + 'static;

    /// Authorizes a join and builds its state; the `Value` is the join reply's
    /// response. Pushes and presence state sent here reach the client after the
    /// join reply.
    fn join(
        &self,
        topic: &str,
        payload: Value,
        socket: &mut ChannelSocket,
    ) -> impl Future<Output = Result<(Self::State, Value), JoinError>> + Send;

    /// Handles one event the client pushed on the topic.
    fn handle_in(
        &self,
        event: &str,
        payload: Value,
        state: &mut Self::State,
        socket: &mut ChannelSocket,
    ) -> impl Future<Output = crate::Reply> + Send;

    /// Runs when the join ends: the client left, joined the topic again, or its
    /// socket closed. Presence and subscriptions are cleaned up by rtux.
    fn terminate(
        &self,
        reason: LeaveReason,
        state: Self::State,
        socket: &mut ChannelSocket,
    ) -> impl Future<Output = ()> + Send {
        let _unused = (reason, state, socket);
        async {}
    }
}

/// A shared channel serves as the channel itself, so an app can keep a handle
/// (for example to render a resource's records into its pages) while the
/// endpoint routes to it.
impl<C: Channel> Channel for std::sync::Arc<C> {
    type State = C::State;

    fn join(
        &self,
        topic: &str,
        payload: Value,
        socket: &mut ChannelSocket,
    ) -> impl Future<Output = Result<(Self::State, Value), JoinError>> + Send {
        C::join(self, topic, payload, socket)
    }

    fn handle_in(
        &self,
        event: &str,
        payload: Value,
        state: &mut Self::State,
        socket: &mut ChannelSocket,
    ) -> impl Future<Output = crate::Reply> + Send {
        C::handle_in(self, event, payload, state, socket)
    }

    fn terminate(
        &self,
        reason: LeaveReason,
        state: Self::State,
        socket: &mut ChannelSocket,
    ) -> impl Future<Output = ()> + Send {
        C::terminate(self, reason, state, socket)
    }
}

/// Why a join ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveReason {
    /// The client sent `phx_leave`.
    Left,
    /// The client joined the same topic again; the old join is closed first.
    Rejoined,
    /// The socket closed (by the client, a timeout, or a bound being broken).
    SocketClosed,
}
