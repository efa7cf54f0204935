use std::collections::HashMap;
use std::sync::RwLock;

use axum::extract::ws::Utf8Bytes;

use super::{Broadcast, PubSub, Subscriber};
use crate::conn::ConnId;
use crate::sync::{read, shrink, write};
use crate::wire::encode_broadcast;

/// In-process pub/sub: the subscriptions of this node's sockets.
///
/// A broadcast is encoded once and the same bytes are queued for every subscriber.
///
/// ```
/// use rtux::pubsub::{Broadcast, LocalPubSub, PubSub};
///
/// let pubsub = LocalPubSub::default();
/// pubsub.broadcast(&Broadcast::new("doc:1", "saved", serde_json::json!({})));
/// assert_eq!(pubsub.local_subscribers("doc:1"), 0);
/// ```
#[derive(Debug, Default)]
pub struct LocalPubSub {
    topics: RwLock<HashMap<Box<str>, HashMap<ConnId, Subscriber>>>,
}

impl LocalPubSub {
    /// Queues an encoded frame for every subscriber of `topic` but `except`.
    pub(crate) fn deliver(&self, topic: &str, frame: &Utf8Bytes, except: Option<ConnId>) {
        if let Some(subs) = read(&self.topics).get(topic) {
            deliver_to(subs, frame, except);
        }
    }
}

/// Queues `frame` for each of `subs` but `except`.
fn deliver_to(subs: &HashMap<ConnId, Subscriber>, frame: &Utf8Bytes, except: Option<ConnId>) {
    let started = std::time::Instant::now();
    for (id, sub) in subs {
        if Some(*id) != except {
            sub.deliver(frame.clone());
        }
    }
    crate::telemetry::fanout(started.elapsed());
}

impl PubSub for LocalPubSub {
    fn subscribe(&self, topic: &str, subscriber: Subscriber) {
        write(&self.topics)
            .entry(topic.into())
            .or_default()
            .insert(subscriber.id, subscriber);
    }

    fn unsubscribe(&self, topic: &str, conn: ConnId) {
        let mut topics = write(&self.topics);
        if let Some(subs) = topics.get_mut(topic) {
            subs.remove(&conn);
            if subs.is_empty() {
                topics.remove(topic);
                shrink(&mut topics);
            } else {
                shrink(subs);
            }
        }
    }

    fn broadcast(&self, message: &Broadcast) {
        let topics = read(&self.topics);
        let Some(subs) = topics.get(message.topic.as_str()) else {
            return;
        };
        let frame = Utf8Bytes::from(encode_broadcast(
            &message.topic,
            &message.event,
            &message.payload,
        ));
        deliver_to(subs, &frame, message.except);
    }

    fn local_subscribers(&self, topic: &str) -> usize {
        read(&self.topics).get(topic).map_or(0, HashMap::len)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::conn::Outbox;

    #[tokio::test]
    async fn each_subscriber_gets_a_broadcast_once_and_except_is_skipped() {
        let pubsub = LocalPubSub::default();
        let mut receivers = Vec::new();
        let mut ids = Vec::new();
        for _ in 0..3 {
            let (outbox, rx, _life) = Outbox::new(8, usize::MAX);
            let id = ConnId::next();
            pubsub.subscribe("t", Subscriber::new(id, outbox.clone()));
            pubsub.subscribe("t", Subscriber::new(id, outbox));
            receivers.push(rx);
            ids.push(id);
        }
        assert_eq!(
            pubsub.local_subscribers("t"),
            3,
            "subscribing twice is one subscription"
        );
        pubsub.broadcast(&Broadcast::new("t", "e", json!({"n": 1})));
        pubsub.broadcast(&Broadcast::new("t", "e", json!({"n": 2})).except(ids[0]));
        pubsub.broadcast(&Broadcast::new("other", "e", json!({})));
        let counts: Vec<usize> = receivers
            .iter_mut()
            .map(|rx| std::iter::from_fn(|| rx.try_recv()).count())
            .collect();
        assert_eq!(counts, [1, 2, 2]);
        pubsub.unsubscribe("t", ids[1]);
        pubsub.unsubscribe("t", ids[1]);
        assert_eq!(pubsub.local_subscribers("t"), 2);
    }
}
