//! The reply layer: an action's outcome as the `phx_reply` its client gets
//! (and, for rows written before the ledger kept compact answers, as the
//! ledger kept it).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Reject;
use super::payload::{By, Conflict, Conflicted, RateLimited, RecordView, Rejected, Retry, to_json};
use crate::conflict::FieldConflict;
use crate::store::Record;
use crate::wire::{Code, Reply, Status};

/// `ok` with a payload.
pub(super) fn confirm<T: Serialize>(payload: &T) -> Reply {
    Reply::Ok(to_json(payload))
}

/// A final refusal, with the record to roll back to.
pub(super) fn reject(code: Code, reason: &str, record: Option<&Record>) -> Reply {
    Reply::Error(to_json(&Rejected {
        code,
        reason: reason.to_owned(),
        field: None,
        record: record.map(RecordView::from),
    }))
}

/// A handler's (or the record's types') refusal of the data, naming the field
/// when it is about one.
pub(super) fn invalid(r: &Reject, record: Option<&Record>) -> Reply {
    Reply::Error(to_json(&Rejected {
        code: Code::Invalid,
        reason: r.reason().to_owned(),
        field: r.field_name().map(str::to_owned),
        record: record.map(RecordView::from),
    }))
}

/// A transient refusal: the same op may be sent again.
pub(super) fn retry(code: Code, reason: &str) -> Reply {
    Reply::Error(to_json(&Retry {
        code,
        reason: reason.to_owned(),
        retry: true,
    }))
}

/// A refusal to slow down, with when to try again.
pub(super) fn rate_limited(reason: &str, wait: Duration) -> Reply {
    rate_limited_with(Code::RateLimited, reason, wait)
}

/// A refusal with `code` that says when to try again.
pub(super) fn rate_limited_with(code: Code, reason: &str, wait: Duration) -> Reply {
    Reply::Error(to_json(&RateLimited {
        code,
        reason: reason.to_owned(),
        retry_after_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
    }))
}

/// An editable save's conflict, with the conflict panel rendered from it for
/// `viewer` (the client shows the panel as it comes).
pub(super) fn conflicted(current: &Record, conflict: Conflict, viewer: &By) -> Reply {
    let reason = if conflict.applied.is_empty() {
        format!(
            "conflict: this record was saved by someone else since your version {}; choose what to keep for the fields below and save again",
            conflict.base_version
        )
    } else {
        format!(
            "conflict: your changes to {} are saved; {} changed since your version {}: choose what to keep and save again",
            conflict.applied.join(", "),
            conflict
                .fields
                .iter()
                .map(|f| f.field.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            conflict.base_version
        )
    };
    with_panel(Code::Conflict, reason, current, conflict, viewer)
}

/// A save checked by version (pending, confirm-first) made from version
/// `sent` of a record that moved on: refused as stale with the current
/// record and, when it would change `fields` the current record has
/// otherwise, the conflict panel to choose between yours (the record it
/// would write) and theirs (no base: such a resource keeps no history), so
/// the form moves to the current version and its next save goes.
pub(super) fn stale_save(
    current: &Record,
    sent: i64,
    yours: Value,
    fields: Vec<FieldConflict>,
    reason: &str,
    viewer: &By,
) -> Reply {
    if fields.is_empty() {
        return reject(Code::Stale, reason, Some(current));
    }
    let conflict = Conflict {
        base_version: sent,
        version: current.version,
        yours,
        theirs: current.data.clone(),
        base: Value::Null,
        fields,
        merged: Vec::new(),
        applied: Vec::new(),
        by: current.updated_by.clone(),
    };
    with_panel(Code::Stale, reason.to_owned(), current, conflict, viewer)
}

/// A refusal carrying the conflict and its panel, worded for `viewer` (whose
/// own other window may be "the other").
fn with_panel(
    code: Code,
    reason: String,
    current: &Record,
    conflict: Conflict,
    viewer: &By,
) -> Reply {
    let mine = conflict
        .by
        .as_ref()
        .and_then(|b| b.get("user"))
        .and_then(Value::as_str)
        == Some(viewer.user.as_str());
    let panel = crate::ui::conflict_panel(&to_json(&conflict), mine).into_string();
    Reply::Error(to_json(&Conflicted {
        code,
        reason,
        record: current.into(),
        conflict,
        panel,
    }))
}

/// A reply as ledger rows written before answers were compact keep it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Stored {
    status: String,
    response: Value,
}

/// A reply a ledger row kept whole, as it was sent.
pub(super) fn from_stored(stored: Value) -> Reply {
    let Stored { status, response } = serde_json::from_value(stored).unwrap_or_default();
    if status == Status::Ok.as_str() {
        Reply::Ok(response)
    } else {
        Reply::Error(response)
    }
}
