//! What a topic name may be.

use crate::wire::SOCKET_TOPIC;

/// Longest topic name, in bytes.
pub const MAX_TOPIC_BYTES: usize = 255;

/// Checks a topic name from a client: 1 to [`MAX_TOPIC_BYTES`] bytes, no control
/// characters, not the socket's own `phoenix` topic.
///
/// ```
/// assert!(rtux::channel::check_topic("doc:42").is_ok());
/// assert!(rtux::channel::check_topic("doc:\u{0}").is_err());
/// ```
///
/// # Errors
/// A sentence saying what is wrong.
pub fn check_topic(topic: &str) -> Result<(), String> {
    if topic.is_empty() {
        return Err("topic must not be empty".into());
    }
    if topic.len() > MAX_TOPIC_BYTES {
        return Err(format!("topic is longer than {MAX_TOPIC_BYTES} bytes"));
    }
    if topic.chars().any(char::is_control) {
        return Err("topic must not contain control characters".into());
    }
    if topic == SOCKET_TOPIC {
        return Err("topic `phoenix` is reserved for heartbeats".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused() {
        assert!(check_topic("").is_err());
        assert!(check_topic(&"a".repeat(256)).is_err());
        assert!(check_topic("a\nb").is_err());
        assert!(check_topic("phoenix").is_err());
        assert!(check_topic("doc:<script>alert(1)</script>").is_ok());
        assert!(check_topic("room:żółw").is_ok());
    }
}
