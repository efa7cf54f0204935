//! What a topic name may be.

/// Longest topic name, in bytes.
pub use rtux_rules::MAX_TOPIC_BYTES;

/// Checks a topic name from a client: 1 to [`MAX_TOPIC_BYTES`] bytes, no control
/// characters, not the socket's own `phoenix` topic (the rule the derives and
/// the CLI apply too, from `rtux-rules`).
///
/// ```
/// assert!(rtux::channel::check_topic("doc:42").is_ok());
/// assert!(rtux::channel::check_topic("doc:\u{0}").is_err());
/// ```
///
/// # Errors
/// A sentence saying what is wrong.
pub fn check_topic(topic: &str) -> Result<(), String> {
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
