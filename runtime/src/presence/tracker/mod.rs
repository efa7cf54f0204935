//! The presence state of every topic on this node, and the timers that change
//! it. This file holds the state and the tracker's API (track, change,
//! untrack, list); each concern around it has a file of its own: the timers
//! and what firing one does, `phx_ref`s, the list as JSON, the window's
//! flush, other nodes' metas, the cursor throttle.

mod cursor;
mod flush;
mod refs;
mod remote;
mod timer;
mod views;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio_util::time::DelayQueue;
use tokio_util::time::delay_queue::Key;

use super::diff::{Meta, PendingDiff};
use super::meta::stamp_new;
use super::{PresenceConfig, PresenceError, TopicTimings};
use crate::conn::{ConnId, Outbox};
use crate::pubsub::NodeId;
use crate::pubsub::{Broadcast, PubSub};
use crate::ui::{PALETTE, colour_among, colour_for};
use cursor::CursorGate;
use flush::Summary;
use refs::Refs;
pub(super) use timer::Timer;
use timer::{Kind, cancel, rearm};
pub(super) use views::ListView;

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
}
