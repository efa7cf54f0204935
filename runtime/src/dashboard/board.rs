//! The board: sampled once a second into the last minute's history, this
//! node's figures set as its presence on the nodes topic, and, while someone
//! watches here, rendered and sent to them.

use std::sync::{Arc, Mutex, Weak};

use serde_json::{Value, json};

use super::figures::History;
use super::render::{self, Around};
use super::{EVERY, NODES_TOPIC, PART, RENDER_EVENT, TOPIC};
use crate::channel::{Channel, ChannelSocket, JoinError};
use crate::conn::ConnId;
use crate::presence::Presence;
use crate::pubsub::{Broadcast, PubSub, node_of};
use crate::sync::lock;
use crate::telemetry::{self, activity};
use crate::wire::Reply;

/// What the sampler and the channel share.
pub(crate) struct Board {
    presence: Presence,
    pubsub: Arc<dyn PubSub>,
    /// This node's name on the nodes topic.
    node: String,
    /// This node's presence on the nodes topic.
    conn: ConnId,
    history: Mutex<History>,
}

impl Board {
    /// Takes the last second's figures, sets this node's, and sends the
    /// board to whoever watches on this node.
    fn sample(&self) {
        let second = activity::take();
        let (sockets, topics) = activity::sockets_and_topics();
        let mut history = lock(&self.history);
        let row = history.push(second, sockets, topics);
        let figures = json!({
            "sockets": row.sockets,
            "topics": row.topics,
            "actions": row.actions(),
            "p99_ms": (row.p99.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
        });
        let set = self.presence.update(NODES_TOPIC, self.conn, |meta| {
            if let Value::Object(f) = figures {
                meta.extend(f);
            }
        });
        if set.is_err() {
            tracing::warn!(
                "dashboard: this node's presence on {NODES_TOPIC} was gone; tracking it again"
            );
            self.track_node();
        }
        if self.pubsub.local_subscribers(TOPIC) > 0 {
            let parts = self.parts(&history);
            self.pubsub
                .broadcast_local(&Broadcast::new(TOPIC, RENDER_EVENT, parts));
        }
    }

    fn track_node(&self) {
        let meta =
            json!({ "name": self.node, "sockets": 0, "topics": 0, "actions": 0, "p99_ms": 0 });
        if let Err(e) = self
            .presence
            .track(NODES_TOPIC, &self.node, self.conn, meta)
        {
            tracing::warn!("dashboard: this node could not be present on {NODES_TOPIC}: {e}");
        }
    }

    /// `{"parts": [{"id", "html"}]}`: the board now.
    fn parts(&self, history: &History) -> Value {
        let (closes, errors) = activity::recent();
        // The app's topics: rtux's own (the dashboard, the nodes) are not
        // what an operator looks for here.
        let mut present = self.presence.busiest(telemetry::PRESENCE_TOP + 2);
        present.retain(|(topic, _)| ![TOPIC, NODES_TOPIC].contains(&&**topic));
        present.truncate(telemetry::PRESENCE_TOP);
        let html = render::board(
            history,
            &Around {
                node: &self.node,
                nodes: &self.presence.list(NODES_TOPIC),
                present: &present,
                closes: &closes,
                errors: &errors,
            },
        );
        json!({ "parts": [{ "id": PART, "html": html.as_str() }] })
    }
}

/// Starts the board: the process's live figures recorded from now on, this
/// node present on the nodes topic, and the sampler (which stops when the
/// endpoint is dropped).
pub(crate) fn start(presence: Presence, pubsub: Arc<dyn PubSub>) -> DashboardChannel {
    activity::watch();
    let node = node_of(&*pubsub).map_or_else(
        || "this server (no cluster)".to_owned(),
        |node| node.to_string(),
    );
    let board = Arc::new(Board {
        presence,
        pubsub,
        node,
        conn: ConnId::next(),
        history: Mutex::new(History::default()),
    });
    board.track_node();
    tokio::spawn(sample(Arc::downgrade(&board)));
    DashboardChannel { board }
}

async fn sample(board: Weak<Board>) {
    let mut every = tokio::time::interval(EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        let Some(board) = board.upgrade() else {
            return;
        };
        board.sample();
    }
}

/// The dashboard's channel: viewers are present on it, get the board with
/// their join reply, then a fresh one every second; they send nothing.
pub(crate) struct DashboardChannel {
    board: Arc<Board>,
}

impl Channel for DashboardChannel {
    type State = ();

    async fn join(
        &self,
        _topic: &str,
        _payload: Value,
        socket: &mut ChannelSocket,
    ) -> Result<((), Value), JoinError> {
        let name = socket
            .claims()
            .name
            .clone()
            .unwrap_or_else(|| socket.user_id().to_owned());
        socket
            .presence()
            .track(json!({ "name": name }))
            .map_err(JoinError::from)?;
        let parts = self.board.parts(&lock(&self.board.history));
        Ok(((), parts))
    }

    async fn handle_in(
        &self,
        event: &str,
        _payload: Value,
        _state: &mut (),
        _socket: &mut ChannelSocket,
    ) -> Reply {
        Reply::refuse(
            crate::wire::Code::Forbidden,
            format!("the dashboard is read-only: {event:?} does nothing here"),
        )
    }
}
