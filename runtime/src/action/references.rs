//! References: fields that hold the id of a record on another topic. A write
//! that sets one is refused unless that record exists; deleting a referenced
//! record is refused, naming what refers to it, or clears the referring
//! fields (and an undo of the delete sets them back).

use serde_json::Value;

use super::ReferenceError;
use super::dom::dom_id;
use super::failure::Failure;
use super::payload::{By, Cleared, Patch, RecordView, to_json};
use super::referrers::{self, Referrer};
use crate::store::records::{self, Found};
use crate::store::references::{self as refs, Hold};
use crate::store::{Record, Store, StoreTx};

/// What deleting a referenced record does to the records that refer to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDelete {
    /// The delete is refused, with a message naming the referring records.
    #[default]
    Refuse,
    /// The referring field is set to `null` (its records are patched for
    /// everyone); undoing the delete sets it back.
    Clear,
}

/// A field's reference: the topic whose records it names by id.
///
/// ```
/// use rtux::action::{OnDelete, Reference};
/// let owner = Reference::to("people:all").optional().on_delete(OnDelete::Clear);
/// assert_eq!(owner.topic(), "people:all");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    to: String,
    optional: bool,
    on_delete: OnDelete,
}

impl Reference {
    /// A required reference to a record of `topic` (an exact topic); deleting
    /// that record is refused while this one names it.
    pub fn to(topic: impl Into<String>) -> Reference {
        Reference {
            to: topic.into(),
            optional: false,
            on_delete: OnDelete::Refuse,
        }
    }

    /// The field may be empty (`null` or `""`).
    pub fn optional(mut self) -> Reference {
        self.optional = true;
        self
    }

    /// What deleting the referenced record does ([`OnDelete::Clear`] needs
    /// an [`optional`](Self::optional) field).
    pub fn on_delete(mut self, on_delete: OnDelete) -> Reference {
        self.on_delete = on_delete;
        self
    }

    /// The referenced records' topic.
    pub fn topic(&self) -> &str {
        &self.to
    }

    /// Checks the declaration of `field`.
    pub(super) fn check(&self, field: &str) -> Result<(), ReferenceError> {
        if !matches!(
            rtux_rules::topic_pattern(&self.to),
            Ok(rtux_rules::TopicPattern::Exact(_))
        ) {
            return Err(ReferenceError::NotATopic {
                field: field.to_owned(),
                to: self.to.clone(),
            });
        }
        if self.on_delete == OnDelete::Clear && !self.optional {
            return Err(ReferenceError::ClearNeedsOptional(field.to_owned()));
        }
        Ok(())
    }

    pub(super) fn clears(&self) -> bool {
        self.on_delete == OnDelete::Clear
    }
}

/// Why a record's references are refused (with the code `invalid`).
#[derive(Debug, thiserror::Error)]
pub(super) enum BadReference {
    /// A required reference is empty.
    #[error("{0}: choose one; it can't be empty")]
    Empty(String),
    /// A reference that is not a string.
    #[error("{0}: a reference is the id of a record (a string)")]
    NotAnId(String),
    /// The referenced record is not (or no longer) there.
    #[error("{field}: that record is not in {to} (it may have just been deleted); choose another")]
    Gone {
        /// The referring field.
        field: String,
        /// The referenced topic.
        to: String,
    },
}

/// Why a delete is refused (with the code `referenced`): the records that
/// refer to the one deleted, by kind (`tasks "Write", "Ship"`).
#[derive(Debug, thiserror::Error)]
#[error("can't delete: {} refer to it; change or delete those first", .0.join("; "))]
pub(super) struct Referenced(Vec<String>);

/// What a delete did to the records referring to its record: the cleared
/// fields, and their patches by topic.
#[derive(Default)]
pub(super) struct Released {
    pub cleared: Vec<Cleared>,
    pub patches: Vec<(String, Value)>,
}

/// How many referring records a refusal names.
const NAMED: usize = 3;

/// The most records one delete clears references in.
const MOST_CLEARED: i64 = 100_000;

/// `"a", "b" and "c"`, or `"a", "b", "c" and more` when there are more.
fn names(mut named: Vec<String>) -> String {
    let more = named.len() > NAMED;
    named.truncate(NAMED);
    match (named.pop(), more) {
        (Some(last), false) if !named.is_empty() => format!("{} and {last}", named.join(", ")),
        (Some(last), true) => {
            named.push(last);
            format!("{} and more", named.join(", "))
        }
        (Some(last), false) => last,
        (None, _) => String::new(),
    }
}

/// The patch of a referring record whose field changed.
fn patch(referrer: &Referrer, record: &Record) -> (String, Value) {
    let patch = Patch::Replace {
        dom_id: dom_id(&record.kind, &record.id),
        html: referrer.renderer.html(&record.kind, record),
        record: RecordView::from(record),
        by: None,
        label: None,
    };
    (record.kind.clone(), to_json(&patch))
}

/// A resource's references part: which of its fields name records of other
/// topics, and what deleting one of its own records does to those that refer
/// to it (the store's registry of referrers, every resource's).
pub(super) struct References {
    store: Store,
    /// Fields holding ids of other topics' records.
    fields: Vec<(String, Reference)>,
}

impl References {
    /// The references of `fields`, checked against `store`'s records.
    pub(super) fn new(store: Store, fields: Vec<(String, Reference)>) -> References {
        References { store, fields }
    }

    /// Checks the references `data` sets (those that differ from `before`):
    /// each names a live record of its topic, held until the transaction
    /// ends. The refusal's reason, if not.
    pub(super) async fn hold(
        &self,
        tx: &mut StoreTx,
        before: Option<&Value>,
        data: &Value,
    ) -> Result<Result<(), BadReference>, Failure> {
        for (field, reference) in &self.fields {
            let value = &data[field];
            if before.is_some_and(|b| &b[field] == value) {
                continue;
            }
            let id = match value {
                Value::String(id) if !id.is_empty() => id,
                Value::Null if reference.optional => continue,
                Value::String(_) if reference.optional => continue,
                Value::Null | Value::String(_) => {
                    return Ok(Err(BadReference::Empty(field.clone())));
                }
                _ => return Ok(Err(BadReference::NotAnId(field.clone()))),
            };
            let backend = self.store.backend();
            if !refs::hold(tx, backend, &reference.to, id, Hold::Share).await? {
                return Ok(Err(BadReference::Gone {
                    field: field.clone(),
                    to: reference.to.clone(),
                }));
            }
        }
        Ok(Ok(()))
    }

    /// Before record `id` of `topic` goes: the refusal naming the records that
    /// refer to it, or those whose references clear (set to `null`, as the
    /// deleting user's writes).
    pub(super) async fn release(
        &self,
        tx: &mut StoreTx,
        topic: &str,
        id: &str,
        by: &By,
    ) -> Result<Result<Released, Referenced>, Failure> {
        let referrers = referrers::of(&self.store).to(topic);
        let mut released = Released::default();
        if referrers.is_empty() {
            return Ok(Ok(released));
        }
        let backend = self.store.backend();
        // No new referrer until this transaction ends.
        refs::hold(tx, backend, topic, id, Hold::Exclusive).await?;
        let mut refusals = Vec::new();
        for r in referrers.iter().filter(|r| !r.clear) {
            let on = (&r.pattern, r.field.as_str());
            let found = refs::referring(tx, backend, on, id, NAMED as i64 + 1).await?;
            if !found.is_empty() {
                let named = found.iter().map(|f| r.name_of(f)).collect();
                refusals.push(format!("{} {}", r.noun(), names(named)));
            }
        }
        if !refusals.is_empty() {
            return Ok(Err(Referenced(refusals)));
        }
        let stamp = to_json(by);
        for r in referrers.iter().filter(|r| r.clear) {
            let on = (&r.pattern, r.field.as_str());
            for found in refs::referring(tx, backend, on, id, MOST_CLEARED).await? {
                let Some(cleared) =
                    refs::set_field(tx, &found, &r.field, Value::Null, &stamp).await?
                else {
                    return Err(Failure::Busy);
                };
                released.patches.push(patch(r, &cleared));
                released.cleared.push(Cleared {
                    topic: cleared.kind,
                    id: cleared.id,
                    field: r.field.clone(),
                });
            }
        }
        Ok(Ok(released))
    }

    /// After an undo brought record `id` back: the references its delete
    /// cleared point at it again, where nobody has set them since. Their
    /// patches, by topic.
    pub(super) async fn restore(
        &self,
        tx: &mut StoreTx,
        cleared: &[Cleared],
        id: &str,
        by: &Value,
    ) -> Result<Vec<(String, Value)>, Failure> {
        let mut patches = Vec::new();
        let registry = referrers::of(&self.store);
        for c in cleared {
            let Some(r) = registry.field(&c.topic, &c.field) else {
                continue;
            };
            let Found::Live(record) = records::find(tx, &c.topic, &c.id).await? else {
                continue;
            };
            if !record.data[&c.field].is_null() {
                continue;
            }
            match refs::set_field(tx, &record, &c.field, Value::from(id), by).await? {
                Some(restored) => patches.push(patch(&r, &restored)),
                None => return Err(Failure::Busy),
            }
        }
        Ok(patches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_few() {
        let n = |v: &[&str]| names(v.iter().map(|s| format!("{s:?}")).collect());
        assert_eq!(n(&["a"]), r#""a""#);
        assert_eq!(n(&["a", "b"]), r#""a" and "b""#);
        assert_eq!(n(&["a", "b", "c"]), r#""a", "b" and "c""#);
        assert_eq!(n(&["a", "b", "c", "d"]), r#""a", "b", "c" and more"#);
    }

    #[test]
    fn declarations_are_checked() {
        assert!(Reference::to("people:all").check("owner").is_ok());
        assert!(Reference::to("people:*").check("owner").is_err());
        let clear = Reference::to("people:all").on_delete(OnDelete::Clear);
        assert_eq!(
            clear.check("owner"),
            Err(ReferenceError::ClearNeedsOptional("owner".into()))
        );
        assert!(clear.optional().check("owner").is_ok());
    }
}
