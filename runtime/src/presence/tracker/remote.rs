//! Other nodes' metas: their changes applied, a node's whole state put in
//! place (or removed when it is gone), and this node's own state for others.

use std::collections::BTreeMap;

use super::{Entry, Owner, TopicPresence, Tracker, topic_mut};
use crate::presence::diff::{Grouped, Meta};
use crate::pubsub::NodeId;

impl TopicPresence {
    /// Makes `node`'s metas on this topic exactly `wanted` (key → metas),
    /// recording what joined and left for this node's subscribers. Metas are
    /// matched by `phx_ref` (a changed meta has a new one), so applying the
    /// same state twice changes nothing.
    fn reconcile(&mut self, node: NodeId, mut wanted: BTreeMap<String, Vec<Meta>>) {
        let mine = |e: &Entry| e.owner == Owner::Remote(node);
        // Each key once: a key both here and wanted must not be visited a
        // second time with nothing wanted (that would remove its metas).
        let keys: std::collections::BTreeSet<String> = self
            .keys
            .iter()
            .filter(|(_, entries)| entries.iter().any(mine))
            .map(|(k, _)| k.clone())
            .chain(wanted.keys().cloned())
            .collect();
        for key in keys {
            let want = wanted.remove(&key).unwrap_or_default();
            self.apply_remote(node, &key, want, true);
        }
    }

    /// Adds `node`'s `metas` under `key` (those not there yet); with `only`,
    /// also removes `node`'s metas under `key` that are not among them.
    fn apply_remote(&mut self, node: NodeId, key: &str, metas: Vec<Meta>, only: bool) {
        let entries = self.keys.entry(key.to_owned()).or_default();
        let same = |e: &Entry, m: &Meta| {
            e.owner == Owner::Remote(node) && e.meta.get("phx_ref") == m.get("phx_ref")
        };
        let mut gone = Vec::new();
        if only {
            entries.retain_mut(|e| {
                let keep = !(e.owner == Owner::Remote(node)) || metas.iter().any(|m| same(e, m));
                if !keep {
                    gone.push(std::mem::take(&mut e.meta));
                }
                keep
            });
        }
        for meta in metas {
            if !entries.iter().any(|e| same(e, &meta)) {
                self.pending.join(key, meta.clone());
                self.remote += 1;
                entries.push(Entry {
                    owner: Owner::Remote(node),
                    meta,
                    typing: None,
                    stale: None,
                });
            }
        }
        if entries.is_empty() {
            self.keys.remove(key);
        }
        self.remote -= gone.len();
        for meta in gone {
            self.pending.leave(key, meta);
        }
    }

    /// Removes `node`'s metas under `key` whose `phx_ref`s are among `metas`.
    fn remove_remote(&mut self, node: NodeId, key: &str, metas: &[Meta]) {
        let Some(entries) = self.keys.get_mut(key) else {
            return;
        };
        let mut gone = Vec::new();
        entries.retain_mut(|e| {
            let leaving = e.owner == Owner::Remote(node)
                && metas
                    .iter()
                    .any(|m| e.meta.get("phx_ref") == m.get("phx_ref"));
            if leaving {
                gone.push(std::mem::take(&mut e.meta));
            }
            !leaving
        });
        if entries.is_empty() {
            self.keys.remove(key);
        }
        self.remote -= gone.len();
        for meta in gone {
            self.pending.leave(key, meta);
        }
    }
}

impl Tracker {
    /// Applies changes another node sent: its `joins`, then its `leaves`
    /// (a meta that joined and left within one message is gone). Joins of
    /// metas already here and leaves of metas not here change nothing.
    pub(in crate::presence) fn apply_delta(
        &mut self,
        node: NodeId,
        topic: &str,
        joins: Grouped,
        leaves: Grouped,
    ) {
        let tp = topic_mut(&mut self.topics, topic, self.clustered);
        for (key, metas) in joins {
            tp.apply_remote(node, &key, metas, false);
        }
        for (key, metas) in leaves {
            tp.remove_remote(node, &key, &metas);
        }
        tp.schedule_flush(&mut self.timers, &self.config);
    }

    /// Makes `node`'s metas in this shard exactly `topics` (an empty map:
    /// the node is gone), sending this node's subscribers what changed.
    pub(in crate::presence) fn replace_node(
        &mut self,
        node: NodeId,
        mut topics: BTreeMap<String, Grouped>,
    ) {
        // Topics holding others' metas (some may be this node's) and topics
        // it has now: each is made to hold exactly what it has now.
        let held = self.topics.iter().filter(|(_, tp)| tp.remote > 0);
        let names: Vec<String> = held
            .map(|(name, _)| name.to_string())
            .filter(|name| !topics.contains_key(name))
            .chain(topics.keys().cloned())
            .collect();
        for name in names {
            let wanted = topics.remove(&name).unwrap_or_default();
            let tp = topic_mut(&mut self.topics, &name, self.clustered);
            tp.reconcile(node, wanted);
            tp.schedule_flush(&mut self.timers, &self.config);
        }
    }

    /// This shard's own metas by topic and key, with the number of the last
    /// change message sent: a state another node can start from. Changes not
    /// yet sent are in it, so their leaves will be sent (not cancelled).
    pub(in crate::presence) fn snapshot(&mut self) -> (u64, BTreeMap<String, Grouped>) {
        let mut topics = BTreeMap::new();
        for (name, tp) in &mut self.topics {
            if let Some(out) = &mut tp.outgoing {
                out.snapshot_taken();
            }
            let mut own = Grouped::new();
            for (key, entries) in &tp.keys {
                let metas: Vec<Meta> = entries
                    .iter()
                    .filter(|e| matches!(e.owner, Owner::Local(_)))
                    .map(|e| e.meta.clone())
                    .collect();
                if !metas.is_empty() {
                    own.insert(key.clone(), metas);
                }
            }
            if !own.is_empty() {
                topics.insert(name.to_string(), own);
            }
        }
        (self.seq, topics)
    }

    /// The number of the last change message this shard sent.
    pub(in crate::presence) fn seq(&self) -> u64 {
        self.seq
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::presence::PresenceConfig;

    fn meta(r: &str) -> Meta {
        let mut m = Meta::new();
        m.insert("phx_ref".into(), json!(r));
        m
    }

    fn keys(tracker: &mut Tracker, topic: &str) -> Value {
        serde_json::to_value(tracker.list(topic)).expect("json")
    }

    #[tokio::test]
    async fn a_node_state_put_in_place_twice_or_grown_keeps_what_stays() {
        let mut tracker = Tracker::new(PresenceConfig::default(), 0, true);
        let node = NodeId(5);
        let state = |metas: &[(&str, &str)]| {
            let mut grouped = Grouped::new();
            for (key, r) in metas {
                grouped.entry((*key).to_owned()).or_default().push(meta(r));
            }
            BTreeMap::from([("t".to_owned(), grouped)])
        };
        tracker.replace_node(node, state(&[("ana", "1"), ("dan", "2")]));
        tracker.replace_node(node, state(&[("ana", "1"), ("dan", "2")]));
        tracker.replace_node(node, state(&[("ana", "1"), ("dan", "2"), ("eve", "3")]));
        assert_eq!(
            keys(&mut tracker, "t"),
            json!({
                "ana": {"metas": [{"phx_ref": "1"}]},
                "dan": {"metas": [{"phx_ref": "2"}]},
                "eve": {"metas": [{"phx_ref": "3"}]}
            })
        );
        tracker.replace_node(node, state(&[("eve", "3")]));
        assert_eq!(
            keys(&mut tracker, "t"),
            json!({"eve": {"metas": [{"phx_ref": "3"}]}})
        );
        tracker.replace_node(node, BTreeMap::new());
        assert_eq!(keys(&mut tracker, "t"), json!({}));
    }
}
