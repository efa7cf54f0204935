//! What each action kind does to the store, inside the action's transaction.

use serde_json::{Map, Value};

use super::failure::Failure;
use super::live::locked_out;
use super::payload::{
    By, Confirmed, Conflict, DeleteScheduled, Deleted, Extra, FieldsChanged, Patch, to_json,
};
use super::reply::{confirm, conflicted, invalid, reject, stale_save};
use super::request::ActionRequest;
use super::run::{After, Runner};
use super::{Action, FIELDS_EVENT, PATCH_EVENT, Reject};
use crate::conflict::{FieldConflict, Merge};
use crate::store::records::{self, Found};
use crate::store::{OpKey, Record, StoreTx, Written, history, now_ms};
use crate::wire::{Code, Reply};

/// How often a write that lost a race is retried against the new record.
const RETRIES: usize = 8;

type Outcome = Result<(Reply, After), Failure>;

fn nothing(reply: Reply) -> Outcome {
    Ok((reply, After::Nothing))
}

/// The live record for a writer, or the final refusal.
async fn live(tx: &mut StoreTx, topic: &str, id: &str) -> Result<Result<Record, Reply>, Failure> {
    Ok(match records::find(tx, topic, id).await? {
        Found::Live(record) => Ok(record),
        Found::Deleting(record, until) => {
            // The refusal of a write to a record whose undoable delete is under way.
            let left = ((until - now_ms()).max(0) + 999) / 1000;
            let reason = format!(
                "being deleted: this record was deleted and can be restored with Undo for {left} more s; nothing was changed"
            );
            Err(reject(Code::Deleting, &reason, Some(&record)))
        }
        Found::Missing => Err(reject(Code::NotFound, "not found", None)),
    })
}

/// The live record for a writer who saw `version`, or the final refusal
/// (stale when it has moved on).
async fn live_at(
    tx: &mut StoreTx,
    topic: &str,
    id: &str,
    version: i64,
) -> Result<Result<Record, Reply>, Failure> {
    Ok(live(tx, topic, id).await?.and_then(|current| {
        if current.version == version {
            Ok(current)
        } else {
            Err(reject(
                Code::Stale,
                &stale(version, &current),
                Some(&current),
            ))
        }
    }))
}

impl Runner {
    /// The change itself, inside the transaction.
    pub(super) async fn change(
        &self,
        tx: &mut StoreTx,
        action: &Action,
        req: &ActionRequest,
        key: &OpKey,
        by: &By,
    ) -> Outcome {
        let topic = key.topic.as_str();
        let id = req.id.as_deref().unwrap_or_default();
        let version = req.version.unwrap_or_default();
        match action {
            Action::Insert(create) => match create(&req.data) {
                Ok(_) if records::count_live(tx, topic).await? >= self.max_records => {
                    let reason = format!(
                        "full: this list holds {} records, the most it may; delete some first",
                        self.max_records
                    );
                    nothing(reject(Code::Full, &reason, None))
                }
                Ok(data) => {
                    if let Err(reason) = self.references.hold(tx, None, &data).await? {
                        return nothing(reject(Code::Invalid, &reason.to_string(), None));
                    }
                    let record =
                        records::insert(tx, topic, None, &data, Some(&to_json(by))).await?;
                    let (at, previous) = records::position(tx, &record).await?;
                    let patch = (self.renderer)
                        .insert(topic, &record, at, previous.as_deref())
                        .announced(by, self.label_of(&record));
                    let extra = Extra {
                        temp_id: req.temp_id.clone(),
                        ..Extra::default()
                    };
                    self.confirmed(tx, &record, patch, extra).await
                }
                Err(r) => nothing(invalid(&r, None)),
            },
            Action::UndoableDelete(window) => {
                let current = match live(tx, topic, id).await? {
                    Ok(record) => record,
                    Err(refused) => return nothing(refused),
                };
                let released = match self.references.release(tx, topic, id, by).await? {
                    Ok(released) => released,
                    Err(reason) => {
                        let reason = reason.to_string();
                        return nothing(reject(Code::Referenced, &reason, Some(&current)));
                    }
                };
                let window = window.unwrap_or(self.undo_window);
                let ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
                let until = now_ms().saturating_add(ms);
                if !records::mark_deleting(tx, topic, id, until, &key.mark()).await? {
                    return Err(Failure::Busy);
                }
                let reply = confirm(&DeleteScheduled {
                    record: (&current).into(),
                    undo_window_ms: ms,
                    undo_until: until,
                    cleared: released.cleared,
                });
                // Gone for the others now; back for them if it is undone.
                let gone = Patch::remove(topic, id).announced(by, self.label_of(&current));
                let removed = vec![(PATCH_EVENT, to_json(&gone))];
                Ok((reply, After::Broadcast(removed, released.patches)))
            }
            Action::ConfirmedDelete => {
                let current = match live_at(tx, topic, id, version).await? {
                    Ok(record) => record,
                    Err(refused) => return nothing(refused),
                };
                let released = match self.references.release(tx, topic, id, by).await? {
                    Ok(released) => released,
                    Err(reason) => {
                        let reason = reason.to_string();
                        return nothing(reject(Code::Referenced, &reason, Some(&current)));
                    }
                };
                // The row is this transaction's now: the delete applies.
                let Written::Applied(record) =
                    records::delete(tx, topic, id, Some(version)).await?
                else {
                    return Err(Failure::Busy);
                };
                let deleted = confirm(&Deleted {
                    record: (&record).into(),
                    deleted: true,
                });
                let gone = Patch::remove(topic, id).announced(by, self.label_of(&current));
                let removed = vec![(PATCH_EVENT, to_json(&gone))];
                Ok((deleted, After::Broadcast(removed, released.patches)))
            }
            Action::ServerCorrects(change) => {
                for _ in 0..RETRIES {
                    let current = match live(tx, topic, id).await? {
                        Ok(record) => record,
                        Err(refused) => return nothing(refused),
                    };
                    let data = match change(&current, &req.data) {
                        Ok(data) => data,
                        Err(r) => {
                            return nothing(invalid(&r, Some(&current)));
                        }
                    };
                    if let Some(done) = self
                        .write(tx, &current, current.version, &data, Extra::default(), by)
                        .await?
                    {
                        return Ok(done);
                    }
                }
                Err(Failure::Busy)
            }
            Action::Pending(change) | Action::ConfirmFirst(change) => {
                let current = match live(tx, topic, id).await? {
                    Ok(record) => record,
                    Err(refused) => return nothing(refused),
                };
                if current.version != version {
                    return nothing(stale_of(&current, version, change(&current, &req.data), by));
                }
                let data = match change(&current, &req.data) {
                    Ok(data) => data,
                    Err(r) => return nothing(invalid(&r, Some(&current))),
                };
                if let Some(reason) = locked_out(tx, &current, &data, &by.user).await? {
                    return nothing(reject(Code::Locked, &reason, Some(&current)));
                }
                match self
                    .write(tx, &current, version, &data, Extra::default(), by)
                    .await?
                {
                    Some(done) => Ok(done),
                    None => match live(tx, topic, id).await? {
                        Err(refused) => nothing(refused),
                        Ok(now) => nothing(reject(
                            Code::Stale,
                            "stale: the record changed while saving",
                            Some(&now),
                        )),
                    },
                }
            }
            Action::Editable(merge, validate) => {
                let current = match live(tx, topic, id).await? {
                    Ok(record) => record,
                    Err(refused) => return nothing(refused),
                };
                match validate(&current, &req.data) {
                    Ok(yours) => {
                        self.save(tx, merge.as_ref(), current, yours, version, by)
                            .await
                    }
                    Err(r) => nothing(invalid(&r, Some(&current))),
                }
            }
        }
    }

    /// A save of the user's whole record, made from `version`: written as is if
    /// the record is still there; merged field by field if others saved since;
    /// a conflict (with yours, theirs and base) if both changed a field.
    async fn save(
        &self,
        tx: &mut StoreTx,
        merge: &dyn Merge,
        mut current: Record,
        yours: Value,
        version: i64,
        by: &By,
    ) -> Outcome {
        for _ in 0..RETRIES {
            let (data, merged, conflicts, base) = if current.version == version {
                // Nobody saved since: the user's record, but through the merge
                // so fields it never takes from a save (skip) keep their value.
                let data = merge.merge(&current.data, &yours, &current.data).value;
                (data, Vec::new(), Vec::new(), Value::Null)
            } else {
                let base = history::get(tx, &current.kind, &current.id, version)
                    .await?
                    .unwrap_or(Value::Null);
                let m = merge.merge(&base, &yours, &current.data);
                (m.value, m.merged, m.conflicts, base)
            };
            // What this save changes now: with conflicts, every field that
            // merged cleanly, applied at once (the conflicting ones keep
            // theirs until the user resolves them).
            if (conflicts.is_empty() || data != current.data)
                && let Some(reason) = locked_out(tx, &current, &data, &by.user).await?
            {
                return nothing(reject(Code::Locked, &reason, Some(&current)));
            }
            if !conflicts.is_empty() && data == current.data {
                let conflict = Conflict {
                    base_version: version,
                    version: current.version,
                    yours,
                    theirs: current.data.clone(),
                    base,
                    fields: conflicts,
                    merged,
                    applied: Vec::new(),
                    by: current.updated_by.clone(),
                };
                return nothing(conflicted(&current, conflict, by));
            }
            let applied = if conflicts.is_empty() {
                Vec::new()
            } else {
                changed_fields(&current.data, &data)
                    .keys()
                    .cloned()
                    .collect()
            };
            let extra = Extra {
                merged: Some(merged.clone()),
                ..Extra::default()
            };
            let other = current.updated_by.clone();
            match self
                .write(tx, &current, current.version, &data, extra, by)
                .await?
            {
                Some(done) if conflicts.is_empty() => return Ok(done),
                Some((Reply::Ok(_), after)) => {
                    // The clean part is saved; the rest waits for the person.
                    let Some(now) = records::get(tx, &current.kind, &current.id).await? else {
                        return Err(Failure::Busy);
                    };
                    let conflict = Conflict {
                        base_version: version,
                        version: now.version,
                        yours,
                        theirs: now.data.clone(),
                        base,
                        fields: conflicts,
                        merged,
                        applied,
                        by: other,
                    };
                    return Ok((conflicted(&now, conflict, by), after));
                }
                Some(refused) => return Ok(refused),
                None => match live(tx, &current.kind, &current.id).await? {
                    Ok(now) => current = now,
                    Err(refused) => return nothing(refused),
                },
            }
        }
        Err(Failure::Busy)
    }

    /// Writes `data` at `version`; `None` if another writer got in first.
    async fn write(
        &self,
        tx: &mut StoreTx,
        current: &Record,
        version: i64,
        data: &Value,
        extra: Extra,
        by: &By,
    ) -> Result<Option<(Reply, After)>, Failure> {
        if let Err(reason) = self.references.hold(tx, Some(&current.data), data).await? {
            return Ok(Some((
                reject(Code::Invalid, &reason.to_string(), Some(current)),
                After::Nothing,
            )));
        }
        let stamp = to_json(by);
        match records::update(tx, &current.kind, &current.id, version, data, Some(&stamp)).await? {
            Written::Applied(record) => {
                let patch = (self.renderer.replace(&current.kind, &record))
                    .announced(by, self.label_of(&record));
                let (reply, after) = self.confirmed(tx, &record, patch, extra).await?;
                let fields = changed_fields(&current.data, &record.data);
                let after = match after {
                    After::Broadcast(mut events, elsewhere) if !fields.is_empty() => {
                        let changed = FieldsChanged {
                            id: record.id.clone(),
                            version: record.version,
                            fields,
                            by: by.clone(),
                        };
                        events.push((FIELDS_EVENT, to_json(&changed)));
                        After::Broadcast(events, elsewhere)
                    }
                    other => other,
                };
                Ok(Some((reply, after)))
            }
            Written::Stale(_) | Written::Missing => Ok(None),
        }
    }

    /// The confirm reply and its patch (whose HTML the reply shares); keeps the
    /// version for later merges.
    async fn confirmed(
        &self,
        tx: &mut StoreTx,
        record: &Record,
        patch: Patch,
        extra: Extra,
    ) -> Outcome {
        if self.keeps_history {
            history::put(tx, record).await?;
        }
        // The patch already carries the rendered HTML: render once, use twice.
        let confirmed = Confirmed {
            record: record.into(),
            html: patch.html().map(str::to_owned),
            temp_id: extra.temp_id,
            merged: extra.merged,
        };
        Ok((
            confirm(&confirmed),
            After::Broadcast(vec![(PATCH_EVENT, to_json(&patch))], Vec::new()),
        ))
    }
}

/// The top-level fields whose value differs, with their new value (`null` when
/// removed).
fn changed_fields(before: &Value, after: &Value) -> Map<String, Value> {
    let empty = Map::new();
    let (b, a) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    b.keys()
        .chain(a.keys())
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (k.clone(), a.get(k).cloned().unwrap_or(Value::Null)))
        .collect()
}

/// The refusal of a version-checked save made from version `sent`, with
/// what it would have written (`yours`, when the action accepts it) beside
/// the current record, field by field.
fn stale_of(current: &Record, sent: i64, yours: Result<Value, Reject>, by: &By) -> Reply {
    let reason = stale(sent, current);
    let Ok(yours) = yours else {
        return reject(Code::Stale, &reason, Some(current));
    };
    let fields = changed_fields(&current.data, &yours)
        .into_iter()
        .map(|(field, mine)| FieldConflict {
            theirs: current.data.get(&field).cloned(),
            yours: (!mine.is_null()).then_some(mine),
            base: None,
            field,
        })
        .collect();
    stale_save(current, sent, yours, fields, &reason, by)
}

fn stale(sent: i64, current: &Record) -> String {
    format!(
        "stale: you edited version {sent}, the record is now at version {}",
        current.version
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changed_fields_lists_changes_and_removals() {
        let got = changed_fields(
            &json!({"a": 1, "b": 2, "c": 3}),
            &json!({"a": 1, "b": 5, "d": 4}),
        );
        assert_eq!(Value::Object(got), json!({"b": 5, "c": null, "d": 4}));
    }
}
