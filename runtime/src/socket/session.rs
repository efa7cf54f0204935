//! The reader side of a socket: decodes frames and routes them to channels.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::stream::SplitStream;
use futures_util::{FutureExt, StreamExt};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::Shared;
use super::writer;
use crate::auth::Claims;
use crate::channel::{AnyState, ChannelSocket, DynChannel, JoinError, LeaveReason, check_topic};
use crate::conn::CloseReason;
use crate::conn::{Activity, ConnId};
use crate::conn::{Lifeline, Outbox};
use crate::presence::{PresenceError, Status};
use crate::pubsub::Subscriber;
use crate::telemetry;
use crate::wire::{
    Code, Frame, Malformed, Reply, SOCKET_TOPIC, Status as ReplyStatus, encode_push, encode_reply,
    events,
};
use rtux_rules::{PresenceEvent, Vocabulary};

/// Far enough away to mean never, for a timer that needs an instant.
const NEVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

struct Joined {
    channel: Arc<dyn DynChannel>,
    state: AnyState,
    socket: ChannelSocket,
}

/// Runs one socket until it closes.
/// `slot` is the socket's place among its user's and address's sockets,
/// given back when it ends.
pub(super) async fn run(
    ws: WebSocket,
    shared: Arc<Shared>,
    claims: Claims,
    slot: super::slots::Slot,
) {
    let (sink, stream) = ws.split();
    let limits = &shared.limits;
    let (outbox, rx, life) = Outbox::new(limits.outbound_queue, limits.outbound_bytes);
    let wire = Arc::new(writer::Wire::new(sink));
    tokio::spawn(writer::run(wire.clone(), rx, life.clone()));
    let mut session = Session::new(shared, Arc::new(claims), outbox, wire);
    session.shared.sockets.add(
        &session.claims.sub,
        session.claims.sid.as_deref(),
        session.conn,
        life.clone(),
    );
    tracing::info!(user = %session.claims.sub, conn = %session.conn, "socket connected");
    let reason = session.read(stream, &life).await;
    life.end(reason);
    // The first reason given is the one the client is told.
    let told = life.reason().cloned().unwrap_or(CloseReason::Gone);
    let (user, conn, code) = (&session.claims.sub, session.conn, told.code());
    let reason = told
        .frame()
        .map_or_else(|| "the client left".to_owned(), |f| f.reason.to_string());
    telemetry::socket_closed(code, &reason);
    match told {
        CloseReason::SlowConsumer => {
            tracing::warn!(%user, %conn, code, "socket closed: a slow consumer (its outbound queue was full)");
        }
        other => tracing::info!(%user, %conn, code, reason = ?other, "socket closed"),
    }
    // Boxed, as frame handling is: only a closing socket needs its size.
    Box::pin(session.shutdown()).await;
    drop(slot);
}

struct Session {
    conn: ConnId,
    claims: Arc<Claims>,
    outbox: Outbox,
    /// The wire the reader writes a reply to straight away when nothing is
    /// queued before it.
    wire: Arc<writer::Wire>,
    shared: Arc<Shared>,
    joined: HashMap<String, Joined>,
    limiter: DefaultDirectRateLimiter,
    /// Heartbeats are not events; they have a limit of their own.
    heartbeats: DefaultDirectRateLimiter,
    activity: Activity,
}

impl Session {
    fn new(
        shared: Arc<Shared>,
        claims: Arc<Claims>,
        outbox: Outbox,
        wire: Arc<writer::Wire>,
    ) -> Session {
        let per_second =
            NonZeroU32::new(shared.limits.events_per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(shared.limits.event_burst).unwrap_or(per_second);
        let beats = NonZeroU32::new(shared.limits.heartbeats_per_second).unwrap_or(NonZeroU32::MIN);
        let beat_burst = beats.saturating_mul(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN));
        // Paired with Drop: the gauge holds however the socket's task ends.
        telemetry::socket_opened();
        Session {
            conn: ConnId::next(),
            claims,
            outbox,
            wire,
            shared,
            joined: HashMap::new(),
            limiter: RateLimiter::direct(Quota::per_second(per_second).allow_burst(burst)),
            heartbeats: RateLimiter::direct(Quota::per_second(beats).allow_burst(beat_burst)),
            activity: Activity::default(),
        }
    }

    /// Reads frames until the socket ends; returns why it ended.
    async fn read(&mut self, mut stream: SplitStream<WebSocket>, life: &Lifeline) -> CloseReason {
        let timeout = self.shared.limits.heartbeat_timeout;
        let mut heard = Instant::now();
        // A token's expiry applies to the socket it opened, not only to connects.
        let expires = heard.checked_add(self.claims.lifetime());
        let due = |heard: Instant| {
            let silent = heard.checked_add(timeout).unwrap_or(heard + NEVER);
            expires.map_or(silent, |at| at.min(silent))
        };
        // One timer for both, moved on lazily when it fires: a timer set and
        // cancelled around every frame costs a request/reply its share, and
        // every timer is polled each time a frame wakes the reader.
        let watch = tokio::time::sleep_until(due(heard));
        let ended = life.ended();
        tokio::pin!(watch, ended);
        loop {
            let next = tokio::select! {
                biased;
                () = &mut ended => return life.reason().cloned().unwrap_or(CloseReason::Gone),
                () = &mut watch => {
                    let now = Instant::now();
                    if expires.is_some_and(|at| now >= at) {
                        return CloseReason::TokenExpired;
                    }
                    if now.duration_since(heard) >= timeout {
                        return CloseReason::HeartbeatTimeout(timeout);
                    }
                    watch.as_mut().reset(due(heard));
                    continue;
                }
                next = stream.next() => next,
            };
            heard = Instant::now();
            let message = match next {
                None => return CloseReason::Gone,
                Some(Err(e)) => return self.read_error(e),
                Some(Ok(message)) => message,
            };
            match message {
                // Boxed: the future of handling a frame (a join, an action)
                // is large and lives only while it runs, so an idle socket's
                // task does not carry its size.
                Message::Text(text) => {
                    telemetry::frame_in();
                    Box::pin(self.handle_text(&text, heard)).await;
                }
                Message::Binary(_) => self.socket_error(
                    None,
                    "binary frames are not supported: send JSON text frames [join_ref, ref, topic, event, payload]",
                ),
                Message::Close(_) => return CloseReason::Gone,
                Message::Ping(_) | Message::Pong(_) => {}
            }
        }
    }

    fn read_error(&self, error: axum::Error) -> CloseReason {
        match error
            .into_inner()
            .downcast::<tungstenite::Error>()
            .map(|e| *e)
        {
            Ok(tungstenite::Error::Capacity(_)) => {
                CloseReason::FrameTooLarge(self.shared.limits.max_frame_bytes)
            }
            Ok(tungstenite::Error::Utf8(_)) => CloseReason::InvalidUtf8,
            _ => CloseReason::Gone,
        }
    }

    /// Handles a text frame that arrived at `at`.
    async fn handle_text(&mut self, text: &str, at: Instant) {
        let frame = match Frame::decode(text) {
            Ok(frame) => frame,
            Err(malformed) => return self.malformed(malformed),
        };
        let heartbeat = frame.topic == SOCKET_TOPIC && frame.event == events::HEARTBEAT;
        let (limiter, what) = if heartbeat {
            (&self.heartbeats, "heartbeats")
        } else {
            (&self.limiter, "events")
        };
        if let Err(not_until) = limiter.check() {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            telemetry::rate_limited(what);
            tracing::debug!(user = %self.claims.sub, conn = %self.conn, "rate limited: too many {what}");
            let reply = Reply::Error(json!({
                "code": Code::RateLimited,
                "reason": format!("rate limited: too many {what} on this socket"),
                "retry_after_ms": u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            }));
            return self.reply(&frame, reply);
        }
        if !heartbeat && !rtux_rules::housekeeping(&frame.event) {
            self.activity.touch(at.into_std());
        }
        match (frame.topic.as_str(), frame.event.as_str()) {
            (SOCKET_TOPIC, events::HEARTBEAT) => self.reply(&frame, Reply::ok(json!({}))),
            (SOCKET_TOPIC, _) => self.reply(
                &frame,
                Reply::refuse(
                    Code::NotFound,
                    "unknown socket event: the `phoenix` topic only takes heartbeats",
                ),
            ),
            (_, events::JOIN) => self.join(frame).await,
            (_, events::LEAVE) => self.leave(&frame).await,
            (_, event) if events::server_only(event) => {
                self.reply(
                    &frame,
                    Reply::refuse(
                        Code::Forbidden,
                        format!("event {event} is reserved for the server"),
                    ),
                );
            }
            _ => self.handle_in(frame).await,
        }
    }

    /// Refuses a join (a guard's or the channel's refusal), logged and
    /// counted among the dashboard's errors.
    fn refuse(&self, frame: &Frame, refused: &JoinError) {
        tracing::debug!(topic = %frame.topic, user = %self.claims.sub, "join refused: {}", refused.response());
        let why = refused.response()["reason"].as_str().unwrap_or("refused");
        telemetry::channel_failed(&frame.topic, &format!("join refused: {why}"));
        self.reply(frame, Reply::Error(refused.response().clone()));
    }

    async fn join(&mut self, frame: Frame) {
        if let Err(reason) = check_topic(&frame.topic) {
            return self.reply(
                &frame,
                Reply::refuse(Code::Invalid, format!("invalid topic: {reason}")),
            );
        }
        let Some(channel) = self.shared.channels.find(&frame.topic) else {
            return self.reply(&frame, Reply::refuse(Code::NotFound, "unmatched topic"));
        };
        if let Err(refused) = self.shared.channels.admit(&frame.topic, &self.claims) {
            return self.refuse(&frame, &refused);
        }
        if let Some(old) = self.joined.remove(&frame.topic) {
            let old_ref = old.socket.join_ref().map(str::to_owned);
            self.end_join(&frame.topic, old, LeaveReason::Rejoined)
                .await;
            self.push(old_ref.as_deref(), &frame.topic, events::CLOSE, &json!({}));
        }
        if self.joined.len() >= self.shared.limits.max_topics {
            let reason = format!(
                "too many topics: a socket may join at most {}",
                self.shared.limits.max_topics
            );
            return self.reply(&frame, Reply::refuse(Code::Full, reason));
        }
        let payload = match frame.payload.clone() {
            Value::Null => json!({}),
            object @ Value::Object(_) => object,
            _ => {
                return self.reply(
                    &frame,
                    Reply::refuse(Code::Invalid, "join payload must be a JSON object"),
                );
            }
        };
        let mut socket = ChannelSocket::joining(
            &frame.topic,
            frame.join_ref.clone(),
            self.conn,
            self.claims.clone(),
            self.outbox.clone(),
            self.shared.pubsub.clone(),
            self.shared.presence.clone(),
            self.activity.clone(),
        );
        // Subscribed before the join handler reads the topic's state, its
        // broadcasts held until the reply: nothing falls in between.
        let (subscriber, gate) = Subscriber::held(self.conn, self.outbox.clone());
        self.shared.pubsub.subscribe(&frame.topic, subscriber);
        let joined = AssertUnwindSafe(channel.join(&frame.topic, payload, &mut socket))
            .catch_unwind()
            .await;
        if !matches!(joined, Ok(Ok(_))) {
            self.shared.pubsub.unsubscribe(&frame.topic, self.conn);
        }
        match joined {
            Ok(Ok((state, response))) => {
                telemetry::joined(true);
                tracing::debug!(topic = %frame.topic, user = %self.claims.sub, conn = %self.conn, "joined");
                self.reply(&frame, Reply::Ok(response));
                gate.open(&self.outbox);
                socket.release_held();
                self.joined.insert(
                    frame.topic,
                    Joined {
                        channel,
                        state,
                        socket,
                    },
                );
            }
            Ok(Err(refused)) => {
                self.shared.presence.untrack(&frame.topic, self.conn);
                self.refuse(&frame, &refused);
            }
            Err(_panic) => {
                tracing::error!(topic = %frame.topic, "channel join handler panicked");
                telemetry::channel_failed(&frame.topic, "the join handler panicked");
                self.shared.presence.untrack(&frame.topic, self.conn);
                self.reply(
                    &frame,
                    Reply::refuse(Code::Internal, "join failed: server error"),
                );
            }
        }
    }

    async fn leave(&mut self, frame: &Frame) {
        let Some(joined) = self.take_joined(frame) else {
            return;
        };
        let join_ref = joined.socket.join_ref().map(str::to_owned);
        self.end_join(&frame.topic, joined, LeaveReason::Left).await;
        self.reply(frame, Reply::ok(json!({})));
        self.push(join_ref.as_deref(), &frame.topic, events::CLOSE, &json!({}));
    }

    async fn handle_in(&mut self, mut frame: Frame) {
        if !self.is_joined(&frame) {
            return;
        }
        if frame.event.starts_with(PresenceEvent::PREFIX) {
            let reply = match PresenceEvent::from_name(&frame.event) {
                Some(helper) => self.presence_event(&frame.topic, helper, &frame.payload),
                None => Reply::refuse(
                    Code::Invalid,
                    format!(
                        "unknown presence event {}: use one of {}",
                        frame.event,
                        PresenceEvent::names().join(", ")
                    ),
                ),
            };
            return self.reply(&frame, reply);
        }
        let payload = std::mem::take(&mut frame.payload);
        let Some(Joined {
            channel,
            state,
            socket,
        }) = self.joined.get_mut(&frame.topic)
        else {
            return;
        };
        let handled = AssertUnwindSafe(channel.handle_in(&frame.event, payload, state, socket))
            .catch_unwind()
            .await;
        match handled {
            Ok(reply) => self.reply(&frame, reply),
            Err(_panic) => {
                tracing::error!(topic = %frame.topic, event = %frame.event, "channel handler panicked");
                telemetry::channel_failed(&frame.topic, "a handler panicked");
                let join_ref = self
                    .joined
                    .remove(&frame.topic)
                    .and_then(|j| j.socket.join_ref().map(str::to_owned));
                self.forget(&frame.topic);
                self.push(join_ref.as_deref(), &frame.topic, events::ERROR, &json!({}));
            }
        }
    }

    /// The built-in presence events (`presence:typing` and friends).
    fn presence_event(&self, topic: &str, helper: PresenceEvent, payload: &Value) -> Reply {
        let presence = &self.shared.presence;
        let conn = self.conn;
        let result = match helper {
            PresenceEvent::Typing => presence.typing(topic, conn),
            PresenceEvent::StopTyping => presence.stop_typing(topic, conn),
            PresenceEvent::Focus => match payload.get("field").and_then(Value::as_str) {
                Some(field) => presence.focus(topic, conn, Some(field)),
                None => Err(PresenceError::Invalid(
                    "focus needs {\"field\": \"<name>\"}".into(),
                )),
            },
            PresenceEvent::Blur => presence.focus(topic, conn, None),
            PresenceEvent::Status => match payload.get("status").and_then(Value::as_str) {
                Some(status) => {
                    Status::parse(status).and_then(|s| presence.set_status(topic, conn, s))
                }
                None => Err(PresenceError::Invalid(
                    "status needs {\"status\": \"active\" | \"idle\"}".into(),
                )),
            },
            PresenceEvent::Cursor => presence.cursor(topic, conn, payload.clone()),
            PresenceEvent::Refresh => presence.refresh(topic, conn),
        };
        match result {
            Ok(()) => Reply::ok(json!({})),
            Err(e) => Reply::refuse(Code::Invalid, e.to_string()),
        }
    }

    /// The join a push is for; replies with an error when there is none.
    fn take_joined(&mut self, frame: &Frame) -> Option<Joined> {
        if !self.is_joined(frame) {
            return None;
        }
        self.joined.remove(&frame.topic)
    }

    /// Whether the push is for the topic's current join; replies with an
    /// error when it is not (no join, or an earlier one's `join_ref`).
    fn is_joined(&self, frame: &Frame) -> bool {
        let Some(joined) = self.joined.get(&frame.topic) else {
            self.reply(frame, Reply::refuse(Code::NotFound, "unmatched topic"));
            return false;
        };
        let stale = matches!((&frame.join_ref, joined.socket.join_ref()), (Some(sent), Some(current)) if sent != current);
        if stale {
            self.reply(
                frame,
                Reply::refuse(
                    Code::Stale,
                    "stale join_ref: this push belongs to an earlier join of the topic",
                ),
            );
        }
        !stale
    }

    /// Ends a join: the channel's `terminate`, then presence and subscription.
    async fn end_join(&mut self, topic: &str, joined: Joined, reason: LeaveReason) {
        let Joined {
            channel,
            state,
            mut socket,
        } = joined;
        let ended = AssertUnwindSafe(channel.terminate(reason, state, &mut socket))
            .catch_unwind()
            .await;
        if ended.is_err() {
            tracing::error!(%topic, "channel terminate handler panicked");
        }
        tracing::debug!(%topic, user = %self.claims.sub, conn = %self.conn, ?reason, "left");
        self.forget(topic);
    }

    /// Drops this socket's presence and subscription on a topic.
    fn forget(&self, topic: &str) {
        telemetry::joined(false);
        self.shared.presence.untrack(topic, self.conn);
        self.shared.pubsub.unsubscribe(topic, self.conn);
    }

    fn reply(&self, frame: &Frame, reply: Reply) {
        if let Some((status, response)) = reply.into_parts() {
            let text = encode_reply(
                frame.join_ref.as_deref(),
                frame.msg_ref.as_deref(),
                &frame.topic,
                status,
                &response,
            );
            self.send(Utf8Bytes::from(text));
        }
    }

    fn push(&self, join_ref: Option<&str>, topic: &str, event: &str, payload: &Value) {
        self.send(Utf8Bytes::from(encode_push(
            join_ref, topic, event, payload,
        )));
    }

    /// Sends a frame of the reader's own (a reply, a push): written at once
    /// when nothing is queued before it, else queued.
    fn send(&self, frame: Utf8Bytes) {
        if let Err(frame) = self.wire.write_now(frame, &self.outbox) {
            self.outbox.send(frame);
        }
    }

    fn malformed(&self, malformed: Malformed) {
        match (&malformed.msg_ref, &malformed.topic) {
            (Some(_), Some(topic)) => {
                let response = json!({ "code": Code::Invalid, "reason": malformed.reason });
                let text = encode_reply(
                    malformed.join_ref.as_deref(),
                    malformed.msg_ref.as_deref(),
                    topic,
                    ReplyStatus::Error,
                    &response,
                );
                self.send(Utf8Bytes::from(text));
            }
            _ => self.socket_error(malformed.msg_ref.as_deref(), &malformed.reason),
        }
    }

    /// A `phx_error` on the `phoenix` topic, for a frame that names no topic to
    /// answer on; carries the code `invalid` and the push's ref when it was
    /// readable.
    fn socket_error(&self, msg_ref: Option<&str>, reason: &str) {
        let payload = json!({ "code": Code::Invalid, "reason": reason, "ref": msg_ref });
        self.push(None, SOCKET_TOPIC, events::ERROR, &payload);
    }

    async fn shutdown(mut self) {
        let joined: Vec<(String, Joined)> = self.joined.drain().collect();
        for (topic, joined) in joined {
            self.end_join(&topic, joined, LeaveReason::SocketClosed)
                .await;
        }
    }
}

impl Drop for Session {
    /// Cleans up joins that `shutdown` did not reach (the task was cancelled or a
    /// handler panicked past `catch_unwind`), so no presence or subscription leaks.
    fn drop(&mut self) {
        for topic in self.joined.keys() {
            self.forget(topic);
        }
        self.shared.sockets.remove(&self.claims.sub, self.conn);
        telemetry::socket_dropped();
    }
}
