//! What a topic and a topic pattern may be, and which topics a pattern
//! matches.

use crate::error::{InvalidPattern, TopicError};

/// The socket's own topic (heartbeats); no channel may use it.
pub const SOCKET_TOPIC: &str = "phoenix";

/// Longest topic name, in bytes.
pub const MAX_TOPIC_BYTES: usize = 255;

/// Checks a topic name (from a client, or part of a pattern): 1 to
/// [`MAX_TOPIC_BYTES`] bytes, no control characters, not [`SOCKET_TOPIC`].
///
/// ```
/// use rtux_rules::TopicError;
///
/// assert!(rtux_rules::topic("doc:42").is_ok());
/// assert_eq!(rtux_rules::topic("doc:\u{0}"), Err(TopicError::Control));
/// ```
///
/// # Errors
/// What is wrong with the topic.
pub fn topic(topic: &str) -> Result<(), TopicError> {
    if topic.is_empty() {
        return Err(TopicError::Empty);
    }
    if topic.len() > MAX_TOPIC_BYTES {
        return Err(TopicError::TooLong);
    }
    if topic.chars().any(char::is_control) {
        return Err(TopicError::Control);
    }
    if topic == SOCKET_TOPIC {
        return Err(TopicError::Reserved);
    }
    Ok(())
}

/// The topics a channel serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicPattern {
    /// One topic.
    Exact(String),
    /// Every topic that starts with this (ending in `:`) and goes on.
    Prefix(String),
}

impl TopicPattern {
    /// Whether `topic` is one of this pattern's: the exact topic, or a topic
    /// that starts with the prefix and goes on after it.
    ///
    /// ```
    /// use rtux_rules::topic_pattern;
    /// let notes = topic_pattern("notes:*").unwrap();
    /// assert!(notes.matches("notes:board"));
    /// assert!(!notes.matches("notes:"));
    /// assert!(!notes.matches("tasks:board"));
    /// assert!(topic_pattern("notes:board").unwrap().matches("notes:board"));
    /// ```
    pub fn matches(&self, topic: &str) -> bool {
        match self {
            TopicPattern::Exact(t) => t == topic,
            TopicPattern::Prefix(p) => topic.len() > p.len() && topic.starts_with(p.as_str()),
        }
    }

    /// Whether every topic `other` matches is one this pattern matches.
    ///
    /// ```
    /// use rtux_rules::topic_pattern;
    /// let notes = topic_pattern("notes:*").unwrap();
    /// assert!(notes.covers(&topic_pattern("notes:board").unwrap()));
    /// assert!(notes.covers(&topic_pattern("notes:team:*").unwrap()));
    /// assert!(!notes.covers(&topic_pattern("tasks:all").unwrap()));
    /// assert!(!topic_pattern("notes:board").unwrap().covers(&notes));
    /// ```
    pub fn covers(&self, other: &TopicPattern) -> bool {
        match (self, other) {
            (TopicPattern::Exact(a), TopicPattern::Exact(b)) => a == b,
            (TopicPattern::Prefix(p), TopicPattern::Exact(t) | TopicPattern::Prefix(t)) => {
                t.starts_with(p.as_str())
            }
            (TopicPattern::Exact(_), TopicPattern::Prefix(_)) => false,
        }
    }

    /// What messages call the pattern's records: the prefix without its `:`
    /// (`notes:*` → `notes`), or the exact topic.
    ///
    /// ```
    /// use rtux_rules::topic_pattern;
    /// assert_eq!(topic_pattern("notes:*").unwrap().noun(), "notes");
    /// assert_eq!(topic_pattern("board:main").unwrap().noun(), "board:main");
    /// ```
    pub fn noun(&self) -> &str {
        match self {
            TopicPattern::Exact(t) => t,
            TopicPattern::Prefix(p) => p.strip_suffix(':').unwrap_or(p),
        }
    }
}

impl std::fmt::Display for TopicPattern {
    /// The pattern as it is written (`notes:*`, `board:main`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TopicPattern::Exact(t) => f.write_str(t),
            TopicPattern::Prefix(p) => write!(f, "{p}*"),
        }
    }
}

/// Reads a topic pattern: an exact topic (`"board:main"`) or a prefix ending
/// in `:*` (`"notes:*"`), up to [`MAX_TOPIC_BYTES`] bytes, without spaces or
/// control characters, not `phoenix`.
///
/// ```
/// use rtux_rules::{TopicPattern, topic_pattern};
///
/// assert_eq!(topic_pattern("notes:*"), Ok(TopicPattern::Prefix("notes:".into())));
/// assert_eq!(topic_pattern("notes:*").unwrap().to_string(), "notes:*");
/// assert!(topic_pattern("*").unwrap_err().to_string().contains("a prefix ending in `:*`"));
/// ```
///
/// # Errors
/// The pattern breaks the rule; the message names it and says what to write.
pub fn topic_pattern(pattern: &str) -> Result<TopicPattern, InvalidPattern> {
    let refused = || InvalidPattern(pattern.to_owned());
    if pattern.chars().any(char::is_whitespace) || topic(pattern.trim_end_matches('*')).is_err() {
        return Err(refused());
    }
    match pattern.strip_suffix('*') {
        Some(prefix) if prefix.len() > 1 && prefix.ends_with(':') && !prefix.contains('*') => {
            Ok(TopicPattern::Prefix(prefix.to_owned()))
        }
        Some(_) => Err(refused()),
        None if pattern.contains('*') => Err(refused()),
        None => Ok(TopicPattern::Exact(pattern.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_the_three_used_to_disagree_on() {
        for bad in [
            "*", "doc*", ":*", "a b:*", "doc:*:*", "do*c:x", "phoenix", "", "doc:\n",
        ] {
            assert!(topic_pattern(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            topic_pattern("room:*"),
            Ok(TopicPattern::Prefix("room:".into()))
        );
        assert_eq!(
            topic_pattern("room:lobby"),
            Ok(TopicPattern::Exact("room:lobby".into()))
        );
        assert!(topic_pattern(&format!("{}:*", "a".repeat(300))).is_err());
    }

    #[test]
    fn a_pattern_is_written_back_as_it_was_read() {
        for written in ["room:*", "room:lobby", "a:b:*"] {
            assert_eq!(topic_pattern(written).expect(written).to_string(), written);
        }
    }
}
