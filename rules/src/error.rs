//! Why a name, pattern or timing breaks a rule; each message says what to
//! write instead.

use std::time::Duration;

use crate::action::MAX_ACTION_NAME;
use crate::event::ResourceEvent;
use crate::timing::Bounds;
use crate::topic::MAX_TOPIC_BYTES;
use crate::vocabulary::Vocabulary;

/// Why a topic name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    /// The topic is the empty string.
    #[error("topic must not be empty")]
    Empty,
    /// The topic is longer than [`MAX_TOPIC_BYTES`].
    #[error("topic is longer than {MAX_TOPIC_BYTES} bytes")]
    TooLong,
    /// The topic holds a control character.
    #[error("topic must not contain control characters")]
    Control,
    /// The topic is the socket's own ([`crate::SOCKET_TOPIC`]).
    #[error("topic `phoenix` is reserved for heartbeats")]
    Reserved,
}

/// A topic pattern that breaks the rule of [`crate::topic_pattern`]: the
/// pattern as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid topic pattern {0:?}: write an exact topic (\"board:main\") or a prefix ending in `:*` (\"notes:*\"), up to {MAX_TOPIC_BYTES} bytes, without spaces or control characters, not `phoenix`"
)]
pub struct InvalidPattern(pub String);

/// Why an action name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionNameError {
    /// Not a plain identifier of at most [`MAX_ACTION_NAME`] bytes.
    #[error(
        "invalid action name `{0}`: use a plain identifier (letters, digits, `_`) of at most {MAX_ACTION_NAME} characters"
    )]
    NotPlain(String),
    /// The name of one of rtux's own events, or `phx_…`.
    #[error(
        "action name `{0}` is reserved by rtux ({reserved}, phx_*): choose another",
        reserved = reserved()
    )]
    Reserved(String),
}

/// The names of rtux's own events an action could take (those that are
/// identifiers: `draft:save` never is one).
fn reserved() -> String {
    let plain = |name: &&str| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ResourceEvent::names()
        .into_iter()
        .filter(plain)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A timing outside the range the patterns allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{} {value:?} is outside {}–{} s: {}", bounds.what, bounds.low.as_secs(), bounds.high.as_secs(), bounds.why)]
pub struct OutOfRange {
    /// The range broken.
    pub bounds: Bounds,
    /// The timing given.
    pub value: Duration,
}
