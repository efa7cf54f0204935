//! The presence state of every topic on this node, and the timers that change it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::ws::Utf8Bytes;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_util::time::DelayQueue;
use tokio_util::time::delay_queue::Key;

use super::diff::{Grouped, Meta, PendingDiff};
use super::meta::stamp_new;
use super::replica;
use super::summary::summary;
use super::{PresenceConfig, PresenceError, TopicTimings};
use crate::cluster::{Cluster, NodeId};
use crate::conn::{ConnId, Outbox};
use crate::pubsub::{Broadcast, PubSub};
use crate::ui::{PALETTE, colour_among, colour_for};
use crate::wire::{encode_push, events};

/// What a timer does when it fires.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Flush,
    Typing(ConnId),
    Stale(ConnId),
    /// The end of a user's cursor interval: send the move held during it.
    Cursor(String),
}

#[derive(Debug)]
pub(super) struct Timer {
    topic: Arc<str>,
    kind: Kind,
}

/// Whose meta an entry is: a connection of this node, or a node that sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Local(ConnId),
    Remote(NodeId),
}

struct Entry {
    owner: Owner,
    meta: Meta,
    typing: Option<Key>,
    stale: Option<Key>,
}

/// The cursor throttle of one user (key) on one topic, whatever tab moves.
struct CursorGate {
    last: Instant,
    held: Option<(ConnId, Value)>,
    timer: Option<Key>,
}

struct TopicPresence {
    name: Arc<str>,
    keys: BTreeMap<String, Vec<Entry>>,
    conns: HashMap<ConnId, String>,
    /// How many of the metas in `keys` other nodes own.
    remote: usize,
    /// In a cluster: this node's own changes since they were last sent to the
    /// other nodes.
    outgoing: Option<PendingDiff>,
    cursors: HashMap<String, CursorGate>,
    pending: PendingDiff,
    flush: Option<Key>,
    /// Sockets waiting for the topic's state: at the next flush it is encoded
    /// once and the same bytes are queued for each.
    waiting: Vec<Outbox>,
    /// Set while the topic is in summary mode: the last summary sent.
    summary: Option<Summary>,
    /// The topic's own typing TTL and cursor interval, if its channel has them.
    timings: Option<TopicTimings>,
}

/// The last `presence_summary` of a topic, and its frame for new joiners.
struct Summary {
    payload: Value,
    frame: Utf8Bytes,
}

/// Unique `phx_ref`s: a per-process prefix and a counter.
struct Refs {
    prefix: String,
    next: u64,
}

impl Refs {
    /// Refs of one shard: the shard's number keeps shards' refs apart.
    fn new(shard: usize) -> Refs {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Refs {
            prefix: format!("{:x}-{shard:x}-", nanos ^ u128::from(std::process::id())),
            next: 0,
        }
    }

    fn next(&mut self) -> Value {
        self.next += 1;
        Value::String(format!("{}{:x}", self.prefix, self.next))
    }
}

/// `{key: {metas: [...]}}` straight from the tracker's entries.
pub(super) struct ListView<'a>(Option<&'a BTreeMap<String, Vec<Entry>>>);

struct MetasView<'a>(&'a [Entry]);

impl Serialize for ListView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let keys = self.0.into_iter().flatten();
        serializer.collect_map(keys.map(|(key, entries)| (key, MetasView(entries))))
    }
}

impl Serialize for MetasView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("metas", &Metas(self.0))?;
        map.end()
    }
}

struct Metas<'a>(&'a [Entry]);

impl Serialize for Metas<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|e| &e.meta))
    }
}

pub(super) struct Tracker {
    config: PresenceConfig,
    topics: HashMap<Arc<str>, TopicPresence>,
    timers: DelayQueue<Timer>,
    refs: Refs,
    /// Which shard this is (named in what it sends other nodes).
    shard: usize,
    /// Whether this node is in a cluster (its changes are recorded for the others).
    clustered: bool,
    /// The number of the last change message this shard sent other nodes.
    seq: u64,
}

/// Sends this node's subscribers of `topic` a presence event: every node
/// sends its own subscribers what changed in its replica.
fn broadcast(pubsub: &dyn PubSub, topic: &str, event: &str, payload: Value) {
    pubsub.broadcast_local(&Broadcast::new(topic, event, payload));
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Restarts a timer, or starts it if it is not running.
fn rearm(
    timers: &mut DelayQueue<Timer>,
    slot: &mut Option<Key>,
    timer: Timer,
    after: std::time::Duration,
) {
    match slot {
        Some(key) => timers.reset(key, after),
        None => *slot = Some(timers.insert(timer, after)),
    }
}

fn cancel(timers: &mut DelayQueue<Timer>, slot: &mut Option<Key>) {
    if let Some(key) = slot.take() {
        timers.try_remove(&key);
    }
}

impl TopicPresence {
    fn new(name: &Arc<str>, clustered: bool) -> TopicPresence {
        TopicPresence {
            name: name.clone(),
            keys: BTreeMap::new(),
            conns: HashMap::new(),
            remote: 0,
            outgoing: clustered.then(PendingDiff::default),
            cursors: HashMap::new(),
            pending: PendingDiff::default(),
            flush: None,
            waiting: Vec::new(),
            summary: None,
            timings: None,
        }
    }

    /// Ends a window: what changed goes to the topic's subscribers, and the
    /// state to the sockets waiting for it, each encoded once.
    ///
    /// Up to [`PresenceConfig::summary_above`] metas a topic sends
    /// `presence_state` and `presence_diff`; above it, and until it is back
    /// under half of that, one `presence_summary` per summary interval when it
    /// changed (joiners get the last one at once). Leaving summary mode sends
    /// everyone the whole state.
    fn flush(&mut self, config: &PresenceConfig, pubsub: &dyn PubSub) {
        self.flush = None;
        let diff = self.pending.take();
        let metas = self.conns.len() + self.remote;
        let large = match self.summary {
            Some(_) => metas > config.summary_above / 2,
            None => metas > config.summary_above,
        };
        self.pending.record(!large);
        if large {
            if self.summary.is_none() {
                tracing::debug!(topic = %self.name, metas, "presence: a large room; a summary per interval from now on");
            }
            self.waiting.clear();
            let payload = summary(&self.keys, |e| &e.meta);
            if self.summary.as_ref().is_some_and(|s| s.payload == payload) {
                return;
            }
            let frame = encode_push(None, &self.name, events::PRESENCE_SUMMARY, &payload);
            broadcast(
                pubsub,
                &self.name,
                events::PRESENCE_SUMMARY,
                payload.clone(),
            );
            self.summary = Some(Summary {
                payload,
                frame: frame.into(),
            });
        } else if self.summary.take().is_some() {
            tracing::debug!(topic = %self.name, metas, "presence: back under the summary threshold; the whole state sent");
            self.waiting.clear();
            let state = serde_json::to_value(ListView(Some(&self.keys)))
                .unwrap_or_else(|e| unreachable!("string-keyed JSON: {e}"));
            broadcast(pubsub, &self.name, events::PRESENCE_STATE, state);
        } else {
            if !self.waiting.is_empty() {
                tracing::debug!(topic = %self.name, joiners = self.waiting.len(), "presence: one state encoded for every joiner of the window");
                let state = ListView(Some(&self.keys));
                let frame = Utf8Bytes::from(encode_push(
                    None,
                    &self.name,
                    events::PRESENCE_STATE,
                    &state,
                ));
                for outbox in self.waiting.drain(..) {
                    outbox.send(frame.clone());
                }
            }
            if let Some(diff) = diff {
                let count = |side: &str| diff[side].as_object().map_or(0, serde_json::Map::len);
                tracing::debug!(topic = %self.name, joins = count("joins"), leaves = count("leaves"), "presence: the window's changes coalesced into one diff");
                broadcast(pubsub, &self.name, events::PRESENCE_DIFF, diff);
            }
        }
    }

    fn entry_mut(&mut self, conn: ConnId) -> Option<(&str, &mut Entry)> {
        let key = self.conns.get(&conn)?;
        let entry = self
            .keys
            .get_mut(key)?
            .iter_mut()
            .find(|e| e.owner == Owner::Local(conn))?;
        Some((key.as_str(), entry))
    }

    /// Records a local meta joining: for this node's subscribers, and in a
    /// cluster for the other nodes.
    fn joined(&mut self, key: &str, meta: &Meta) {
        self.pending.join(key, meta.clone());
        if let Some(out) = &mut self.outgoing {
            out.join(key, meta.clone());
        }
    }

    /// Records a local meta leaving (see [`TopicPresence::joined`]).
    fn left(&mut self, key: &str, meta: Meta) {
        if let Some(out) = &mut self.outgoing {
            out.leave(key, meta.clone());
        }
        self.pending.leave(key, meta);
    }

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

    /// Starts the flush timer unless it runs: the diff window, or in summary
    /// mode the summary interval.
    fn schedule_flush(&mut self, timers: &mut DelayQueue<Timer>, config: &PresenceConfig) {
        let window = match self.summary {
            Some(_) => config.summary_interval,
            None => config.diff_window,
        };
        if self.flush.is_none() {
            let timer = Timer {
                topic: self.name.clone(),
                kind: Kind::Flush,
            };
            self.flush = Some(timers.insert(timer, window));
        }
    }
}

/// A topic's presence, made if it is new.
fn topic_mut<'a>(
    topics: &'a mut HashMap<Arc<str>, TopicPresence>,
    topic: &str,
    clustered: bool,
) -> &'a mut TopicPresence {
    topics
        .entry(topic.into())
        .or_insert_with_key(|name| TopicPresence::new(name, clustered))
}

impl Tracker {
    pub(super) fn new(config: PresenceConfig, shard: usize, clustered: bool) -> Tracker {
        Tracker {
            config,
            topics: HashMap::new(),
            timers: DelayQueue::new(),
            refs: Refs::new(shard),
            shard,
            clustered,
            seq: 0,
        }
    }

    pub(super) fn track(
        &mut self,
        topic: &str,
        key: &str,
        conn: ConnId,
        mut meta: Meta,
        timings: Option<TopicTimings>,
    ) -> Result<(), PresenceError> {
        let tp = topic_mut(&mut self.topics, topic, self.clustered);
        if tp.conns.contains_key(&conn) {
            return Err(PresenceError::AlreadyTracked);
        }
        if timings.is_some() {
            tp.timings = timings;
        }
        // People on one page get different colours while the palette lasts:
        // a meta with no colour or the hashed one (what derived metas give)
        // gets a free one; a colour the app chose itself stays. A person's
        // other tabs keep the colour they have.
        let hashed = colour_for(key);
        if meta.get("color").is_none_or(|c| c.as_str() == Some(hashed)) {
            let own = tp
                .keys
                .get(key)
                .and_then(|es| es.first())
                .and_then(|e| e.meta.get("color"));
            let colour = match own.and_then(Value::as_str) {
                Some(colour) => colour.to_owned(),
                None if tp.keys.len() < PALETTE.len() => {
                    let shown = tp
                        .keys
                        .values()
                        .filter_map(|es| es.first()?.meta.get("color")?.as_str());
                    colour_among(key, shown).to_owned()
                }
                None => hashed.to_owned(),
            };
            meta.insert("color".into(), json!(colour));
        }
        stamp_new(&mut meta, hashed, now_ms());
        meta.insert("phx_ref".into(), self.refs.next());
        let stale = Timer {
            topic: tp.name.clone(),
            kind: Kind::Stale(conn),
        };
        let stale = Some(self.timers.insert(stale, self.config.stale_after));
        tp.joined(key, &meta);
        tp.keys.entry(key.to_owned()).or_default().push(Entry {
            owner: Owner::Local(conn),
            meta,
            typing: None,
            stale,
        });
        tp.conns.insert(conn, key.to_owned());
        tp.schedule_flush(&mut self.timers, &self.config);
        Ok(())
    }

    /// Applies `change` to a meta. `refresh` means the owner acted: `stale` is
    /// cleared, `updated_at` set and the stale clock restarted. A change that
    /// leaves the meta as it was sends nothing.
    pub(super) fn modify(
        &mut self,
        topic: &str,
        conn: ConnId,
        refresh: bool,
        change: impl FnOnce(&mut Meta),
    ) -> Result<(), PresenceError> {
        let tp = self
            .topics
            .get_mut(topic)
            .ok_or(PresenceError::NotTracked)?;
        let name = tp.name.clone();
        let (key, entry) = tp.entry_mut(conn).ok_or(PresenceError::NotTracked)?;
        let mut new = entry.meta.clone();
        change(&mut new);
        if refresh {
            new.insert("stale".into(), Value::Bool(false));
            let timer = Timer {
                topic: name,
                kind: Kind::Stale(conn),
            };
            rearm(
                &mut self.timers,
                &mut entry.stale,
                timer,
                self.config.stale_after,
            );
        }
        if new == entry.meta {
            return Ok(());
        }
        let old_ref = entry.meta.get("phx_ref").cloned().unwrap_or(Value::Null);
        new.insert("phx_ref".into(), self.refs.next());
        new.insert("phx_ref_prev".into(), old_ref);
        if refresh {
            new.insert("updated_at".into(), json!(now_ms()));
        }
        let old = std::mem::replace(&mut entry.meta, new.clone());
        let key = key.to_owned();
        tp.left(&key, old);
        tp.joined(&key, &new);
        tp.schedule_flush(&mut self.timers, &self.config);
        Ok(())
    }

    pub(super) fn untrack(&mut self, topic: &str, conn: ConnId) -> bool {
        let Some(tp) = self.topics.get_mut(topic) else {
            return false;
        };
        let Some(key) = tp.conns.remove(&conn) else {
            return false;
        };
        let Some(entries) = tp.keys.get_mut(&key) else {
            return false;
        };
        let Some(pos) = entries.iter().position(|e| e.owner == Owner::Local(conn)) else {
            return false;
        };
        let mut entry = entries.remove(pos);
        if entries.is_empty() {
            tp.keys.remove(&key);
            if let Some(mut gate) = tp.cursors.remove(&key) {
                cancel(&mut self.timers, &mut gate.timer);
            }
        } else if let Some(gate) = tp.cursors.get_mut(&key) {
            gate.held.take_if(|(held_conn, _)| *held_conn == conn);
        }
        cancel(&mut self.timers, &mut entry.typing);
        cancel(&mut self.timers, &mut entry.stale);
        tp.left(&key, entry.meta);
        tp.schedule_flush(&mut self.timers, &self.config);
        true
    }

    /// Sends `outbox` the topic's presence: in summary mode the last summary at
    /// once, otherwise the state at the end of the current window, encoded once
    /// for every socket waiting for it.
    pub(super) fn send_state(&mut self, topic: &str, outbox: Outbox) {
        let tp = topic_mut(&mut self.topics, topic, self.clustered);
        match &tp.summary {
            Some(summary) => {
                outbox.send(summary.frame.clone());
            }
            None => {
                tp.waiting.push(outbox);
                tp.schedule_flush(&mut self.timers, &self.config);
            }
        }
    }

    /// Each topic with someone present, and how many users (keys) are.
    pub(super) fn users(&self) -> impl Iterator<Item = (Arc<str>, usize)> + '_ {
        self.topics
            .values()
            .filter(|tp| !tp.keys.is_empty())
            .map(|tp| (tp.name.clone(), tp.keys.len()))
    }

    pub(super) fn is_tracked(&self, topic: &str, conn: ConnId) -> bool {
        self.topics
            .get(topic)
            .is_some_and(|tp| tp.conns.contains_key(&conn))
    }

    /// The topic's presence list as a view to serialize (no copy of the metas);
    /// marks the pending diff as seen.
    pub(super) fn list(&mut self, topic: &str) -> ListView<'_> {
        match self.topics.get_mut(topic) {
            Some(tp) => {
                tp.pending.snapshot_taken();
                ListView(Some(&tp.keys))
            }
            None => ListView(None),
        }
    }

    pub(super) fn typing(&mut self, topic: &str, conn: ConnId) -> Result<(), PresenceError> {
        let endpoint_ttl = self.config.typing_ttl;
        let tp = self
            .topics
            .get_mut(topic)
            .ok_or(PresenceError::NotTracked)?;
        let ttl = tp.timings.map_or(endpoint_ttl, |t| t.typing_ttl);
        let name = tp.name.clone();
        let (_, entry) = tp.entry_mut(conn).ok_or(PresenceError::NotTracked)?;
        let timer = Timer {
            topic: name,
            kind: Kind::Typing(conn),
        };
        rearm(&mut self.timers, &mut entry.typing, timer, ttl);
        self.modify(topic, conn, true, |m| {
            m.insert("typing".into(), Value::Bool(true));
        })
    }

    pub(super) fn stop_typing(&mut self, topic: &str, conn: ConnId) -> Result<(), PresenceError> {
        let tp = self
            .topics
            .get_mut(topic)
            .ok_or(PresenceError::NotTracked)?;
        let (_, entry) = tp.entry_mut(conn).ok_or(PresenceError::NotTracked)?;
        cancel(&mut self.timers, &mut entry.typing);
        self.modify(topic, conn, true, |m| {
            m.insert("typing".into(), Value::Bool(false));
        })
    }

    pub(super) fn cursor(
        &mut self,
        topic: &str,
        conn: ConnId,
        cursor: Value,
    ) -> Result<(), PresenceError> {
        let endpoint_interval = self.config.cursor_interval;
        let tp = self
            .topics
            .get_mut(topic)
            .ok_or(PresenceError::NotTracked)?;
        let interval = tp.timings.map_or(endpoint_interval, |t| t.cursor_interval);
        let key = tp
            .conns
            .get(&conn)
            .ok_or(PresenceError::NotTracked)?
            .clone();
        let now = Instant::now();
        match tp.cursors.get_mut(&key) {
            // Inside the interval (or its end not yet handled): hold the latest move.
            Some(gate) if now < gate.last + interval || gate.timer.is_some() => {
                gate.held = Some((conn, cursor));
                if gate.timer.is_none() {
                    let timer = Timer {
                        topic: tp.name.clone(),
                        kind: Kind::Cursor(key),
                    };
                    gate.timer = Some(self.timers.insert_at(timer, gate.last + interval));
                }
                Ok(())
            }
            _ => {
                let gate = CursorGate {
                    last: now,
                    held: None,
                    timer: None,
                };
                tp.cursors.insert(key, gate);
                self.modify(topic, conn, true, |m| {
                    m.insert("cursor".into(), cursor);
                })
            }
        }
    }

    /// Applies changes another node sent: its `joins`, then its `leaves`
    /// (a meta that joined and left within one message is gone). Joins of
    /// metas already here and leaves of metas not here change nothing.
    pub(super) fn apply_delta(
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
    pub(super) fn replace_node(&mut self, node: NodeId, mut topics: BTreeMap<String, Grouped>) {
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
    pub(super) fn snapshot(&mut self) -> (u64, BTreeMap<String, Grouped>) {
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
    pub(super) fn seq(&self) -> u64 {
        self.seq
    }

    /// Gives memory back once a room has emptied: the topic map and the timer
    /// slab keep the capacity of their fullest moment otherwise.
    fn shrink(&mut self) {
        if self.topics.len() < self.topics.capacity() / 4 {
            self.topics.shrink_to_fit();
        }
        if self.timers.len() < self.timers.capacity() / 4 {
            self.timers.compact();
        }
    }

    pub(super) fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<Option<Timer>> {
        self.timers
            .poll_expired(cx)
            .map(|expired| expired.map(|e| e.into_inner()))
    }

    /// Handles an expired timer, sending what a flush sends through `pubsub`
    /// (under the tracker's lock, so a topic's messages leave in order); `None`
    /// if what it was for is gone. The fired key is cleared before anything
    /// else, as it is no longer valid.
    pub(super) fn fire(&mut self, timer: Timer, pubsub: &dyn PubSub) -> Option<()> {
        let Timer { topic, kind } = timer;
        let tp = self.topics.get_mut(&topic)?;
        let conn = match kind {
            Kind::Flush => {
                tp.flush(&self.config, pubsub);
                let changes = tp.outgoing.as_mut().and_then(PendingDiff::take_parts);
                if let (Some((joins, leaves)), Some(cluster)) = (changes, Cluster::of(pubsub)) {
                    for part in
                        replica::delta_parts(self.shard, &mut self.seq, &topic, joins, leaves)
                    {
                        cluster.send_control(&part);
                    }
                }
                if tp.keys.is_empty() && tp.flush.is_none() {
                    self.topics.remove(&topic);
                    self.shrink();
                }
                return None;
            }
            Kind::Cursor(key) => {
                let gate = tp.cursors.get_mut(&key)?;
                gate.timer = None;
                gate.last = Instant::now();
                let (conn, cursor) = gate.held.take()?;
                let _tracked = self.modify(&topic, conn, true, |m| {
                    m.insert("cursor".into(), cursor);
                });
                return Some(());
            }
            Kind::Typing(conn) | Kind::Stale(conn) => conn,
        };
        let (_, entry) = tp.entry_mut(conn)?;
        let (slot, field, value) = match kind {
            Kind::Typing(_) => (&mut entry.typing, "typing", false),
            _ => (&mut entry.stale, "stale", true),
        };
        *slot = None;
        self.modify(&topic, conn, false, |m| {
            m.insert(field.into(), Value::Bool(value));
        })
        .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
