//! The payloads of a resource's replies and events, as they go on the wire.
//!
//! Each is a struct (or, for patches, an enum) that serializes to exactly the
//! shape docs/protocol.md documents; the document shows one example of each
//! (a `json payload=<Name>` block) and a test reads every example back into its
//! type strictly (no field missing, none unknown, the same JSON out again).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::dom::dom_id;
use crate::conflict::{FieldConflict, Holder};
use crate::store::Record;
use crate::wire::Code;

/// Who made a change, from their token: the same `{user, name}` as a lock's
/// holder.
pub(crate) type By = Holder;

/// A payload as the JSON value a [`Reply`](crate::Reply) or a broadcast
/// carries. The types here hold strings, numbers and JSON values only, which
/// always serialize; a failure would be a bug, logged and sent as `null`.
pub(crate) fn to_json<T: Serialize>(payload: &T) -> Value {
    serde_json::to_value(payload).unwrap_or_else(|e| {
        tracing::error!("a payload failed to serialize: {e}");
        Value::Null
    })
}

/// A record as clients see it: `{id, version, data}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct RecordView {
    pub id: String,
    pub version: i64,
    pub data: Value,
}

impl From<&Record> for RecordView {
    fn from(record: &Record) -> RecordView {
        RecordView {
            id: record.id.clone(),
            version: record.version,
            data: record.data.clone(),
        }
    }
}

/// A record as a join reply or a page lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Listed {
    pub id: String,
    pub version: i64,
    pub data: Value,
    pub dom_id: String,
    pub html: Option<String>,
}

/// The reply to `page {after}`: the next records, and where the one after
/// starts (`null` at the end).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Page {
    pub records: Vec<Listed>,
    pub more: Option<String>,
}

/// The reply to a resource's join: the first page and the undo window.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Joined {
    pub records: Vec<Listed>,
    pub more: Option<String>,
    pub undo_window_ms: u64,
    /// The actions that cannot be taken back (`ActionKind::needs_connection`),
    /// sorted: a client never queues them while offline.
    pub needs_connection: Vec<String>,
    /// The joining user's drafts, when the resource keeps drafts and they have some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drafts: Vec<crate::store::Draft>,
}

/// `rtux:patch`: how a confirmed change reaches the other subscribers.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
#[serde(tag = "op", rename_all = "lowercase")]
pub(crate) enum Patch {
    /// A record to show at `at` (its index, oldest first), after the element
    /// `after` (`null` when first).
    Insert {
        dom_id: String,
        html: Option<String>,
        record: RecordView,
        at: i64,
        after: Option<String>,
        /// Who made the change (for the others' "Bo added …"), when it is
        /// announced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<By>,
        /// The record's label (the resource's `label` field), with `by`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    /// A record whose element is replaced.
    Replace {
        dom_id: String,
        html: Option<String>,
        record: RecordView,
        /// Who made the change (for the others' "Bo added …"), when it is
        /// announced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<By>,
        /// The record's label (the resource's `label` field), with `by`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    /// A record gone (deleted, or its undoable delete scheduled).
    Remove {
        dom_id: String,
        id: String,
        /// Who made the change (for the others' "Bo added …"), when it is
        /// announced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<By>,
        /// The record's label (the resource's `label` field), with `by`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
}

impl Patch {
    /// The remove patch of a record.
    pub(crate) fn remove(topic: &str, id: &str) -> Patch {
        Patch::Remove {
            dom_id: dom_id(topic, id),
            id: id.to_owned(),
            by: None,
            label: None,
        }
    }

    /// The same patch, saying who made the change and the record's label,
    /// so the others can be told ("Bo added “Write docs”").
    pub(crate) fn announced(mut self, who: &By, named: Option<String>) -> Patch {
        let (Patch::Insert { by, label, .. }
        | Patch::Replace { by, label, .. }
        | Patch::Remove { by, label, .. }) = &mut self;
        *by = Some(who.clone());
        *label = named;
        self
    }

    /// The rendered HTML the patch carries (the reply shares it).
    pub(crate) fn html(&self) -> Option<&str> {
        match self {
            Patch::Insert { html, .. } | Patch::Replace { html, .. } => html.as_deref(),
            Patch::Remove { .. } => None,
        }
    }

    /// The element the patch addresses.
    pub(crate) fn dom_id(&self) -> &str {
        match self {
            Patch::Insert { dom_id, .. }
            | Patch::Replace { dom_id, .. }
            | Patch::Remove { dom_id, .. } => dom_id,
        }
    }
}

/// `ok`: a change applied. `temp_id` answers an insert, `merged` an editable
/// save (the fields others changed that this save now includes).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Confirmed {
    pub record: RecordView,
    pub html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temp_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged: Option<Vec<String>>,
}

/// What a confirm reply says beside the record, by kind of change.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra {
    pub temp_id: Option<String>,
    pub merged: Option<Vec<String>>,
}

/// `ok`: an undoable delete scheduled; the record goes at `undo_until` unless
/// undone.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct DeleteScheduled {
    pub record: RecordView,
    pub undo_window_ms: i64,
    pub undo_until: i64,
    /// References to the record that the delete cleared (an undo sets them back).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cleared: Vec<Cleared>,
}

/// `ok`: a confirmed delete, with the record as it was.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Deleted {
    pub record: RecordView,
    pub deleted: bool,
}

/// `ok`: an undo; the record is back, rendered as the others get it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Undone {
    pub undone: String,
    pub record: RecordView,
    pub dom_id: String,
    pub html: Option<String>,
}

/// `error`: a final refusal, with the record as the server has it (`null` if
/// it does not exist) to roll back to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Rejected {
    pub code: Code,
    pub reason: String,
    /// The field the refusal is about (`invalid`), shown beside its input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub record: Option<RecordView>,
}

/// `error`: a transient refusal; the same op may be sent again.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Retry {
    pub code: Code,
    pub reason: String,
    pub retry: bool,
}

/// `error`: too many pushes of a kind; try again after `retry_after_ms`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct RateLimited {
    pub code: Code,
    pub reason: String,
    pub retry_after_ms: u64,
}

/// What an editable save ran into: everything the user needs to resolve it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Conflict {
    pub base_version: i64,
    pub version: i64,
    pub yours: Value,
    pub theirs: Value,
    pub base: Value,
    pub fields: Vec<FieldConflict>,
    pub merged: Vec<String>,
    /// The fields of this save that were written at once (it merged them
    /// cleanly); empty when nothing was written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied: Vec<String>,
    pub by: Option<Value>,
}

/// `error`: an editable save that conflicts, with the conflict panel rendered.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Conflicted {
    pub code: Code,
    pub reason: String,
    pub record: RecordView,
    pub conflict: Conflict,
    pub panel: String,
}

/// `rtux:fields`: the fields a confirmed change set (`null`: removed).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct FieldsChanged {
    pub id: String,
    pub version: i64,
    pub fields: Map<String, Value>,
    pub by: By,
}

/// `rtux:field`: an unsaved edit, as its user types.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct FieldPreview {
    pub id: String,
    pub field: String,
    pub value: Value,
    pub by: By,
}

/// `ok` to `lock`, and `rtux:lock` to the others.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Locked {
    pub id: String,
    pub section: String,
    pub holder: Holder,
    pub ttl_ms: u64,
}

/// `error` to `lock`: someone else holds it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct LockRefused {
    pub code: Code,
    pub reason: String,
    pub holder: Holder,
}

/// `rtux:unlock`: a lock ended (`released`, `expired` or `holder left`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Unlocked {
    pub id: String,
    pub section: String,
    pub reason: String,
}

/// `ok {}`: done, nothing to say.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub(crate) struct Done {}

/// A referring field a delete cleared (in the delete's reply, for its undo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, serde(deny_unknown_fields))]
pub(crate) struct Cleared {
    pub topic: String,
    pub id: String,
    pub field: String,
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;

    use super::*;

    const PROTOCOL: &str = include_str!("../../../docs/protocol.md");

    /// Every `json payload=<Name>` block of docs/protocol.md, in order.
    fn examples() -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut lines = PROTOCOL.lines();
        while let Some(line) = lines.next() {
            if let Some(name) = line.trim().strip_prefix("```json payload=") {
                let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
                found.push((name.trim().to_owned(), body.join("\n")));
            }
        }
        found
    }

    /// Reads an example into `T` strictly and writes it back: the same JSON
    /// means no field is missing, unknown or shaped differently.
    fn round_trip<T: Serialize + DeserializeOwned>(name: &str, example: &str) {
        let written: Value = serde_json::from_str(example)
            .unwrap_or_else(|e| panic!("protocol.md: the {name} example is not JSON: {e}"));
        let typed: T = serde_json::from_value(written.clone())
            .unwrap_or_else(|e| panic!("protocol.md: the {name} example does not fit {name}: {e}"));
        assert_eq!(
            to_json(&typed),
            written,
            "protocol.md: {name} serializes otherwise"
        );
    }

    /// Checks one example of the named payload.
    type Check = fn(&str, &str);

    #[test]
    fn protocol_md_shows_every_payload_as_it_is() {
        let checks: &[(&str, Check)] = &[
            ("Joined", round_trip::<Joined>),
            ("Page", round_trip::<Page>),
            ("Confirmed", round_trip::<Confirmed>),
            ("DeleteScheduled", round_trip::<DeleteScheduled>),
            ("Deleted", round_trip::<Deleted>),
            ("Undone", round_trip::<Undone>),
            ("Rejected", round_trip::<Rejected>),
            ("Retry", round_trip::<Retry>),
            ("RateLimited", round_trip::<RateLimited>),
            ("Conflicted", round_trip::<Conflicted>),
            ("Patch", round_trip::<Patch>),
            ("FieldsChanged", round_trip::<FieldsChanged>),
            ("FieldPreview", round_trip::<FieldPreview>),
            ("Locked", round_trip::<Locked>),
            ("LockRefused", round_trip::<LockRefused>),
            ("Unlocked", round_trip::<Unlocked>),
            ("Done", round_trip::<Done>),
        ];
        let examples = examples();
        for (name, check) in checks {
            let mine: Vec<&String> = examples
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, body)| body)
                .collect();
            assert!(!mine.is_empty(), "protocol.md shows no {name} payload");
            for body in mine {
                check(name, body);
            }
        }
        for (name, _) in &examples {
            assert!(
                checks.iter().any(|(n, _)| n == name),
                "protocol.md shows a {name} payload that no type has"
            );
        }
    }
}
