//! Ending a sign-in session across a cluster: this node closes its sockets of
//! it and announces it on [`SESSIONS_TOPIC`], so every other node closes
//! theirs.

use std::sync::{Arc, Weak};

use serde_json::{Value, json};

use super::Shared;
use crate::conn::{ConnId, Outbox};
use crate::pubsub::{Broadcast, Subscriber};

/// The topic on which nodes announce ended sessions to each other (no channel
/// serves it: clients cannot join it).
pub(crate) const SESSIONS_TOPIC: &str = "rtux:sessions";

/// Closes the sockets of `user` opened in `session` (every one with `None`)
/// on this node, and announces it to the other nodes; how many were open here.
pub(crate) fn end_session(shared: &Shared, user: &str, session: Option<&str>) -> usize {
    let closed = shared.sockets.end_session(user, session);
    let ended = json!({ "user": user, "session": session });
    shared
        .pubsub
        .broadcast(&Broadcast::new(SESSIONS_TOPIC, "ended", ended));
    closed
}

/// Hears the sessions other nodes end, and closes their sockets on this
/// node, for as long as the endpoint lives.
pub(crate) fn hear_ended_sessions(shared: &Arc<Shared>) {
    let (outbox, mut heard, _life) = Outbox::new(1024, 1 << 20);
    shared
        .pubsub
        .subscribe(SESSIONS_TOPIC, Subscriber::new(ConnId::next(), outbox));
    let shared: Weak<Shared> = Arc::downgrade(shared);
    tokio::spawn(async move {
        while let Some(frame) = heard.recv().await {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            // A broadcast frame: [join_ref, ref, topic, event, payload].
            let Ok(frame) = serde_json::from_str::<Value>(&frame) else {
                continue;
            };
            if let Some(user) = frame[4]["user"].as_str() {
                shared
                    .sockets
                    .end_session(user, frame[4]["session"].as_str());
            }
        }
    });
}
