//! A channel with presence only, and the presence half of a resource's join.

use std::marker::PhantomData;

use serde_json::{Value, json};

use super::{Channel, ChannelSocket};
use crate::presence::PresenceMeta;
use crate::wire::{Code, JoinError, Reply};

/// Tracks the joining connection with its typed meta.
pub(crate) fn track_joining<M: PresenceMeta>(
    payload: &Value,
    socket: &mut ChannelSocket,
) -> Result<(), JoinError> {
    let meta = M::joining(socket.claims(), payload.get("meta").unwrap_or(&Value::Null))?;
    socket.presence().track_meta(&meta).map_err(JoinError::from)
}

/// A channel with presence only (who is here, typing, fields, cursors): each
/// join is tracked with `M`'s meta, built from the token and the join
/// payload's `meta`. The presence helpers (`presence:typing` and the others)
/// work on it; it has no events of its own.
///
/// ```
/// # use rtux::channel::PresenceChannel;
/// # use rtux::presence::PresenceMeta;
/// # struct Viewer;
/// # impl PresenceMeta for Viewer {
/// #     fn joining(_: &rtux::auth::Claims, _: &serde_json::Value) -> Result<Self, rtux::JoinError> { Ok(Viewer) }
/// #     fn to_meta(&self) -> serde_json::Value { serde_json::json!({}) }
/// #     fn from_meta(_: &serde_json::Value) -> Result<Self, rtux::presence::MetaError> { Ok(Viewer) }
/// # }
/// let endpoint = rtux::Endpoint::builder("a secret of at least thirty-two bytes!")
///     .presence(Viewer::config())
///     .channel("lobby:*", PresenceChannel::<Viewer>::new());
/// # let _ = endpoint;
/// ```
pub struct PresenceChannel<M>(PhantomData<fn() -> M>);

impl<M> PresenceChannel<M> {
    /// The channel.
    pub fn new() -> Self {
        PresenceChannel(PhantomData)
    }
}

impl<M> Default for PresenceChannel<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> std::fmt::Debug for PresenceChannel<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PresenceChannel")
    }
}

impl<M: PresenceMeta> Channel for PresenceChannel<M> {
    type State = ();

    async fn join(
        &self,
        _topic: &str,
        payload: Value,
        socket: &mut ChannelSocket,
    ) -> Result<((), Value), JoinError> {
        track_joining::<M>(&payload, socket)?;
        Ok(((), json!({})))
    }

    async fn handle_in(
        &self,
        event: &str,
        _payload: Value,
        _: &mut (),
        _socket: &mut ChannelSocket,
    ) -> Reply {
        Reply::refuse(
            Code::NotFound,
            format!(
                "unknown event {event:?}: this topic has presence only ({})",
                <rtux_rules::PresenceEvent as rtux_rules::Vocabulary>::names().join(", ")
            ),
        )
    }
}
