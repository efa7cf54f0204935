//! Topic pub/sub: who is subscribed to what, and delivering broadcasts to them.
//!
//! [`PubSub`] is what the rest of rtux calls. [`LocalPubSub`] delivers on this node
//! only; a cluster adapter (Redis, NATS) implements the same trait by delivering
//! locally and forwarding to the other nodes, so no caller changes.

mod local;

pub use local::LocalPubSub;

use serde_json::Value;

use crate::socket::{ConnId, Outbox};

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
    pub(crate) outbox: Outbox,
}

impl Subscriber {
    /// The connection's id.
    pub fn id(&self) -> ConnId {
        self.id
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
}
