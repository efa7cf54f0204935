//! # rtux-rules
//!
//! The rules that rtux's runtime (its builders), its derives (at compile time)
//! and its CLI (`rtux gen`) all enforce, written once with one set of
//! messages, so the three can never disagree: what a topic and a topic pattern
//! may be, which action names are reserved, the action kinds, and the timing
//! ranges the real-time UX patterns allow.
//!
//! ```
//! use rtux_rules::{TopicPattern, topic_pattern};
//!
//! assert_eq!(topic_pattern("notes:*"), Ok(TopicPattern::Prefix("notes:".into())));
//! assert_eq!(topic_pattern("board:main"), Ok(TopicPattern::Exact("board:main".into())));
//! assert!(topic_pattern("*").unwrap_err().contains("a prefix ending in `:*`"));
//! assert!(rtux_rules::action_name("undo").unwrap_err().contains("reserved"));
//! ```

use std::time::Duration;

/// The socket's own topic (heartbeats); no channel may use it.
pub const SOCKET_TOPIC: &str = "phoenix";

/// Longest topic name, in bytes.
pub const MAX_TOPIC_BYTES: usize = 255;

/// Checks a topic name (from a client, or part of a pattern): 1 to
/// [`MAX_TOPIC_BYTES`] bytes, no control characters, not [`SOCKET_TOPIC`].
///
/// ```
/// assert!(rtux_rules::topic("doc:42").is_ok());
/// assert!(rtux_rules::topic("doc:\u{0}").is_err());
/// ```
///
/// # Errors
/// A sentence saying what is wrong.
pub fn topic(topic: &str) -> Result<(), String> {
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

/// The topics a channel serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicPattern {
    /// One topic.
    Exact(String),
    /// Every topic that starts with this (ending in `:`) and goes on.
    Prefix(String),
}

impl TopicPattern {
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
}

/// Reads a topic pattern: an exact topic (`"board:main"`) or a prefix ending
/// in `:*` (`"notes:*"`), up to [`MAX_TOPIC_BYTES`] bytes, without spaces or
/// control characters, not `phoenix`.
///
/// # Errors
/// The rule, as one sentence naming the pattern.
pub fn topic_pattern(pattern: &str) -> Result<TopicPattern, String> {
    let refused = || {
        format!(
            "invalid topic pattern {pattern:?}: write an exact topic (\"board:main\") or a prefix ending in `:*` (\"notes:*\"), up to {MAX_TOPIC_BYTES} bytes, without spaces or control characters, not `phoenix`"
        )
    };
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

/// Action names rtux uses for events of its own.
pub const RESERVED_ACTIONS: [&str; 5] = ["undo", "lock", "unlock", "field", "page"];

/// Longest action name, in bytes.
pub const MAX_ACTION_NAME: usize = 64;

/// Checks an action name: a plain identifier (ASCII letters, digits, `_`,
/// not starting with a digit) of at most [`MAX_ACTION_NAME`] bytes, not one
/// of [`RESERVED_ACTIONS`] and not starting with `phx_`.
///
/// ```
/// assert!(rtux_rules::action_name("toggle_done").is_ok());
/// assert!(rtux_rules::action_name("phx_join").is_err());
/// assert!(rtux_rules::action_name("rtux:patch").is_err());
/// ```
///
/// # Errors
/// The rule, naming the action.
pub fn action_name(name: &str) -> Result<(), String> {
    let plain = !name.is_empty()
        && name.len() <= MAX_ACTION_NAME
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain {
        return Err(format!(
            "invalid action name `{name}`: use a plain identifier (letters, digits, `_`) of at most {MAX_ACTION_NAME} characters"
        ));
    }
    if RESERVED_ACTIONS.contains(&name) || name.starts_with("phx_") {
        return Err(format!(
            "action name `{name}` is reserved by rtux ({}, phx_*): choose another",
            RESERVED_ACTIONS.join(", ")
        ));
    }
    Ok(())
}

/// The action kinds: the derive's `kind = "…"`, the builders' methods
/// (`ResourceBuilder::undoable_delete`, …) and the runtime's action enum all
/// spell them so.
pub const ACTION_KINDS: [&str; 7] = [
    "insert",
    "server_corrects",
    "pending",
    "confirm_first",
    "undoable_delete",
    "confirmed_delete",
    "editable",
];

/// A timing the real-time UX patterns bound, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// What is bounded.
    pub what: &'static str,
    /// The shortest allowed.
    pub low: Duration,
    /// The longest allowed.
    pub high: Duration,
    /// Why, in one sentence.
    pub why: &'static str,
}

impl Bounds {
    /// Checks `value` against the bounds.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert!(rtux_rules::UNDO_WINDOW.check(Duration::from_secs(5)).is_ok());
    /// assert!(rtux_rules::UNDO_WINDOW.check(Duration::from_secs(60)).unwrap_err().contains("30 s"));
    /// ```
    ///
    /// # Errors
    /// The range and why, naming the value.
    pub fn check(&self, value: Duration) -> Result<(), String> {
        if value < self.low || value > self.high {
            return Err(format!(
                "{} {value:?} is outside {}–{} s: {}",
                self.what,
                self.low.as_secs(),
                self.high.as_secs(),
                self.why
            ));
        }
        Ok(())
    }
}

/// How long a delete waits for Undo.
pub const UNDO_WINDOW: Bounds = Bounds {
    what: "undo window",
    low: Duration::from_secs(1),
    high: Duration::from_secs(30),
    why: "under 1 s nobody can react, over 30 s the action feels lost; the patterns use 5 s",
};

/// How long `typing` stays true after the last keystroke.
pub const TYPING_EXPIRY: Bounds = Bounds {
    what: "typing expiry",
    low: Duration::from_secs(3),
    high: Duration::from_secs(5),
    why: "shorter flickers between keystrokes, longer shows people typing who stopped; the patterns use 3 s",
};

/// The most cursor updates per second per user.
pub const MAX_CURSOR_RATE: u64 = 10;

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
    fn action_names() {
        for bad in [
            "",
            "undo",
            "page",
            "phx_leave",
            "1st",
            "a-b",
            "r#type",
            &"a".repeat(65),
        ] {
            assert!(action_name(bad).is_err(), "{bad:?}");
        }
        for good in ["add", "toggle_done", "_private", "increment_count"] {
            assert!(action_name(good).is_ok(), "{good:?}");
        }
    }
}
