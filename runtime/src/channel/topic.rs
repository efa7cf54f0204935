//! What a topic name may be.

/// Longest topic name, in bytes.
pub use rtux_rules::MAX_TOPIC_BYTES;
/// Why a topic name is refused.
pub use rtux_rules::TopicError;

/// Checks a topic name from a client: 1 to [`MAX_TOPIC_BYTES`] bytes, no control
/// characters, not the socket's own `phoenix` topic (the rule the derives and
/// the CLI apply too, from `rtux-rules`).
///
/// ```
/// use rtux::channel::{TopicError, check_topic};
///
/// assert!(check_topic("doc:42").is_ok());
/// assert_eq!(check_topic("doc:\u{0}"), Err(TopicError::Control));
/// ```
///
/// # Errors
/// What is wrong with the topic.
pub fn check_topic(topic: &str) -> Result<(), TopicError> {
    rtux_rules::topic(topic)
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
