//! What the ledger keeps of an op's final answer: its outcome and the ids and
//! versions needed to answer a replay the same way — never rendered HTML or
//! whole records, so a row stays a few hundred bytes whatever the record holds.
//!
//! Only ops that wrote something are kept (an editable save that wrote its
//! clean fields and came back with a conflict for the rest is one). A refusal changed nothing, so a replay of a
//! refused op runs again and is answered by the state of the store then: it
//! still applies at most once (docs/decisions.md, "A compact ledger").
//!
//! A replay is answered with the op's outcome and the record as it is now (a
//! newer version if others wrote since, `data: null` if it is gone), rendered
//! as patches render it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::dom::dom_id;
use super::patch::Renderer;
use super::payload::{
    By, Cleared, Confirmed, Conflict, DeleteScheduled, Deleted, RecordView, Undone, to_json,
};
use super::reply::{confirm, conflicted, from_stored};
use crate::conflict::FieldConflict;
use crate::store::records::{self, Found};
use crate::store::{Record, StoreError, StoreTx, history};
use crate::wire::Reply;

/// An applied op's answer, as its ledger row keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub(super) enum Answer {
    /// A write (insert, save, toggle…): the record's id and the version it made.
    Applied {
        id: String,
        version: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        temp_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        merged: Option<Vec<String>>,
    },
    /// An undoable delete, with its window and the references it cleared
    /// (which its undo sets back).
    DeleteScheduled {
        id: String,
        version: i64,
        undo_window_ms: i64,
        undo_until: i64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        cleared: Vec<Cleared>,
    },
    /// A confirmed delete.
    Deleted { id: String, version: i64 },
    /// An undo of the delete `undone`.
    Undone {
        undone: String,
        id: String,
        version: i64,
    },
    /// An editable save whose clean fields (`applied`) were written as
    /// `version` while `fields` conflict: a replay rebuilds the conflict from
    /// the save's own record, the history and the names kept here.
    Conflicted {
        id: String,
        version: i64,
        base_version: i64,
        fields: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        merged: Vec<String>,
        applied: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<Value>,
    },
}

/// A ledger row's answer: compact, or a whole reply as rows written before
/// answers were compact kept it (`{status, response}`).
pub(super) enum Row {
    Compact(Answer),
    Whole(Value),
}

impl Row {
    /// Whether the row is a conflicting save that wrote its clean fields
    /// (its replay is rebuilt from the save's own record).
    pub(super) fn is_partial_conflict(&self) -> bool {
        matches!(self, Row::Compact(Answer::Conflicted { .. }))
    }

    /// Reads a ledger row's `reply` column.
    pub(super) fn read(stored: Value) -> Row {
        if stored.get("status").is_some() {
            return Row::Whole(stored);
        }
        match serde_json::from_value(stored.clone()) {
            Ok(answer) => Row::Compact(answer),
            // Not ours: answer it as a whole reply would be (an error).
            Err(_) => Row::Whole(stored),
        }
    }

    /// The references an undoable delete cleared.
    pub(super) fn cleared(self) -> Vec<Cleared> {
        match self {
            Row::Compact(Answer::DeleteScheduled { cleared, .. }) => cleared,
            Row::Compact(_) => Vec::new(),
            Row::Whole(stored) => {
                serde_json::from_value(stored["response"]["cleared"].clone()).unwrap_or_default()
            }
        }
    }
}

/// The value of a field of a reply's response.
fn field<T: for<'de> Deserialize<'de>>(response: &Value, name: &str) -> Option<T> {
    serde_json::from_value(response.get(name)?.clone()).ok()
}

impl Answer {
    /// The compact answer of a fresh ok reply; `None` for a refusal (which is
    /// not kept) or a reply of no known shape.
    pub(super) fn of(reply: &Reply) -> Option<Answer> {
        let r = match reply {
            Reply::Ok(r) => r,
            Reply::Error(e) => return Answer::partly(e),
            Reply::NoReply => return None,
        };
        let id: String = field(&r["record"], "id")?;
        let version: i64 = field(&r["record"], "version")?;
        Some(if let Some(undone) = field(r, "undone") {
            Answer::Undone {
                undone,
                id,
                version,
            }
        } else if let Some(undo_window_ms) = field(r, "undo_window_ms") {
            Answer::DeleteScheduled {
                id,
                version,
                undo_window_ms,
                undo_until: field(r, "undo_until")?,
                cleared: field(r, "cleared").unwrap_or_default(),
            }
        } else if r.get("deleted").is_some() {
            Answer::Deleted { id, version }
        } else {
            Answer::Applied {
                id,
                version,
                temp_id: field(r, "temp_id"),
                merged: field(r, "merged"),
            }
        })
    }

    /// The answer of a conflict whose clean part was written (`None` for
    /// any other refusal: nothing was written).
    fn partly(e: &Value) -> Option<Answer> {
        let c = &e["conflict"];
        let applied: Vec<String> = field(c, "applied").unwrap_or_default();
        if e["code"] != "conflict" || applied.is_empty() {
            return None;
        }
        let names = c["fields"].as_array()?.iter();
        Some(Answer::Conflicted {
            id: field(&e["record"], "id")?,
            version: field(c, "version")?,
            base_version: field(c, "base_version")?,
            fields: names
                .filter_map(|f| f["field"].as_str().map(str::to_owned))
                .collect(),
            merged: field(c, "merged").unwrap_or_default(),
            applied,
            by: c.get("by").filter(|b| !b.is_null()).cloned(),
        })
    }

    /// The reply to a replay of this op: its outcome, and the record as it
    /// is now. A partly written conflict is rebuilt from `yours` (the
    /// replayed save's record) for `viewer`.
    pub(super) async fn replay(
        self,
        tx: &mut StoreTx,
        topic: &str,
        renderer: &Renderer,
        yours: &Value,
        viewer: &By,
    ) -> Result<Reply, StoreError> {
        Ok(match self {
            Answer::Conflicted {
                id,
                version,
                base_version,
                fields,
                merged,
                applied,
                by,
            } => {
                let theirs = match history::get(tx, topic, &id, version).await? {
                    Some(data) => data,
                    None => match records::find(tx, topic, &id).await? {
                        Found::Live(r) | Found::Deleting(r, _) => r.data,
                        Found::Missing => return Ok(gone(&id, version)),
                    },
                };
                let base = history::get(tx, topic, &id, base_version)
                    .await?
                    .unwrap_or(Value::Null);
                let fields = fields
                    .into_iter()
                    .map(|field| FieldConflict {
                        base: base.get(&field).cloned(),
                        yours: yours.get(&field).cloned(),
                        theirs: theirs.get(&field).cloned(),
                        field,
                    })
                    .collect();
                let record = Record {
                    kind: topic.to_owned(),
                    id,
                    version,
                    data: theirs.clone(),
                    inserted_at: 0,
                    updated_at: 0,
                    updated_by: None,
                };
                let conflict = Conflict {
                    base_version,
                    version,
                    yours: yours.clone(),
                    theirs,
                    base,
                    fields,
                    merged,
                    applied,
                    by,
                };
                conflicted(&record, conflict, viewer)
            }
            Answer::Applied {
                id,
                version,
                temp_id,
                merged,
            } => match records::find(tx, topic, &id).await? {
                Found::Live(record) => confirm(&Confirmed {
                    record: (&record).into(),
                    html: renderer.html(topic, &record),
                    temp_id,
                    merged,
                }),
                Found::Deleting(..) | Found::Missing => gone(&id, version),
            },
            Answer::DeleteScheduled {
                id,
                version,
                undo_window_ms,
                undo_until,
                cleared,
            } => {
                let record = match records::find(tx, topic, &id).await? {
                    Found::Live(record) | Found::Deleting(record, _) => (&record).into(),
                    Found::Missing => stub(&id, version),
                };
                confirm(&DeleteScheduled {
                    record,
                    undo_window_ms,
                    undo_until,
                    cleared,
                })
            }
            Answer::Deleted { id, version } => gone(&id, version),
            Answer::Undone {
                undone,
                id,
                version,
            } => {
                let (record, html) = match records::find(tx, topic, &id).await? {
                    Found::Live(record) => {
                        let html = renderer.html(topic, &record);
                        (RecordView::from(&record), html)
                    }
                    Found::Deleting(..) | Found::Missing => (stub(&id, version), None),
                };
                confirm(&Undone {
                    undone,
                    record,
                    dom_id: dom_id(topic, &id),
                    html,
                })
            }
        })
    }
}

impl Row {
    /// The reply to a replay (`yours`: the replayed save's record, for a
    /// conflict; `viewer`: who replays).
    pub(super) async fn replay(
        self,
        tx: &mut StoreTx,
        topic: &str,
        renderer: &Renderer,
        yours: &Value,
        viewer: &By,
    ) -> Result<Reply, StoreError> {
        match self {
            Row::Compact(answer) => answer.replay(tx, topic, renderer, yours, viewer).await,
            Row::Whole(stored) => Ok(from_stored(stored)),
        }
    }
}

/// A record that is gone, as a replay names it.
fn stub(id: &str, version: i64) -> RecordView {
    RecordView {
        id: id.to_owned(),
        version,
        data: Value::Null,
    }
}

/// The answer for a record that is gone now: deleted.
fn gone(id: &str, version: i64) -> Reply {
    confirm(&Deleted {
        record: stub(id, version),
        deleted: true,
    })
}

/// The answer as the ledger keeps it.
pub(super) fn kept(answer: &Answer) -> Value {
    to_json(answer)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::Code;

    #[test]
    fn a_fresh_reply_keeps_only_its_outcome_ids_and_versions() {
        let insert = Reply::Ok(json!({
            "record": {"id": "7", "version": 1, "data": {"title": "x".repeat(16_000)}},
            "html": "<li>…</li>", "temp_id": "tmp-1"
        }));
        let answer = Answer::of(&insert).expect("an ok reply");
        assert_eq!(
            kept(&answer),
            json!({"outcome": "applied", "id": "7", "version": 1, "temp_id": "tmp-1"})
        );
        let delete = Reply::Ok(json!({
            "record": {"id": "7", "version": 3, "data": {}},
            "undo_window_ms": 5000, "undo_until": 99,
            "cleared": [{"topic": "t:1", "id": "9", "field": "owner"}]
        }));
        assert!(matches!(
            Answer::of(&delete),
            Some(Answer::DeleteScheduled { cleared, .. }) if cleared.len() == 1
        ));
        let deleted =
            Reply::Ok(json!({"record": {"id": "7", "version": 3, "data": {}}, "deleted": true}));
        assert_eq!(
            Answer::of(&deleted),
            Some(Answer::Deleted {
                id: "7".into(),
                version: 3
            })
        );
        assert_eq!(Answer::of(&Reply::refuse(Code::Invalid, "no")), None);
    }

    #[test]
    fn rows_of_whole_replies_are_still_read() {
        let whole = json!({"status": "ok", "response": {"cleared": [{"topic": "t", "id": "1", "field": "f"}]}});
        assert_eq!(Row::read(whole).cleared().len(), 1);
        let compact = json!({"outcome": "deleted", "id": "1", "version": 2});
        assert!(matches!(
            Row::read(compact),
            Row::Compact(Answer::Deleted { .. })
        ));
    }
}
