//! The cursor throttle: at most one cursor move per user per interval, the
//! latest move held and sent when the interval ends.

use serde_json::Value;
use tokio::time::Instant;
use tokio_util::time::delay_queue::Key;

use super::Tracker;
use super::timer::{Kind, Timer};
use crate::conn::ConnId;
use crate::presence::PresenceError;

/// The cursor throttle of one user (key) on one topic, whatever tab moves.
pub(super) struct CursorGate {
    pub(super) last: Instant,
    pub(super) held: Option<(ConnId, Value)>,
    pub(super) timer: Option<Key>,
}

impl Tracker {
    /// Moves a user's cursor, at most once per interval: a move inside the
    /// interval is held, and the latest one sent when it ends.
    pub(in crate::presence) fn cursor(
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
}
