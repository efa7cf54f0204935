//! Field-level three-way merge of JSON records.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

/// How one field merges when both sides changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldRule {
    /// The value is one piece (the default, for scalars, lists and objects
    /// alike): different changes on both sides are a conflict.
    #[default]
    Atomic,
    /// The value is a set (a JSON array without meaningful order or duplicates):
    /// additions and removals from both sides are combined, never a conflict.
    SetUnion,
    /// The value is the server's (a counter others bump, who last edited, a
    /// computed field): a save never changes it, it keeps its current value,
    /// never a conflict.
    Skip,
}

/// A field both sides changed differently: the user decides.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct FieldConflict {
    /// The field's name.
    pub field: String,
    /// Its value in the version the user started from (`null` if absent).
    pub base: Option<Value>,
    /// The user's value (`null` if they removed the field).
    pub yours: Option<Value>,
    /// The current value (`null` if it was removed).
    pub theirs: Option<Value>,
}

/// The result of a merge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Merged {
    /// The merged record: every clean field merged; conflicting fields keep
    /// the current ("theirs") value until the user resolves them.
    pub value: Value,
    /// Fields another user changed that were merged into this save, and fields
    /// combined by a finer rule: what the user should be told about.
    pub merged: Vec<String>,
    /// Fields both sides changed differently.
    pub conflicts: Vec<FieldConflict>,
}

/// A resource's merge capability: `merge(base, yours, theirs)`.
///
/// Usually a [`FieldMerge`]: written by hand, or derived from the fields'
/// `#[rtux(merge = "…")]` rules ([`Model::merge`](crate::model::Model::merge)).
pub trait Merge: Send + Sync + 'static {
    /// Merges the user's record (`yours`) into the current one (`theirs`), both
    /// descended from `base`.
    fn merge(&self, base: &Value, yours: &Value, theirs: &Value) -> Merged;
}

/// Field-by-field merge of JSON objects, each top-level field by its
/// [`FieldRule`] (atomic unless set otherwise).
///
/// - a field only one side changed takes that side's value (a removal is a change);
/// - the same change on both sides is no conflict;
/// - different changes on both sides are a [`FieldConflict`], unless the field's
///   rule combines them ([`FieldRule::SetUnion`]).
///
/// A record that is not a JSON object is one atomic field named `""`.
///
/// ```
/// use rtux::conflict::{FieldMerge, FieldRule, Merge};
/// use serde_json::json;
///
/// let merge = FieldMerge::new().rule("tags", FieldRule::SetUnion);
/// let base = json!({"title": "Plan", "body": "draft", "tags": ["a"]});
/// let yours = json!({"title": "Plan", "body": "final", "tags": ["a", "mine"]});
/// let theirs = json!({"title": "Q3 plan", "body": "draft", "tags": ["a", "theirs"]});
/// let m = merge.merge(&base, &yours, &theirs);
/// assert!(m.conflicts.is_empty());
/// assert_eq!(m.value, json!({"title": "Q3 plan", "body": "final", "tags": ["a", "theirs", "mine"]}));
/// assert_eq!(m.merged, ["tags", "title"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct FieldMerge {
    rules: BTreeMap<String, FieldRule>,
}

impl FieldMerge {
    /// Every field atomic.
    pub fn new() -> FieldMerge {
        FieldMerge::default()
    }

    /// Sets the rule of one field.
    pub fn rule(mut self, field: &str, rule: FieldRule) -> FieldMerge {
        self.rules.insert(field.to_owned(), rule);
        self
    }
}

fn fields(value: &Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        other => Map::from_iter([(String::new(), other.clone())]),
    }
}

impl Merge for FieldMerge {
    fn merge(&self, base: &Value, yours: &Value, theirs: &Value) -> Merged {
        let (b, y, t) = (fields(base), fields(yours), fields(theirs));
        let names: BTreeSet<&String> = b.keys().chain(y.keys()).chain(t.keys()).collect();
        let mut value = Map::new();
        let mut merged = Vec::new();
        let mut conflicts = Vec::new();
        for name in names {
            let (bv, yv, tv) = (b.get(name), y.get(name), t.get(name));
            let outcome = if self.rule_of(name) == FieldRule::Skip {
                tv.cloned()
            } else if yv == tv || tv == bv {
                yv.cloned()
            } else if yv == bv {
                merged.push(name.clone());
                tv.cloned()
            } else if let Some(union) = self.combine(name, bv, yv, tv) {
                merged.push(name.clone());
                Some(union)
            } else {
                conflicts.push(FieldConflict {
                    field: name.clone(),
                    base: bv.cloned(),
                    yours: yv.cloned(),
                    theirs: tv.cloned(),
                });
                tv.cloned()
            };
            if let Some(v) = outcome {
                value.insert(name.clone(), v);
            }
        }
        Merged {
            value: Value::Object(value),
            merged,
            conflicts,
        }
    }
}

impl FieldMerge {
    fn rule_of(&self, name: &str) -> FieldRule {
        self.rules.get(name).copied().unwrap_or_default()
    }

    /// Combines two different changes by the field's rule, if it has one that can.
    fn combine(
        &self,
        name: &str,
        base: Option<&Value>,
        yours: Option<&Value>,
        theirs: Option<&Value>,
    ) -> Option<Value> {
        if self.rule_of(name) != FieldRule::SetUnion {
            return None;
        }
        fn as_set<'a>(v: Option<&'a Value>, empty: &'a [Value]) -> Option<&'a [Value]> {
            match v {
                None | Some(Value::Null) => Some(empty),
                Some(Value::Array(a)) => Some(a),
                Some(_) => None,
            }
        }
        let empty: [Value; 0] = [];
        let (b, y, t) = (
            as_set(base, &empty)?,
            as_set(yours, &empty)?,
            as_set(theirs, &empty)?,
        );
        let mut out: Vec<Value> = Vec::new();
        // Theirs first (in their order), minus what you removed; then your additions.
        for e in t.iter().chain(y.iter()) {
            let kept = (y.contains(e) && t.contains(e)) || !b.contains(e);
            if kept && !out.contains(e) {
                out.push(e.clone());
            }
        }
        Some(Value::Array(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn m() -> FieldMerge {
        FieldMerge::new().rule("tags", FieldRule::SetUnion)
    }

    #[test]
    fn skipped_fields_keep_the_current_value() {
        let m = FieldMerge::new().rule("edits", FieldRule::Skip);
        let r = m.merge(
            &json!({"edits": 1, "t": "a"}),
            &json!({"edits": 9, "t": "b"}),
            &json!({"edits": 2, "t": "a"}),
        );
        assert!(r.conflicts.is_empty() && r.merged.is_empty());
        assert_eq!(r.value, json!({"edits": 2, "t": "b"}));
    }

    #[test]
    fn both_changed_differently_is_a_conflict_carrying_both() {
        let r = m().merge(&json!({"t": 1}), &json!({"t": 2}), &json!({"t": 3}));
        assert_eq!(
            r.conflicts,
            vec![FieldConflict {
                field: "t".into(),
                base: Some(json!(1)),
                yours: Some(json!(2)),
                theirs: Some(json!(3))
            }]
        );
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let r = m().merge(&json!({"t": 1}), &json!({"t": 2}), &json!({"t": 2}));
        assert!(r.conflicts.is_empty() && r.merged.is_empty());
        assert_eq!(r.value, json!({"t": 2}));
    }

    #[test]
    fn removals_merge_like_changes() {
        let r = m().merge(
            &json!({"a": 1, "b": 2}),
            &json!({"b": 2}),
            &json!({"a": 1, "b": 3}),
        );
        assert_eq!(r.value, json!({"b": 3}));
        let r = m().merge(&json!({"a": 1}), &json!({}), &json!({"a": 5}));
        assert_eq!(r.conflicts[0].yours, None);
    }

    #[test]
    fn nested_values_are_atomic_by_default() {
        let base = json!({"addr": {"city": "A", "zip": "1"}});
        let yours = json!({"addr": {"city": "B", "zip": "1"}});
        let theirs = json!({"addr": {"city": "A", "zip": "2"}});
        assert_eq!(m().merge(&base, &yours, &theirs).conflicts.len(), 1);
    }

    #[test]
    fn set_union_combines_additions_and_removals() {
        let r = m().merge(
            &json!({"tags": ["a", "b", "c"]}),
            &json!({"tags": ["a", "c", "y"]}),
            &json!({"tags": ["a", "b", "t"]}),
        );
        assert_eq!(r.value, json!({"tags": ["a", "t", "y"]}));
        assert_eq!(r.merged, ["tags"]);
    }

    fn record() -> impl Strategy<Value = Value> {
        let scalar = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (0i64..4).prop_map(Value::from),
            "[ab]{0,2}".prop_map(Value::from),
        ];
        let field = prop_oneof![
            scalar.clone(),
            prop::collection::vec(scalar, 0..3).prop_map(Value::from)
        ];
        prop::collection::btree_map("[abc]|tags", field, 0..5)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
    }

    proptest! {
        #[test]
        fn only_yours_changed_gives_yours(base in record(), x in record()) {
            let r = m().merge(&base, &x, &base);
            prop_assert!(r.conflicts.is_empty());
            prop_assert_eq!(r.value, x);
        }

        #[test]
        fn only_theirs_changed_gives_theirs(base in record(), y in record()) {
            let r = m().merge(&base, &base, &y);
            prop_assert!(r.conflicts.is_empty());
            prop_assert_eq!(r.value, y);
        }

        #[test]
        fn conflicts_are_symmetric(base in record(), x in record(), y in record()) {
            let a = m().merge(&base, &x, &y);
            let b = m().merge(&base, &y, &x);
            let swapped: Vec<FieldConflict> = b.conflicts.into_iter()
                .map(|c| FieldConflict { yours: c.theirs, theirs: c.yours, ..c })
                .collect();
            prop_assert_eq!(a.conflicts, swapped);
        }

        #[test]
        fn no_field_is_ever_dropped(base in record(), x in record(), y in record()) {
            let r = m().merge(&base, &x, &y);
            let out = r.value.as_object().cloned().unwrap_or_default();
            let (b, xs, ys) = (fields(&base), fields(&x), fields(&y));
            for name in xs.keys().chain(ys.keys()) {
                let in_conflict = r.conflicts.iter().any(|c| &c.field == name);
                // A field may only be missing when one side removed it and the other left it alone.
                let agreed_removal = (!xs.contains_key(name) && ys.get(name) == b.get(name))
                    || (!ys.contains_key(name) && xs.get(name) == b.get(name));
                prop_assert!(out.contains_key(name) || in_conflict || agreed_removal, "{} dropped", name);
                if let Some(c) = r.conflicts.iter().find(|c| &c.field == name) {
                    prop_assert_eq!(c.yours.as_ref(), xs.get(name));
                    prop_assert_eq!(c.theirs.as_ref(), ys.get(name));
                }
            }
        }
    }
}
