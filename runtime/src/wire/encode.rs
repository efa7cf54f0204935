use serde::Serialize;
use serde_json::Value;

use super::{Status, events};

/// Encodes a reply to a push: `[join_ref, ref, topic, "phx_reply", {status, response}]`.
///
/// ```
/// use rtux::wire::{Status, encode_reply};
/// use serde_json::json;
///
/// let text = encode_reply(Some("1"), Some("2"), "doc:1", Status::Ok, &json!({}));
/// assert_eq!(text, r#"["1","2","doc:1","phx_reply",{"response":{},"status":"ok"}]"#);
/// ```
pub fn encode_reply(
    join_ref: Option<&str>,
    msg_ref: Option<&str>,
    topic: &str,
    status: Status,
    response: &Value,
) -> String {
    // Serialized in place (no copy of the response), keys in the order
    // serde_json's map gives them.
    #[derive(Serialize)]
    struct Payload<'a> {
        response: &'a Value,
        status: &'static str,
    }
    let payload = Payload {
        response,
        status: status.as_str(),
    };
    encode(join_ref, msg_ref, topic, events::REPLY, &payload)
}

/// Encodes a server push to one joined channel: `[join_ref, null, topic, event, payload]`.
///
/// The payload is anything that serializes to JSON with string keys (a `Value`,
/// a `#[derive(Serialize)]` struct).
///
/// ```
/// let text = rtux::wire::encode_push(Some("3"), "doc:1", "phx_close", &serde_json::json!({}));
/// assert_eq!(text, r#"["3",null,"doc:1","phx_close",{}]"#);
/// ```
pub fn encode_push(
    join_ref: Option<&str>,
    topic: &str,
    event: &str,
    payload: &impl Serialize,
) -> String {
    encode(join_ref, None, topic, event, payload)
}

/// Encodes a broadcast, the same bytes for every subscriber:
/// `[null, null, topic, event, payload]`.
///
/// ```
/// let text = rtux::wire::encode_broadcast("doc:1", "saved", &serde_json::json!({"v": 2}));
/// assert_eq!(text, r#"[null,null,"doc:1","saved",{"v":2}]"#);
/// ```
pub fn encode_broadcast(topic: &str, event: &str, payload: &Value) -> String {
    encode(None, None, topic, event, payload)
}

fn encode(
    join_ref: Option<&str>,
    msg_ref: Option<&str>,
    topic: &str,
    event: &str,
    payload: &impl Serialize,
) -> String {
    // Strings, options and string-keyed JSON always serialize.
    serde_json::to_string(&(join_ref, msg_ref, topic, event, payload))
        .unwrap_or_else(|e| unreachable!("a frame always serializes: {e}"))
}
