//! The reply layer: an action's outcome as the `phx_reply` its client gets,
//! and as the ledger keeps it for replays.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::payload::{Conflict, Conflicted, RateLimited, RecordView, Rejected, Retry, to_json};
use crate::store::Record;
use crate::wire::{Reply, Status};

/// `ok` with a payload.
pub(super) fn confirm<T: Serialize>(payload: &T) -> Reply {
    Reply::Ok(to_json(payload))
}

/// A final refusal, with the record to roll back to.
pub(super) fn reject(reason: &str, record: Option<&Record>) -> Reply {
    Reply::Error(to_json(&Rejected {
        reason: reason.to_owned(),
        record: record.map(RecordView::from),
    }))
}

/// A transient refusal: the same op may be sent again.
pub(super) fn retry(reason: &str) -> Reply {
    Reply::Error(to_json(&Retry {
        reason: reason.to_owned(),
        retry: true,
    }))
}

/// A refusal to slow down, with when to try again.
pub(super) fn rate_limited(reason: &str, wait: Duration) -> Reply {
    Reply::Error(to_json(&RateLimited {
        reason: reason.to_owned(),
        retry_after_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
    }))
}

/// An editable save's conflict, with the conflict panel rendered from it (the
/// client shows the panel as it comes).
pub(super) fn conflicted(reason: String, current: &Record, conflict: Conflict) -> Reply {
    let panel = crate::ui::conflict_panel(&to_json(&conflict)).into_string();
    Reply::Error(to_json(&Conflicted {
        reason,
        record: current.into(),
        conflict,
        panel,
    }))
}

/// A reply as the ledger keeps it.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Stored {
    status: String,
    response: Value,
}

/// The reply as stored in the ledger: `{status, response}`.
pub(super) fn stored(reply: &Reply) -> Value {
    match reply.clone().into_parts() {
        Some((status, response)) => to_json(&Stored {
            status: status.as_str().to_owned(),
            response,
        }),
        None => Value::Null,
    }
}

/// A stored reply, as it was sent.
pub(super) fn from_stored(stored: Value) -> Reply {
    let Stored { status, response } = serde_json::from_value(stored).unwrap_or_default();
    if status == Status::Ok.as_str() {
        Reply::Ok(response)
    } else {
        Reply::Error(response)
    }
}
