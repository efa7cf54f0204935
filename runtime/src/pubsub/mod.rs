//! Topic pub/sub: who is subscribed to what, and delivering broadcasts to them.
//!
//! [`PubSub`] is what the rest of rtux calls. [`LocalPubSub`] delivers on this node
//! only; [`crate::cluster::Cluster`] (Redis, NATS) implements the same trait by
//! delivering locally and forwarding to the other nodes, so no caller changes.
//! A pub/sub that spans nodes also gives out its [`Peers`], through which
//! presence replicates itself.

mod local;
mod node;
mod peers;

pub use local::LocalPubSub;
pub use node::NodeId;
pub(crate) use peers::node_of;
pub use peers::{Member, Peers};

use std::sync::atomic::{AtomicBool, Ordering};
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
    /// Set once what was held has been sent: later broadcasts go straight
    /// to the outbox without the lock (they are most of a socket's life).
    open: AtomicBool,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate {
            held: Mutex::new(Some(Vec::new())),
            open: AtomicBool::new(false),
        }
    }
}

/// The most broadcasts held for one joining connection.
const GATE_LIMIT: usize = 1024;

impl Gate {
    fn deliver(&self, outbox: &Outbox, frame: Utf8Bytes) {
        if self.open.load(Ordering::Acquire) {
            outbox.send(frame);
            return;
        }
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
        // Under the lock, after the held frames: no broadcast overtakes them.
        self.open.store(true, Ordering::Release);
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
    /// The other nodes this pub/sub spans, through which presence
    /// replicates itself; `None` for a pub/sub of one node.
    fn peers(&self) -> Option<&dyn Peers> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(rx: &mut crate::conn::Queued) -> Vec<String> {
        std::iter::from_fn(|| rx.try_recv())
            .map(|f| f.as_str().to_owned())
            .collect()
    }

    #[tokio::test]
    async fn a_joining_subscriber_gets_the_held_broadcasts_after_its_reply_then_the_rest() {
        let (outbox, mut rx, _life) = Outbox::new(16, usize::MAX);
        let (subscriber, gate) = Subscriber::held(ConnId::next(), outbox.clone());
        subscriber.deliver(Utf8Bytes::from_static("1"));
        subscriber.deliver(Utf8Bytes::from_static("2"));
        assert!(taken(&mut rx).is_empty(), "held until the join reply");
        outbox.send(Utf8Bytes::from_static("reply"));
        gate.open(&outbox);
        subscriber.deliver(Utf8Bytes::from_static("3"));
        assert_eq!(taken(&mut rx), ["reply", "1", "2", "3"]);
    }

    #[test]
    fn no_broadcast_overtakes_the_held_ones_while_the_gate_opens() {
        // No more than a gate holds: half come before it opens, half while.
        const SENT: usize = GATE_LIMIT;
        let (outbox, mut rx, _life) = Outbox::new(SENT + 1, usize::MAX);
        let (subscriber, gate) = Subscriber::held(ConnId::next(), outbox.clone());
        let halfway = Arc::new(std::sync::Barrier::new(2));
        let publisher = std::thread::spawn({
            let halfway = halfway.clone();
            move || {
                for i in 0..SENT {
                    if i == SENT / 2 {
                        halfway.wait();
                    }
                    subscriber.deliver(Utf8Bytes::from(i.to_string()));
                }
            }
        });
        halfway.wait();
        gate.open(&outbox);
        assert!(publisher.join().is_ok());
        let order: Vec<usize> = taken(&mut rx)
            .iter()
            .filter_map(|f| f.parse().ok())
            .collect();
        assert_eq!(
            order,
            (0..SENT).collect::<Vec<_>>(),
            "every broadcast once, in order"
        );
    }
}
