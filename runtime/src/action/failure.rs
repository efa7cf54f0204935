//! Why an action got no final answer, and the refusal that tells the client
//! to send the same op again.

use super::reply::{rate_limited, retry};
use crate::store::StoreError;
use crate::wire::{Code, Reply};

/// Why an action got no final answer: nothing was written, and the same op
/// may be sent again.
#[derive(Debug)]
pub(super) enum Failure {
    /// The store failed.
    Store(StoreError),
    /// Other writers kept winning the record.
    Busy,
    /// The user is writing (or inserting) faster than allowed.
    RateLimited(&'static str, std::time::Duration),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(e)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Failure {
        Failure::Store(e.into())
    }
}

impl Failure {
    /// The transient refusal: `retry: true` (or `retry_after_ms`) tells the
    /// client to send the same op again later.
    pub(super) fn reply(&self) -> Reply {
        match self {
            Failure::Store(_) => retry(
                Code::Unavailable,
                "store unavailable: nothing was written; retry with the same op id",
            ),
            Failure::Busy => retry(
                Code::Busy,
                "busy: too many concurrent writers; retry with the same op id",
            ),
            Failure::RateLimited(what, wait) => rate_limited(
                &format!("rate limited: too many {what} from you; nothing was written"),
                *wait,
            ),
        }
    }
}
