//! Scale-out: many identical nodes behind a load balancer, sharing broadcasts
//! and presence through an engine operators already run — Redis (feature
//! `redis`) or NATS (feature `nats`), chosen by URL at startup.
//!
//! [`Cluster`] is a [`PubSub`]: a broadcast is encoded once, queued for this
//! node's subscribers, and published once to the engine, where every other node
//! receives it and queues the same bytes for its own subscribers. Presence
//! replicates through the same channel (each node owns its metas, sends their
//! changes and a heartbeat; a silent node's metas leave after
//! [`ClusterConfig::node_timeout`]). When the engine goes away a node keeps
//! serving its own sockets, reconnects with backoff, resubscribes, asks the
//! others for their presence again, and logs what it could not deliver.
//! docs/scaling.md describes the model and each failure.

// With neither engine compiled in, `Cluster::connect` refuses every URL and no
// transport ever starts: the plumbing below is unreachable, and says so here
// rather than in a cfg on every item.
#![cfg_attr(
    not(any(feature = "redis", feature = "nats")),
    allow(dead_code, unused_variables, irrefutable_let_patterns)
)]

mod envelope;
mod pacing;
mod transport;

#[cfg(feature = "nats")]
mod nats;
#[cfg(feature = "redis")]
mod redis;

pub use crate::pubsub::NodeId;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::conn::ConnId;
use crate::pubsub::{Broadcast, LocalPubSub, Member, Peers, PubSub, Subscriber};
use crate::wire::encode_broadcast;
use envelope::Envelope;

/// How a node takes part in a cluster.
///
/// ```
/// use std::time::Duration;
/// use rtux::cluster::ClusterConfig;
///
/// let config = ClusterConfig { node_timeout: Duration::from_secs(10), ..ClusterConfig::default() };
/// assert_eq!(config.channel, "rtux");
/// assert_eq!(config.heartbeat, Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// The engine channel (Redis) or subject (NATS) the nodes share ("rtux"):
    /// apps sharing one engine use one channel each. Letters, digits, `-`,
    /// `_` and `.` only.
    pub channel: String,
    /// How often a node tells the others it is alive and how far its presence
    /// changes have got (5 s).
    pub heartbeat: Duration,
    /// A node not heard from for this long is gone: its presences leave on
    /// every other node (30 s).
    pub node_timeout: Duration,
    /// Messages queued for the engine before new ones are dropped and counted
    /// (16,384): a node cut off from the engine does not grow without bound.
    pub queue: usize,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            channel: "rtux".into(),
            heartbeat: Duration::from_secs(5),
            node_timeout: Duration::from_secs(30),
            queue: 16_384,
        }
    }
}

/// Why a cluster could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// The URL names no engine rtux knows.
    #[error(
        "PUBSUB_URL `{0}` is not a pub/sub engine rtux knows: use redis://host:6379 or nats://host:4222, or leave it unset for one node"
    )]
    UnknownScheme(String),
    /// The engine is known but this build leaves it out.
    #[error(
        "PUBSUB_URL asks for {engine}, but rtux was built without it: enable the `{engine}` feature of the rtux crate"
    )]
    FeatureOff {
        /// The engine's feature name.
        engine: &'static str,
    },
    /// The URL could not be read.
    #[error("PUBSUB_URL is not a valid {engine} URL: {reason}")]
    BadUrl {
        /// The engine.
        engine: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting is unusable.
    #[error("cluster setting {0}")]
    Config(&'static str),
}

/// A [`PubSub`] spanning every node connected to one engine channel.
///
/// ```no_run
/// # #[tokio::main] async fn main() {
/// use std::sync::Arc;
/// use rtux::cluster::{Cluster, ClusterConfig};
///
/// let cluster = Cluster::connect("redis://127.0.0.1:6379", ClusterConfig::default())
///     .expect("a redis:// or nats:// URL, with the matching feature on");
/// let endpoint = rtux::Endpoint::builder("a secret of at least thirty-two bytes!!")
///     .pubsub(Arc::new(cluster))
///     .build()
///     .expect("endpoint");
/// # let _ = endpoint;
/// # }
/// ```
pub struct Cluster {
    link: Arc<Link>,
    _stop: DropGuard,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("node", &self.link.node)
            .field("config", &self.link.config)
            .finish_non_exhaustive()
    }
}

/// What the cluster's transport task and its handle share.
pub(crate) struct Link {
    node: NodeId,
    config: ClusterConfig,
    local: LocalPubSub,
    out: mpsc::Sender<Vec<u8>>,
    undelivered: AtomicU64,
    member: OnceLock<Weak<dyn Member>>,
}

impl Cluster {
    /// Connects this node to the engine at `url` (`redis://…` or `nats://…`),
    /// in the background: the node serves its own sockets at once and joins the
    /// others when the engine answers, retrying with backoff.
    ///
    /// # Errors
    /// An unknown scheme, an engine whose feature is off, an unreadable URL or
    /// an unusable setting.
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub fn connect(url: &str, config: ClusterConfig) -> Result<Cluster, ClusterError> {
        let valid = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
        if config.channel.is_empty() || !config.channel.chars().all(valid) {
            return Err(ClusterError::Config(
                "channel: use letters, digits, `-`, `_` and `.` only",
            ));
        }
        if config.heartbeat.is_zero() || config.node_timeout <= config.heartbeat * 2 {
            return Err(ClusterError::Config(
                "node_timeout must be more than two heartbeats",
            ));
        }
        if config.queue == 0 {
            return Err(ClusterError::Config("queue must be greater than zero"));
        }
        let engine = transport::Engine::for_url(url)?;
        let (out, queued) = mpsc::channel(config.queue);
        let link = Arc::new(Link {
            node: NodeId::random(),
            config,
            local: LocalPubSub::default(),
            out,
            undelivered: AtomicU64::new(0),
            member: OnceLock::new(),
        });
        let stop = CancellationToken::new();
        tokio::spawn(transport::run(engine, link.clone(), queued, stop.clone()));
        Ok(Cluster {
            link,
            _stop: stop.drop_guard(),
        })
    }

    /// This node's id (new at every start).
    pub fn node(&self) -> NodeId {
        self.link.node
    }

    /// The settings in force.
    pub fn config(&self) -> &ClusterConfig {
        &self.link.config
    }

    /// Messages this node could not hand to the engine so far (queue full or
    /// engine gone).
    pub fn undelivered(&self) -> u64 {
        self.link.undelivered.load(Ordering::Relaxed)
    }
}

impl Link {
    /// Queues bytes for the engine, or counts them as undelivered.
    fn publish(&self, bytes: Vec<u8>) {
        if self.out.try_send(bytes).is_err() {
            self.lost(1);
        }
    }

    /// Counts messages that did not reach the engine, logging the first of a
    /// run and every thousandth after.
    fn lost(&self, n: usize) {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        let before = self.undelivered.fetch_add(n, Ordering::Relaxed);
        crate::telemetry::pubsub_undelivered(n);
        if before == 0 || before / 1000 != (before + n) / 1000 {
            tracing::warn!(
                undelivered = before + n,
                "cluster: messages could not reach the pub/sub engine (queue full or engine down); other nodes miss them, presence resyncs on reconnect"
            );
        }
    }

    /// Handles bytes from the engine: a broadcast for this node's subscribers,
    /// or a control message for presence. Our own messages come back too and
    /// are skipped; what is not an rtux envelope is logged and dropped.
    fn receive(&self, bytes: &[u8]) {
        match envelope::decode(bytes) {
            Ok((from, _)) if from == self.node => {}
            Ok((_, Envelope::Broadcast { topic, frame })) => {
                self.local.deliver(topic, &Utf8Bytes::from(frame), None);
            }
            Ok((from, Envelope::Control(body))) => {
                if let Some(member) = self.member.get().and_then(Weak::upgrade) {
                    member.control(from, body);
                }
            }
            Err(e) => tracing::warn!(error = %e, "cluster: dropped a message from the engine"),
        }
    }

    /// The transport is subscribed again: tell presence to resync.
    fn connected(&self) {
        if let Some(member) = self.member.get().and_then(Weak::upgrade) {
            member.connected();
        }
    }
}

impl PubSub for Cluster {
    fn subscribe(&self, topic: &str, subscriber: Subscriber) {
        self.link.local.subscribe(topic, subscriber);
    }

    fn unsubscribe(&self, topic: &str, conn: ConnId) {
        self.link.local.unsubscribe(topic, conn);
    }

    fn broadcast(&self, message: &Broadcast) {
        let frame = encode_broadcast(&message.topic, &message.event, &message.payload);
        match envelope::broadcast(self.link.node, &message.topic, &frame) {
            Some(bytes) => self.link.publish(bytes),
            None => {
                tracing::warn!("cluster: a broadcast on a topic over 64 KiB stays on this node")
            }
        }
        let frame = Utf8Bytes::from(frame);
        self.link
            .local
            .deliver(&message.topic, &frame, message.except);
    }

    fn broadcast_local(&self, message: &Broadcast) {
        self.link.local.broadcast(message);
    }

    fn local_subscribers(&self, topic: &str) -> usize {
        self.link.local.local_subscribers(topic)
    }

    fn peers(&self) -> Option<&dyn Peers> {
        Some(self)
    }
}

impl Peers for Cluster {
    fn node(&self) -> NodeId {
        Cluster::node(self)
    }

    fn heartbeat(&self) -> Duration {
        self.config().heartbeat
    }

    fn node_timeout(&self) -> Duration {
        self.config().node_timeout
    }

    fn join(&self, member: Weak<dyn Member>) {
        let _first = self.link.member.set(member);
    }

    fn send_control(&self, body: &[u8]) {
        self.link.publish(envelope::control(self.link.node, body));
    }
}

/// The pub/sub a node should use: a [`Cluster`] on the engine at `url`, or
/// this node alone ([`LocalPubSub`]) when `url` is unset or empty — what apps
/// made by `rtux new` do with `PUBSUB_URL`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let alone = rtux::cluster::pubsub_for(None, Default::default()).expect("no URL is one node");
/// assert!(alone.peers().is_none());
/// let Err(err) = rtux::cluster::pubsub_for(Some("kafka://x"), Default::default()) else {
///     panic!("kafka is no engine rtux knows");
/// };
/// assert!(err.to_string().contains("redis://"));
/// # }
/// ```
///
/// # Errors
/// As [`Cluster::connect`].
pub fn pubsub_for(
    url: Option<&str>,
    config: ClusterConfig,
) -> Result<Arc<dyn PubSub>, ClusterError> {
    match url.map(str::trim) {
        None | Some("") => Ok(Arc::new(LocalPubSub::default())),
        Some(url) => Ok(Arc::new(Cluster::connect(url, config)?)),
    }
}

#[cfg(all(test, feature = "redis"))]
mod tests {
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn with_the_engine_away_the_queue_stays_bounded_and_losses_are_counted() {
        // Nothing listens on port 1: the node serves alone and retries.
        let config = ClusterConfig {
            queue: 4,
            ..ClusterConfig::default()
        };
        let cluster = Cluster::connect("redis://127.0.0.1:1", config).expect("a redis URL");
        for n in 0..10 {
            cluster.broadcast(&Broadcast::new("doc:1", "saved", json!({ "n": n })));
        }
        assert_eq!(
            cluster.undelivered(),
            6,
            "4 wait in the queue, 6 are dropped and counted"
        );
    }
}
