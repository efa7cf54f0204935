//! The tracker's timers (diff flushes, typing expiry, stale marking, the
//! end of a cursor interval) and what firing one does.

use std::sync::Arc;
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::time::Instant;
use tokio_util::time::DelayQueue;
use tokio_util::time::delay_queue::Key;

use super::{TopicPresence, Tracker};
use crate::conn::ConnId;
use crate::presence::PresenceConfig;
use crate::presence::diff::PendingDiff;
use crate::presence::replica;
use crate::pubsub::PubSub;

/// What a timer does when it fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    Flush,
    Typing(ConnId),
    Stale(ConnId),
    /// The end of a user's cursor interval: send the move held during it.
    Cursor(String),
}

/// A timer of one topic.
#[derive(Debug)]
pub(in crate::presence) struct Timer {
    pub(super) topic: Arc<str>,
    pub(super) kind: Kind,
}

/// Restarts a timer, or starts it if it is not running.
pub(super) fn rearm(
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

/// Stops a timer, if it runs.
pub(super) fn cancel(timers: &mut DelayQueue<Timer>, slot: &mut Option<Key>) {
    if let Some(key) = slot.take() {
        timers.try_remove(&key);
    }
}

impl TopicPresence {
    /// Starts the flush timer unless it runs: the diff window, or in summary
    /// mode the summary interval.
    pub(super) fn schedule_flush(
        &mut self,
        timers: &mut DelayQueue<Timer>,
        config: &PresenceConfig,
    ) {
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

impl Tracker {
    /// The next expired timer.
    pub(in crate::presence) fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<Option<Timer>> {
        self.timers
            .poll_expired(cx)
            .map(|expired| expired.map(|e| e.into_inner()))
    }

    /// Handles an expired timer, sending what a flush sends through `pubsub`
    /// (under the tracker's lock, so a topic's messages leave in order); `None`
    /// if what it was for is gone. The fired key is cleared before anything
    /// else, as it is no longer valid.
    pub(in crate::presence) fn fire(&mut self, timer: Timer, pubsub: &dyn PubSub) -> Option<()> {
        let Timer { topic, kind } = timer;
        let tp = self.topics.get_mut(&topic)?;
        let conn = match kind {
            Kind::Flush => {
                tp.flush(&self.config, pubsub);
                let changes = tp.outgoing.as_mut().and_then(PendingDiff::take_parts);
                if let (Some((joins, leaves)), Some(peers)) = (changes, pubsub.peers()) {
                    for part in
                        replica::delta_parts(self.shard, &mut self.seq, &topic, joins, leaves)
                    {
                        peers.send_control(&part);
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
