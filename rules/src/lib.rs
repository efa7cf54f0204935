//! # rtux-rules
//!
//! The rules that rtux's runtime (its builders), its derives (at compile time)
//! and its CLI (`rtux gen`) all enforce, written once with one set of
//! messages, so the three can never disagree: what a topic and a topic pattern
//! may be, the action kinds and what an action may be named, the events rtux
//! handles itself, and the timing ranges the real-time UX patterns allow.
//!
//! ```
//! use rtux_rules::{ActionKind, TopicPattern, Vocabulary, topic_pattern};
//!
//! assert_eq!(topic_pattern("notes:*"), Ok(TopicPattern::Prefix("notes:".into())));
//! assert_eq!(topic_pattern("board:main"), Ok(TopicPattern::Exact("board:main".into())));
//! assert!(rtux_rules::action_name("undo").unwrap_err().to_string().contains("reserved"));
//! assert_eq!(ActionKind::from_name("pending"), Some(ActionKind::Pending));
//! ```

mod action;
mod error;
mod event;
mod timing;
mod topic;
mod vocabulary;

pub use action::{ActionKind, MAX_ACTION_NAME, action_name};
pub use error::{ActionNameError, InvalidPattern, OutOfRange, TopicError};
pub use event::{PresenceEvent, ResourceEvent, housekeeping};
pub use timing::{Bounds, MAX_CURSOR_RATE, TYPING_EXPIRY, UNDO_WINDOW};
pub use topic::{MAX_TOPIC_BYTES, SOCKET_TOPIC, TopicPattern, topic, topic_pattern};
pub use vocabulary::Vocabulary;
