//! The end of a topic's window: its changes coalesced into one diff for the
//! topic's subscribers, its state encoded once for the sockets waiting for
//! it, or, in a large room, one summary.

use axum::extract::ws::Utf8Bytes;
use serde_json::Value;

use super::views::ListView;
use super::{TopicPresence, broadcast};
use crate::presence::PresenceConfig;
use crate::presence::summary::summary;
use crate::pubsub::PubSub;
use crate::wire::{encode_push, events};

/// The last `presence_summary` of a topic, and its frame for new joiners.
pub(super) struct Summary {
    pub(super) payload: Value,
    pub(super) frame: Utf8Bytes,
}

impl TopicPresence {
    /// Ends a window: what changed goes to the topic's subscribers, and the
    /// state to the sockets waiting for it, each encoded once.
    ///
    /// Up to [`PresenceConfig::summary_above`] metas a topic sends
    /// `presence_state` and `presence_diff`; above it, and until it is back
    /// under half of that, one `presence_summary` per summary interval when it
    /// changed (joiners get the last one at once). Leaving summary mode sends
    /// everyone the whole state.
    pub(super) fn flush(&mut self, config: &PresenceConfig, pubsub: &dyn PubSub) {
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
}
