//! Topic pub/sub: who is subscribed to what, and delivering broadcasts to them.
//!
//! [`PubSub`] is what the rest of rtux calls. [`LocalPubSub`] delivers on this node
//! only; [`crate::cluster::Cluster`] (Redis, NATS) implements the same trait by
//! delivering locally and forwarding to the other nodes, so no caller changes.

mod local;

pub use local::LocalPubSub;

use std::sync::{Arc, Mutex};

use axum::extract::ws::Utf8Bytes;
use serde_json::Value;

use crate::conn::{ConnId, Outbox};
use crate::sync::lock;

/// One message for every subscriber of a topic.
///
/// ```
/// use rtux::pubsub::Broadcast;
/// use serde_json::json;
///
/// let all = Broadcast::new("doc:1", "saved", json!({"version": 3}));
/// assert_eq!(all.except, None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Broadcast {
    /// The topic.
    pub topic: String,
    /// The event name clients receive.
    pub event: String,
    /// The payload clients receive.
    pub payload: Value,
    /// A connection that must not receive it (broadcast-from).
    pub except: Option<ConnId>,
}

impl Broadcast {
    /// A broadcast to every subscriber of `topic`.
    pub fn new(topic: impl Into<String>, event: impl Into<String>, payload: Value) -> Broadcast {
        Broadcast {
            topic: topic.into(),
            event: event.into(),
            payload,
            except: None,
        }
    }

    /// The same broadcast, skipping connection `conn`.
    pub fn except(mut self, conn: ConnId) -> Broadcast {
        self.except = Some(conn);
        self
    }
}

/// A connection subscribed to a topic: where its broadcasts are queued.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub(crate) id: ConnId,
    outbox: Outbox,
    /// Holds broadcasts back while the connection's join is under way.
    gate: Option<Arc<Gate>>,
}

impl Subscriber {
    /// A subscriber whose broadcasts go straight to its outbox.
    pub(crate) fn new(id: ConnId, outbox: Outbox) -> Subscriber {
        Subscriber {
            id,
            outbox,
            gate: None,
        }
    }

    /// A subscriber whose broadcasts are held until [`Gate::open`]: a joining
    /// socket subscribes before its join handler reads the topic's state, so no
    /// change falls between that state and the first broadcast, and receives
    /// them only after its join reply (or never, if the join is refused).
    pub(crate) fn held(id: ConnId, outbox: Outbox) -> (Subscriber, Arc<Gate>) {
        let gate = Arc::new(Gate::default());
        let subscriber = Subscriber {
            id,
            outbox,
            gate: Some(gate.clone()),
        };
        (subscriber, gate)
    }

    /// The connection's id.
    pub fn id(&self) -> ConnId {
        self.id
    }

    /// Queues a broadcast frame for the connection (or holds it).
    pub(crate) fn deliver(&self, frame: Utf8Bytes) {
        match &self.gate {
            Some(gate) => gate.deliver(&self.outbox, frame),
            None => {
                self.outbox.send(frame);
            }
        }
    }
}

/// Broadcasts held for a joining connection. Past [`GATE_LIMIT`] frames the
/// connection is ended as a slow consumer, as a full outbox would.
#[derive(Debug)]
pub(crate) struct Gate {
    held: Mutex<Option<Vec<Utf8Bytes>>>,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate {
            held: Mutex::new(Some(Vec::new())),
        }
    }
}

/// The most broadcasts held for one joining connection.
const GATE_LIMIT: usize = 1024;

impl Gate {
    fn deliver(&self, outbox: &Outbox, frame: Utf8Bytes) {
        let mut held = lock(&self.held);
        match held.as_mut() {
            Some(frames) if frames.len() >= GATE_LIMIT => outbox.overflow(),
            Some(frames) => frames.push(frame),
            None => {
                outbox.send(frame);
            }
        }
    }

    /// Sends what was held, in order, and lets later broadcasts through.
    pub(crate) fn open(&self, outbox: &Outbox) {
        let mut held = lock(&self.held);
        for frame in held.take().unwrap_or_default() {
            outbox.send(frame);
        }
    }
}

/// Topic subscriptions and broadcast delivery.
///
/// Every method is synchronous and never waits on a client: delivery queues the
/// frame on each subscriber's bounded outbox (a full one ends that socket only).
pub trait PubSub: Send + Sync + 'static {
    /// Subscribes a connection to a topic (again is a no-op).
    fn subscribe(&self, topic: &str, subscriber: Subscriber);
    /// Removes a connection's subscription to a topic.
    fn unsubscribe(&self, topic: &str, conn: ConnId);
    /// Delivers a message to every subscriber of its topic, once each, except
    /// `message.except`.
    fn broadcast(&self, message: &Broadcast);
    /// How many connections on this node are subscribed to a topic.
    fn local_subscribers(&self, topic: &str) -> usize;
    /// Delivers a message to this node's subscribers only (presence sends
    /// each node's subscribers what changed from its own replica). The same
    /// as [`PubSub::broadcast`] for a pub/sub that spans one node.
    fn broadcast_local(&self, message: &Broadcast) {
        self.broadcast(message);
    }
    /// This pub/sub as [`Any`](std::any::Any), for a layer that works with one
    /// kind of pub/sub in particular (presence replicates itself through a
    /// [`Cluster`](crate::cluster::Cluster)); `None` unless the kind offers it.
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
}
