//! What a channel handler can do with the socket it serves.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use serde_json::Value;

use crate::auth::Claims;
use crate::conn::{Activity, ConnId, Outbox};
use crate::presence::{Presence, PresenceError, PresenceMeta, Status, TopicTimings};
use crate::pubsub::{Broadcast, PubSub};
use crate::wire::encode_push;

/// Something a join handler sent, held until the join reply has gone out.
#[derive(Debug)]
pub(crate) enum Held {
    Push(Utf8Bytes),
    /// The topic's presence list, read when it is sent (after the socket has
    /// subscribed), so no change can fall between the list and the first diff.
    PresenceState,
}

/// One socket's membership of one topic, as its channel handler sees it.
///
/// Identity ([`user_id`](Self::user_id), [`claims`](Self::claims)) comes from the
/// socket's signed token, never from a payload.
pub struct ChannelSocket {
    topic: Arc<str>,
    join_ref: Option<String>,
    conn: ConnId,
    claims: Arc<Claims>,
    outbox: Outbox,
    pubsub: Arc<dyn PubSub>,
    presence: Presence,
    held: Option<Vec<Held>>,
    activity: Activity,
}

impl std::fmt::Debug for ChannelSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelSocket")
            .field("topic", &self.topic)
            .field("user_id", &self.claims.sub)
            .field("conn", &self.conn)
            .finish_non_exhaustive()
    }
}

impl ChannelSocket {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn joining(
        topic: &str,
        join_ref: Option<String>,
        conn: ConnId,
        claims: Arc<Claims>,
        outbox: Outbox,
        pubsub: Arc<dyn PubSub>,
        presence: Presence,
        activity: Activity,
    ) -> ChannelSocket {
        ChannelSocket {
            activity,
            topic: topic.into(),
            join_ref,
            conn,
            claims,
            outbox,
            pubsub,
            presence,
            held: Some(Vec::new()),
        }
    }

    /// Ends the join phase: sends what the join handler held back.
    pub(crate) fn release_held(&mut self) {
        for held in self.held.take().unwrap_or_default() {
            match held {
                Held::Push(frame) => {
                    self.outbox.send(frame);
                }
                Held::PresenceState => self.send_presence_state(),
            }
        }
    }

    /// The topic, such as `doc:42`.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The user id from the socket's token.
    pub fn user_id(&self) -> &str {
        &self.claims.sub
    }

    /// All the claims of the socket's token.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// This connection's id (unique on this node).
    pub fn conn_id(&self) -> ConnId {
        self.conn
    }

    /// How long since the connection's user last did something (pushed an
    /// event, typed, moved focus); heartbeats, presence refreshes and lock
    /// renewals do not count.
    pub fn idle_for(&self) -> std::time::Duration {
        self.activity.idle_for()
    }

    /// The ref of the join this membership belongs to.
    pub fn join_ref(&self) -> Option<&str> {
        self.join_ref.as_deref()
    }

    /// Pushes an event to this client only.
    pub fn push(&mut self, event: &str, payload: Value) {
        let frame = Utf8Bytes::from(encode_push(
            self.join_ref.as_deref(),
            &self.topic,
            event,
            &payload,
        ));
        match &mut self.held {
            Some(held) => held.push(Held::Push(frame)),
            None => {
                self.outbox.send(frame);
            }
        }
    }

    /// Broadcasts an event to every subscriber of the topic, this client included.
    pub fn broadcast(&self, event: &str, payload: Value) {
        self.pubsub
            .broadcast(&Broadcast::new(&*self.topic, event, payload));
    }

    /// Broadcasts an event to every subscriber of the topic except this client.
    pub fn broadcast_from(&self, event: &str, payload: Value) {
        self.pubsub
            .broadcast(&Broadcast::new(&*self.topic, event, payload).except(self.conn));
    }

    /// Broadcasts an event to every subscriber of another topic.
    pub(crate) fn broadcast_on(&self, topic: &str, event: &str, payload: Value) {
        self.pubsub
            .broadcast(&Broadcast::new(topic, event, payload));
    }

    /// A handle that broadcasts on this topic from anywhere (a timer, a task),
    /// after this handler has returned.
    pub fn broadcaster(&self) -> Broadcaster {
        Broadcaster {
            topic: self.topic.clone(),
            pubsub: self.pubsub.clone(),
        }
    }

    /// Presence on this topic, keyed by this socket's user id.
    pub fn presence(&mut self) -> ChannelPresence<'_> {
        ChannelPresence { socket: self }
    }

    fn send_presence_state(&mut self) {
        match &mut self.held {
            Some(held) => held.push(Held::PresenceState),
            None => self.presence.send_state(&self.topic, self.outbox.clone()),
        }
    }
}

/// Broadcasts on one topic; cheap to clone, usable after the handler returned.
#[derive(Clone)]
pub struct Broadcaster {
    topic: Arc<str>,
    pubsub: Arc<dyn PubSub>,
}

impl std::fmt::Debug for Broadcaster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broadcaster")
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}

impl Broadcaster {
    /// Broadcasts an event to every subscriber of the topic.
    pub fn broadcast(&self, event: &str, payload: Value) {
        self.pubsub
            .broadcast(&Broadcast::new(&*self.topic, event, payload));
    }

    /// The topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }
}

/// Presence calls for one channel socket: the topic and key are the socket's.
///
/// ```no_run
/// # fn demo(socket: &mut rtux::ChannelSocket) -> Result<(), rtux::presence::PresenceError> {
/// use serde_json::json;
/// socket.presence().track(json!({"name": "Ana"}))?; // sends presence_state to the client
/// socket.presence().focus(Some("title"))?;
/// socket.presence().typing()?;                      // clears itself after 3 s
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ChannelPresence<'a> {
    socket: &'a mut ChannelSocket,
}

impl ChannelPresence<'_> {
    fn at(&self) -> (&Presence, &str, ConnId) {
        (&self.socket.presence, &self.socket.topic, self.socket.conn)
    }

    /// Tracks this socket under its user id with `meta`, and sends the client the
    /// topic's `presence_state`.
    ///
    /// # Errors
    /// [`PresenceError::AlreadyTracked`] or [`PresenceError::Invalid`].
    pub fn track(self, meta: Value) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        presence.track(topic, &self.socket.claims.sub, conn, meta)?;
        self.socket.send_presence_state();
        Ok(())
    }

    /// Tracks this socket with a typed meta: its user id as the key, and the
    /// meta type's own timings (`M::timings`, from `#[rtux(typing_expiry,
    /// cursor_rate)]`) for this topic, over the endpoint's; sends the client
    /// the topic's `presence_state`.
    ///
    /// # Errors
    /// [`PresenceError::AlreadyTracked`] or [`PresenceError::Invalid`].
    pub fn track_meta<M: PresenceMeta>(self, meta: &M) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        let timings = TopicTimings::from(&M::timings(presence.config().clone()));
        presence.track_with(
            topic,
            &self.socket.claims.sub,
            conn,
            meta.to_meta(),
            timings,
        )?;
        self.socket.send_presence_state();
        Ok(())
    }

    /// Sends the client the topic's `presence_state` without tracking it (a viewer
    /// who is not shown as present). Diffs follow as for any subscriber.
    pub fn watch(self) {
        self.socket.send_presence_state();
    }

    /// Changes this socket's meta.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn update(
        self,
        change: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        presence.update(topic, conn, change)
    }

    /// Stops tracking this socket; returns whether it was tracked.
    pub fn untrack(self) -> bool {
        let (presence, topic, conn) = self.at();
        presence.untrack(topic, conn)
    }

    /// The topic's presence list.
    pub fn list(self) -> Value {
        let (presence, topic, _) = self.at();
        presence.list(topic)
    }

    /// Marks this socket typing; clears by itself after the typing TTL.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn typing(self) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        presence.typing(topic, conn)
    }

    /// Marks this socket not typing.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn stop_typing(self) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        presence.stop_typing(topic, conn)
    }

    /// Sets (or with `None` clears) the field this socket is editing.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`] or [`PresenceError::Invalid`].
    pub fn focus(self, field: Option<&str>) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        presence.focus(topic, conn, field)
    }

    /// Sets this socket's status.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn set_status(self, status: Status) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        presence.set_status(topic, conn, status)
    }

    /// Moves this socket's cursor (throttled per connection).
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`] or [`PresenceError::Invalid`].
    pub fn cursor(self, cursor: Value) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        presence.cursor(topic, conn, cursor)
    }

    /// Clears `stale` and restarts the stale clock.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn refresh(self) -> Result<(), PresenceError> {
        let (presence, topic, conn) = self.at();
        presence.refresh(topic, conn)
    }
}
