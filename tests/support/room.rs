use rtux::wire::Code;
use rtux::{Channel, ChannelSocket, JoinError, Reply};
use serde_json::{Value, json};

/// The demo channel on `room:*` that the tests drive.
///
/// - `room:private-<user>` may be joined only by `<user>`; `room:refuse` refuses
///   everyone; `room:crash` panics in `join`.
/// - Join payload `{"track": false}` joins without presence; otherwise the socket
///   is tracked with `{"name": <token name>}`.
/// - Events: `echo` replies with its payload; `shout` broadcasts to all,
///   `shout_from` to all but the sender; `push_back` pushes `pushed` to the
///   sender; `push_then_reply` pushes `pushed`, then replies; `quiet` sends no
///   reply; `count` replies with how many events this join has handled;
///   `crash` panics.
#[derive(Debug, Clone, Copy)]
pub struct Room;

impl Channel for Room {
    type State = u64;

    async fn join(
        &self,
        topic: &str,
        payload: Value,
        socket: &mut ChannelSocket,
    ) -> Result<(u64, Value), JoinError> {
        if let Some(owner) = topic.strip_prefix("room:private-")
            && owner != socket.user_id()
        {
            return Err(JoinError::unauthorized());
        }
        match topic {
            "room:refuse" => {
                return Err(JoinError::new(rtux::wire::Code::Forbidden, "room closed"));
            }
            "room:crash" => panic!("join crashed on purpose"),
            _ => {}
        }
        if payload.get("track") != Some(&json!(false)) {
            let name = socket.claims().name.clone();
            socket
                .presence()
                .track(json!({ "name": name }))
                .map_err(JoinError::from)?;
        }
        socket.push("welcome", json!({ "user": socket.user_id() }));
        Ok((0, json!({ "topic": topic, "user": socket.user_id() })))
    }

    async fn handle_in(
        &self,
        event: &str,
        payload: Value,
        count: &mut u64,
        socket: &mut ChannelSocket,
    ) -> Reply {
        *count += 1;
        match event {
            "echo" => Reply::ok(payload),
            "shout" => {
                socket.broadcast("shouted", payload);
                Reply::ok(json!({}))
            }
            "shout_from" => {
                socket.broadcast_from("shouted", payload);
                Reply::ok(json!({}))
            }
            "push_back" => {
                socket.push("pushed", payload);
                Reply::NoReply
            }
            "push_then_reply" => {
                socket.push("pushed", payload.clone());
                Reply::ok(payload)
            }
            "quiet" => Reply::NoReply,
            "count" => Reply::ok(json!({ "count": *count })),
            "crash" => panic!("handler crashed on purpose"),
            other => Reply::refuse(Code::NotFound, format!("unknown event {other}")),
        }
    }
}
