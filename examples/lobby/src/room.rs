//! `room:*`: presence for everyone who joins, and chat messages.

use rtux::{Channel, ChannelSocket, JoinError, Reply};
use serde_json::{Value, json};

/// Longest chat message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// The lobby's channel.
///
/// - join: tracks the user (name from the token) and sends `presence_state`;
/// - `say` `{text}`: broadcasts `said` `{user, name, text}` to the room.
#[derive(Debug, Clone, Copy)]
pub struct Room;

impl Channel for Room {
    type State = ();

    async fn join(
        &self,
        _topic: &str,
        _payload: Value,
        socket: &mut ChannelSocket,
    ) -> Result<((), Value), JoinError> {
        let name = display_name(socket);
        socket
            .presence()
            .track(json!({ "name": name }))
            .map_err(|e| JoinError::new(e.to_string()))?;
        Ok(((), json!({ "user": socket.user_id() })))
    }

    async fn handle_in(
        &self,
        event: &str,
        payload: Value,
        _: &mut (),
        socket: &mut ChannelSocket,
    ) -> Reply {
        match event {
            "say" => {
                let text = payload
                    .get("text")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or_default();
                let count = text.chars().count();
                if count == 0 || count > MAX_MESSAGE_CHARS {
                    return Reply::error(format!(
                        "a message is 1 to {MAX_MESSAGE_CHARS} characters"
                    ));
                }
                let said =
                    json!({ "user": socket.user_id(), "name": display_name(socket), "text": text });
                socket.broadcast("said", said);
                Reply::ok(json!({}))
            }
            other => Reply::error(format!("unknown event {other}")),
        }
    }
}

fn display_name(socket: &ChannelSocket) -> String {
    socket
        .claims()
        .name
        .clone()
        .unwrap_or_else(|| socket.user_id().to_owned())
}
