//! The joins and leaves of one topic since its last `presence_diff`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

pub(crate) type Meta = Map<String, Value>;

/// Metas by presence key.
pub(crate) type Grouped = BTreeMap<String, Vec<Meta>>;

/// Changes waiting for the topic's next coalesced `presence_diff`.
#[derive(Debug)]
pub(crate) struct PendingDiff {
    joins: Grouped,
    leaves: Grouped,
    /// A `presence_state` was sent while changes were pending: some client may
    /// have seen a pending join, so its leave must be sent, not cancelled.
    snapshot_seen: bool,
    /// Off while the topic sends summaries instead of diffs: nothing is kept.
    recording: bool,
}

impl Default for PendingDiff {
    fn default() -> PendingDiff {
        PendingDiff {
            joins: BTreeMap::new(),
            leaves: BTreeMap::new(),
            snapshot_seen: false,
            recording: true,
        }
    }
}

impl PendingDiff {
    /// Starts or stops keeping changes (a topic in summary mode sends no diffs).
    pub(crate) fn record(&mut self, on: bool) {
        self.recording = on;
    }

    /// Records a join. A meta that left in this window and comes back (a
    /// node's metas put back after it was thought gone) cancels its leave, as
    /// clients apply a diff's joins before its leaves and would drop it; if a
    /// snapshot may have missed it, the join is sent too.
    pub(crate) fn join(&mut self, key: &str, meta: Meta) {
        if !self.recording {
            return;
        }
        if let Some(left) = self.leaves.get_mut(key) {
            let before = left.len();
            left.retain(|m| m.get("phx_ref") != meta.get("phx_ref"));
            let back = left.len() != before;
            if left.is_empty() {
                self.leaves.remove(key);
            }
            if back && !self.snapshot_seen {
                return;
            }
        }
        self.joins.entry(key.to_owned()).or_default().push(meta);
    }

    /// Records a leave. A join still pending in this window that no client can
    /// have seen is cancelled instead, so short-lived metas (a burst of cursor
    /// moves) cost nothing on the wire.
    pub(crate) fn leave(&mut self, key: &str, meta: Meta) {
        if !self.recording {
            return;
        }
        if !self.snapshot_seen
            && let Some(joined) = self.joins.get_mut(key)
        {
            let before = joined.len();
            joined.retain(|m| m.get("phx_ref") != meta.get("phx_ref"));
            if joined.len() != before {
                if joined.is_empty() {
                    self.joins.remove(key);
                }
                return;
            }
        }
        self.leaves.entry(key.to_owned()).or_default().push(meta);
    }

    pub(crate) fn snapshot_taken(&mut self) {
        if !self.is_empty() {
            self.snapshot_seen = true;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.joins.is_empty() && self.leaves.is_empty()
    }

    /// The `presence_diff` payload, or `None` if nothing changed; resets the window.
    pub(crate) fn take(&mut self) -> Option<Value> {
        let (joins, leaves) = self.take_parts()?;
        Some(json!({
            "joins": grouped(joins),
            "leaves": grouped(leaves),
        }))
    }

    /// The joins and leaves by key, or `None` if nothing changed; resets the
    /// window (recording stays as it was).
    pub(crate) fn take_parts(&mut self) -> Option<(Grouped, Grouped)> {
        let recording = self.recording;
        let pending = std::mem::take(self);
        self.recording = recording;
        if pending.is_empty() {
            return None;
        }
        Some((pending.joins, pending.leaves))
    }
}

/// `{key: {metas: [...]}}`, the shape of `presence_state` and of each half of a diff.
fn grouped(entries: impl IntoIterator<Item = (String, Vec<Meta>)>) -> Value {
    let map: Map<String, Value> = entries
        .into_iter()
        .map(|(key, metas)| {
            let metas: Vec<Value> = metas.into_iter().map(Value::Object).collect();
            (key, json!({ "metas": metas }))
        })
        .collect();
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(r: &str) -> Meta {
        let mut m = Meta::new();
        m.insert("phx_ref".into(), json!(r));
        m
    }

    #[test]
    fn empty_window_sends_nothing() {
        assert_eq!(PendingDiff::default().take(), None);
    }

    #[test]
    fn joins_and_leaves_are_grouped_by_key() {
        let mut d = PendingDiff::default();
        d.join("alice", meta("1"));
        d.join("alice", meta("2"));
        d.leave("bob", meta("0"));
        assert_eq!(
            d.take(),
            Some(json!({
                "joins": {"alice": {"metas": [{"phx_ref": "1"}, {"phx_ref": "2"}]}},
                "leaves": {"bob": {"metas": [{"phx_ref": "0"}]}}
            }))
        );
        assert_eq!(d.take(), None);
    }

    #[test]
    fn nothing_is_kept_while_not_recording() {
        let mut d = PendingDiff::default();
        d.record(false);
        d.join("alice", meta("1"));
        d.leave("bob", meta("0"));
        assert!(d.is_empty());
    }

    #[test]
    fn an_unseen_join_and_its_leave_cancel_out() {
        let mut d = PendingDiff::default();
        d.join("alice", meta("1"));
        d.leave("alice", meta("1"));
        assert_eq!(d.take(), None);
    }

    #[test]
    fn a_meta_that_leaves_and_comes_back_in_one_window_is_not_dropped() {
        let mut d = PendingDiff::default();
        d.leave("alice", meta("1"));
        d.join("alice", meta("1"));
        assert_eq!(d.take(), None, "clients still hold it: nothing to send");
        d.leave("alice", meta("1"));
        d.snapshot_taken();
        d.join("alice", meta("1"));
        assert_eq!(
            d.take(),
            Some(json!({
                "joins": {"alice": {"metas": [{"phx_ref": "1"}]}},
                "leaves": {}
            })),
            "a snapshot without it was seen: join it again, never leave it"
        );
    }

    #[test]
    fn a_join_seen_in_a_snapshot_is_left_explicitly() {
        let mut d = PendingDiff::default();
        d.join("alice", meta("1"));
        d.snapshot_taken();
        d.leave("alice", meta("1"));
        assert_eq!(
            d.take(),
            Some(json!({
                "joins": {"alice": {"metas": [{"phx_ref": "1"}]}},
                "leaves": {"alice": {"metas": [{"phx_ref": "1"}]}}
            }))
        );
    }
}
