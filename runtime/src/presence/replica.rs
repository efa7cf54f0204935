//! Presence across nodes: what nodes tell each other, and what each knows of
//! the others.
//!
//! Each node owns the metas of its own connections and is the only one to
//! change them, so replicas never conflict and need no CRDT: a node sends its
//! changes per shard, numbered (`delta`), and every other node applies them in
//! order. A gap in the numbers, an unknown node or a heartbeat that is ahead
//! makes the receiver ask that node for its whole state (`sync` → `snapshot`);
//! a node silent for [`crate::cluster::ClusterConfig::node_timeout`] is gone
//! and its metas leave. Applying a state is idempotent (metas are matched by
//! `phx_ref`), so a snapshot that overlaps changes does no harm.
//! docs/decisions.md ("Presence across nodes") says why this design.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::SHARDS;
use super::diff::Grouped;
#[cfg(test)]
use super::diff::Meta;
use crate::pubsub::NodeId;

/// At most this many metas go in one message, so no message nears an
/// engine's size limit (NATS: 1 MiB by default; a meta is at most ~1.3 KiB).
const METAS_PER_MESSAGE: usize = 256;

/// A presence message between nodes.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "t", rename_all = "snake_case")]
pub(super) enum Control {
    /// Changes of one shard's metas on one topic, numbered per shard.
    Delta {
        shard: usize,
        seq: u64,
        topic: String,
        joins: Grouped,
        leaves: Grouped,
    },
    /// Part of a shard's whole state.
    Snapshot(SnapshotPart),
    /// The sender is alive; the number of the last change of each shard.
    Heartbeat { seqs: Vec<u64> },
    /// Asks `to` (or every node) for its snapshots.
    Sync { to: Option<NodeId> },
}

/// Part of a shard's whole state as of change `seq`; the receiver applies it
/// when the `last` part arrives.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(super) struct SnapshotPart {
    pub(super) shard: usize,
    pub(super) seq: u64,
    pub(super) part: u32,
    pub(super) last: bool,
    pub(super) topics: BTreeMap<String, Grouped>,
}

impl Control {
    pub(super) fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|e| unreachable!("string-keyed JSON: {e}"))
    }
}

/// Splits a metas-by-key map into pieces of at most [`METAS_PER_MESSAGE`].
fn pieces(grouped: Grouped) -> Vec<Grouped> {
    let mut out: Vec<Grouped> = Vec::new();
    let mut count = METAS_PER_MESSAGE;
    for (key, metas) in grouped {
        for meta in metas {
            if count == METAS_PER_MESSAGE {
                out.push(Grouped::new());
                count = 0;
            }
            count += 1;
            if let Some(piece) = out.last_mut() {
                piece.entry(key.clone()).or_default().push(meta);
            }
        }
    }
    out
}

/// The messages carrying a topic's changes, each numbered after `seq`.
pub(super) fn delta_parts(
    shard: usize,
    seq: &mut u64,
    topic: &str,
    joins: Grouped,
    leaves: Grouped,
) -> Vec<Vec<u8>> {
    let joins = pieces(joins).into_iter().map(|j| (j, Grouped::new()));
    let leaves = pieces(leaves).into_iter().map(|l| (Grouped::new(), l));
    joins
        .chain(leaves)
        .map(|(joins, leaves)| {
            *seq += 1;
            Control::Delta {
                shard,
                seq: *seq,
                topic: topic.to_owned(),
                joins,
                leaves,
            }
            .encode()
        })
        .collect()
}

/// The messages carrying a shard's whole state as of change `seq`.
pub(super) fn snapshot_parts(
    shard: usize,
    seq: u64,
    topics: BTreeMap<String, Grouped>,
) -> Vec<Vec<u8>> {
    let mut parts: Vec<BTreeMap<String, Grouped>> = vec![BTreeMap::new()];
    for (topic, grouped) in topics {
        for piece in pieces(grouped) {
            parts.push(BTreeMap::from([(topic.clone(), piece)]));
        }
    }
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(n, topics)| {
            Control::Snapshot(SnapshotPart {
                shard,
                seq,
                part: u32::try_from(n).unwrap_or(u32::MAX),
                last: n + 1 == count,
                topics,
            })
            .encode()
        })
        .collect()
}

/// What this node knows of one shard of another node.
#[derive(Debug, Default)]
struct ShardSync {
    /// The last change applied; `None` until a snapshot arrives.
    seq: Option<u64>,
    /// A snapshot being received: its number, next part and what it holds.
    building: Option<(u64, u32, BTreeMap<String, Grouped>)>,
}

/// What this node knows of another node.
#[derive(Debug)]
struct Peer {
    heard: Instant,
    asked: Option<Instant>,
    shards: Vec<ShardSync>,
}

impl Peer {
    fn new(now: Instant) -> Peer {
        Peer {
            heard: now,
            asked: None,
            shards: (0..SHARDS).map(|_| ShardSync::default()).collect(),
        }
    }

    fn in_sync(&self) -> bool {
        self.shards.iter().all(|s| s.seq.is_some())
    }
}

/// What to do with a message from another node.
#[derive(Debug, PartialEq)]
pub(super) enum Step {
    /// Nothing (a duplicate, or waiting for a snapshot).
    Nothing,
    /// Apply this delta to the shard.
    Apply,
    /// Make the node's metas in the shard exactly these.
    Replace(BTreeMap<String, Grouped>),
}

/// The other nodes this node has heard from.
#[derive(Debug, Default)]
pub(super) struct Peers {
    peers: HashMap<NodeId, Peer>,
}

impl Peers {
    fn peer(&mut self, node: NodeId, now: Instant) -> &mut Peer {
        let peer = self.peers.entry(node).or_insert_with(|| Peer::new(now));
        peer.heard = now;
        peer
    }

    /// Takes note that `node` is alive (it sent something that is neither a
    /// change nor a heartbeat).
    pub(super) fn heard(&mut self, node: NodeId, now: Instant) {
        self.peer(node, now);
    }

    /// Whether to ask `node` for its snapshots now: it is not in sync and was
    /// not asked within `again` (so one gap does not flood the engine).
    pub(super) fn should_ask(
        &mut self,
        node: NodeId,
        now: Instant,
        again: std::time::Duration,
    ) -> bool {
        let Some(peer) = self.peers.get_mut(&node) else {
            return false;
        };
        if peer.in_sync() || peer.asked.is_some_and(|at| now < at + again) {
            return false;
        }
        peer.asked = Some(now);
        true
    }

    /// Takes note of a heartbeat: a shard whose last change is ahead of what
    /// was applied (a trailing change was lost) is out of sync.
    pub(super) fn heartbeat(&mut self, node: NodeId, seqs: &[u64], now: Instant) {
        let peer = self.peer(node, now);
        for (sync, &seq) in peer.shards.iter_mut().zip(seqs) {
            if sync.seq.is_some_and(|applied| applied < seq) {
                sync.seq = None;
            }
        }
    }

    /// Takes note of a delta: apply it if it is the next of its shard;
    /// a gap puts the shard out of sync.
    pub(super) fn delta(&mut self, node: NodeId, shard: usize, seq: u64, now: Instant) -> Step {
        let peer = self.peer(node, now);
        let Some(sync) = peer.shards.get_mut(shard) else {
            return Step::Nothing;
        };
        match sync.seq {
            Some(applied) if seq == applied + 1 => {
                sync.seq = Some(seq);
                Step::Apply
            }
            Some(applied) if seq <= applied => Step::Nothing,
            _ => {
                sync.seq = None;
                Step::Nothing
            }
        }
    }

    /// Takes note of a snapshot part; at the last part of a snapshot newer
    /// than what was applied, the state to put in place.
    pub(super) fn snapshot(&mut self, node: NodeId, part: SnapshotPart, now: Instant) -> Step {
        let SnapshotPart {
            shard,
            seq,
            part,
            last,
            topics,
        } = part;
        let peer = self.peer(node, now);
        let Some(sync) = peer.shards.get_mut(shard) else {
            return Step::Nothing;
        };
        if part == 0 {
            sync.building = sync
                .seq
                .is_none_or(|applied| applied < seq)
                .then(|| (seq, 0, BTreeMap::new()));
        }
        let Some((building, next, held)) = &mut sync.building else {
            return Step::Nothing;
        };
        if *building != seq || *next != part {
            sync.building = None;
            return Step::Nothing;
        }
        *next += 1;
        for (topic, grouped) in topics {
            let into = held.entry(topic).or_default();
            for (key, metas) in grouped {
                into.entry(key).or_default().extend(metas);
            }
        }
        if !last {
            return Step::Nothing;
        }
        let (_, _, state) = sync.building.take().unwrap_or_default();
        sync.seq = Some(seq);
        Step::Replace(state)
    }

    /// Forgets the nodes not heard from since `before`; returns them.
    pub(super) fn expire(&mut self, before: Instant) -> Vec<NodeId> {
        let gone: Vec<NodeId> = self
            .peers
            .iter()
            .filter(|(_, p)| p.heard < before)
            .map(|(n, _)| *n)
            .collect();
        for node in &gone {
            self.peers.remove(node);
        }
        gone
    }

    /// The nodes known and not in sync (to ask again).
    pub(super) fn behind(&self) -> Vec<NodeId> {
        self.peers
            .iter()
            .filter(|(_, p)| !p.in_sync())
            .map(|(n, _)| *n)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn metas(n: usize) -> Vec<Meta> {
        (0..n)
            .map(|i| {
                let mut m = Meta::new();
                m.insert("phx_ref".into(), serde_json::json!(i.to_string()));
                m
            })
            .collect()
    }

    #[test]
    fn big_changes_are_cut_into_numbered_messages_of_bounded_size() {
        let joins = Grouped::from([("ana".into(), metas(300)), ("bo".into(), metas(300))]);
        let leaves = Grouped::from([("cy".into(), metas(1))]);
        let mut seq = 7;
        let parts = delta_parts(3, &mut seq, "doc:1", joins, leaves);
        assert_eq!(parts.len(), 4, "600 joins in 3 messages, 1 leave in 1");
        assert_eq!(seq, 11);
        let read: Vec<Control> = parts
            .iter()
            .map(|p| serde_json::from_slice(p).expect("reads"))
            .collect();
        let mut joined = 0;
        for (n, control) in read.iter().enumerate() {
            let Control::Delta { seq, joins, .. } = control else {
                panic!("a delta");
            };
            assert_eq!(*seq, 8 + n as u64);
            let count: usize = joins.values().map(Vec::len).sum();
            assert!(count <= METAS_PER_MESSAGE);
            joined += count;
        }
        assert_eq!(joined, 600);
    }

    #[test]
    fn a_snapshot_is_put_in_place_at_its_last_part_and_numbers_follow_it() {
        let node = NodeId(1);
        let now = Instant::now();
        let topics = BTreeMap::from([(
            "doc:1".to_owned(),
            Grouped::from([("ana".into(), metas(600))]),
        )]);
        let parts = snapshot_parts(2, 40, topics);
        assert!(parts.len() >= 3);
        let mut peers = Peers::default();
        assert_eq!(
            peers.delta(node, 2, 39, now),
            Step::Nothing,
            "unknown: wait for a snapshot"
        );
        assert!(peers.should_ask(node, now, Duration::from_secs(1)));
        assert!(
            !peers.should_ask(node, now, Duration::from_secs(1)),
            "asked once a second at most"
        );
        let mut steps = Vec::new();
        for part in &parts {
            let Ok(Control::Snapshot(part)) = serde_json::from_slice(part) else {
                panic!("a snapshot part");
            };
            steps.push(peers.snapshot(node, part, now));
        }
        let Some(Step::Replace(state)) = steps.pop() else {
            panic!("the last part puts the state in place");
        };
        assert!(steps.iter().all(|s| *s == Step::Nothing));
        assert_eq!(state["doc:1"]["ana"].len(), 600);
        assert_eq!(
            peers.delta(node, 2, 40, now),
            Step::Nothing,
            "already in the snapshot"
        );
        assert_eq!(peers.delta(node, 2, 41, now), Step::Apply);
        assert_eq!(peers.delta(node, 2, 43, now), Step::Nothing, "a gap");
        assert_eq!(peers.behind(), vec![node]);
    }

    #[test]
    fn a_heartbeat_ahead_means_a_lost_change_and_silence_means_gone() {
        let node = NodeId(9);
        let start = Instant::now();
        let mut peers = Peers::default();
        for shard in 0..SHARDS {
            let part = SnapshotPart {
                shard,
                seq: 5,
                part: 0,
                last: true,
                topics: BTreeMap::new(),
            };
            let Step::Replace(_) = peers.snapshot(node, part, start) else {
                panic!("a one-part snapshot is put in place");
            };
        }
        assert!(peers.behind().is_empty());
        let mut seqs = vec![5; SHARDS];
        peers.heartbeat(node, &seqs, start);
        assert!(peers.behind().is_empty());
        seqs[4] = 6;
        peers.heartbeat(node, &seqs, start);
        assert_eq!(peers.behind(), vec![node]);
        assert!(peers.expire(start).is_empty());
        assert_eq!(peers.expire(start + Duration::from_secs(1)), vec![node]);
        assert!(peers.behind().is_empty(), "forgotten");
    }
}
