//! Presence as a member of a cluster: applies what other nodes send, answers
//! their requests for state, heartbeats, and lets silent nodes' metas leave.

use std::sync::Weak;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::replica::{Control, Step, snapshot_parts};
use super::{SHARDS, Shared};
use crate::pubsub::{Member, NodeId, Peers};
use crate::sync::lock;

/// How often the member looks for silent nodes and nodes to ask again.
const TICK: Duration = Duration::from_secs(1);

impl Shared {
    /// The other nodes, through the pub/sub (none for one node alone).
    fn others(&self) -> Option<&dyn Peers> {
        self.pubsub.peers()
    }

    /// Sends every shard's state, each under its shard's lock so no change
    /// of the shard falls between its state and its next numbered change.
    fn send_snapshots(&self) {
        let Some(peers) = self.others() else {
            return;
        };
        for (shard, tracker) in self.trackers.iter().enumerate() {
            let mut tracker = lock(tracker);
            let (seq, topics) = tracker.snapshot();
            for part in snapshot_parts(shard, seq, topics) {
                peers.send_control(&part);
            }
        }
    }

    fn ask(&self, to: Option<NodeId>) {
        if let Some(peers) = self.others() {
            peers.send_control(&Control::Sync { to }.encode());
        }
    }

    /// Asks `node` for its state if it is behind and was not asked lately.
    fn ask_if_behind(&self, node: NodeId, now: Instant) {
        let again = self.others().map_or(TICK, Peers::heartbeat).min(TICK * 2);
        if lock(&self.peers).should_ask(node, now, again) {
            tracing::debug!(me = ?self.others().map(Peers::node), node = %node, "cluster: asking a node for its presence state");
            self.ask(Some(node));
        }
    }

    /// Forgets the nodes not heard from since `before` and removes their
    /// metas from every shard, under the peers' lock (see `control`).
    fn expire_silent(&self, before: Instant, timeout: Duration) {
        let mut peers = lock(&self.peers);
        for node in peers.expire(before) {
            tracing::warn!(me = ?self.others().map(Peers::node), node = %node, ?timeout, "cluster: a node went silent; its presences leave");
            for tracker in &self.trackers {
                lock(tracker).replace_node(node, Default::default());
            }
        }
    }

    fn heartbeat(&self) {
        let seqs: Vec<u64> = self.trackers.iter().map(|t| lock(t).seq()).collect();
        if let Some(peers) = self.others() {
            peers.send_control(&Control::Heartbeat { seqs }.encode());
        }
    }
}

impl Member for Shared {
    fn control(&self, from: NodeId, body: &[u8]) {
        let control = match serde_json::from_slice::<Control>(body) {
            Ok(control) => control,
            Err(e) => {
                tracing::warn!(error = %e, node = %from, "cluster: dropped a presence message that does not read");
                return;
            }
        };
        let now = Instant::now();
        let me = self.others().map(Peers::node);
        match control {
            Control::Sync { to } => {
                lock(&self.peers).heard(from, now);
                tracing::debug!(me = ?me, node = %from, to = ?to, "cluster: asked for presence state");
                if to.is_none() || to == me {
                    self.send_snapshots();
                }
            }
            Control::Heartbeat { seqs } => {
                lock(&self.peers).heartbeat(from, &seqs, now);
            }
            // What is known of a node and its metas in the shards change
            // together, under the peers' lock (taken before a shard's, as
            // everywhere): a node expiring in between cannot undo a state
            // just put in place.
            Control::Delta {
                shard,
                seq,
                topic,
                joins,
                leaves,
            } if shard < SHARDS => {
                let mut peers = lock(&self.peers);
                if peers.delta(from, shard, seq, now) == Step::Apply {
                    lock(&self.trackers[shard]).apply_delta(from, &topic, joins, leaves);
                }
            }
            Control::Snapshot(part) if part.shard < SHARDS => {
                let (shard, seq) = (part.shard, part.seq);
                let mut peers = lock(&self.peers);
                if let Step::Replace(state) = peers.snapshot(from, part, now) {
                    tracing::debug!(me = ?me, node = %from, shard, seq, topics = state.len(), "cluster: presence state of a node put in place");
                    lock(&self.trackers[shard]).replace_node(from, state);
                }
            }
            Control::Delta { .. } | Control::Snapshot(_) => {
                tracing::warn!(node = %from, "cluster: dropped a presence message for an unknown shard");
            }
        }
        self.ask_if_behind(from, now);
    }

    fn connected(&self) {
        self.heartbeat();
        self.ask(None);
    }
}

/// Heartbeats, expires silent nodes and asks lagging ones again, until the
/// presence is dropped.
pub(super) async fn run(shared: Weak<Shared>, stop: CancellationToken) {
    let mut last_beat = Instant::now();
    let mut tick = tokio::time::interval(TICK);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let Some((heartbeat, node_timeout)) =
            shared.others().map(|p| (p.heartbeat(), p.node_timeout()))
        else {
            return;
        };
        let now = Instant::now();
        if now >= last_beat + heartbeat {
            last_beat = now;
            shared.heartbeat();
        }
        let Some(before) = now.checked_sub(node_timeout) else {
            continue;
        };
        shared.expire_silent(before, node_timeout);
        let behind = lock(&shared.peers).behind();
        for node in behind {
            shared.ask_if_behind(node, now);
        }
    }
}
