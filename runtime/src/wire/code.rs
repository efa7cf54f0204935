//! Why a push was refused, as a stable machine code beside the human reason.
//!
//! Every error reply rtux sends carries `{"code": "…", "reason": "…"}`: the
//! reason is written for a person and may be reworded in any release; the code
//! is what clients, metrics and tests branch on.

use serde::{Deserialize, Serialize};

/// The code of a refusal, as it goes on the wire (`snake_case`).
///
/// ```
/// use rtux::wire::Code;
/// assert_eq!(Code::RateLimited.as_str(), "rate_limited");
/// assert_eq!(serde_json::to_value(Code::TooOld).unwrap(), "too_old");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Code {
    /// The push is malformed or breaks a rule of its kind: fix it, do not retry.
    Invalid,
    /// No such record (or event, or topic) here.
    NotFound,
    /// The record moved on since the version the client saw.
    Stale,
    /// A save both sides changed: the reply carries yours, theirs and base.
    Conflict,
    /// Another user holds a lock on what the push would change.
    Locked,
    /// The record is being deleted (its undo window is open).
    Deleting,
    /// Too many of these from this user or socket: wait `retry_after_ms`.
    RateLimited,
    /// Other writers kept winning: send the same op again.
    Busy,
    /// The store could not be reached: send the same op again.
    Unavailable,
    /// The op was made before the ledger's window: whether it applied is not
    /// known; reload to see the current state.
    TooOld,
    /// Other records refer to this one: it cannot be deleted until they
    /// no longer do.
    Referenced,
    /// A bound of the user or the topic is reached (records, drafts, locks,
    /// sockets): free some first.
    Full,
    /// The op id was used for another action: use a new op id.
    Reused,
    /// The event is the server's, or the user may not do this.
    Forbidden,
    /// The user may not join this topic (sign in, or ask for access).
    Unauthorized,
    /// A lock renewal after no edit of its record for a while: lock it again
    /// when editing.
    Idle,
    /// A lock held as long as a lock may be: others may take it now.
    HeldTooLong,
    /// The caller does not hold the lock it releases.
    NotHeld,
    /// The server failed while handling the push.
    Internal,
}

impl Code {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Invalid => "invalid",
            Code::NotFound => "not_found",
            Code::Stale => "stale",
            Code::Conflict => "conflict",
            Code::Locked => "locked",
            Code::Deleting => "deleting",
            Code::RateLimited => "rate_limited",
            Code::Busy => "busy",
            Code::Unavailable => "unavailable",
            Code::TooOld => "too_old",
            Code::Referenced => "referenced",
            Code::Full => "full",
            Code::Reused => "reused",
            Code::Forbidden => "forbidden",
            Code::Unauthorized => "unauthorized",
            Code::Idle => "idle",
            Code::HeldTooLong => "held_too_long",
            Code::NotHeld => "not_held",
            Code::Internal => "internal",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_name_is_the_serde_name() {
        for code in [
            Code::Invalid,
            Code::NotFound,
            Code::Stale,
            Code::Conflict,
            Code::Locked,
            Code::Deleting,
            Code::RateLimited,
            Code::Busy,
            Code::Unavailable,
            Code::TooOld,
            Code::Referenced,
            Code::Full,
            Code::Reused,
            Code::Forbidden,
            Code::Unauthorized,
            Code::Idle,
            Code::HeldTooLong,
            Code::NotHeld,
            Code::Internal,
        ] {
            assert_eq!(
                serde_json::to_value(code).expect("serializes"),
                code.as_str()
            );
        }
    }
}
