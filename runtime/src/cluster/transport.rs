//! The engine a cluster runs on, chosen by URL, and the task that carries
//! messages between it and this node.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{ClusterError, Link};

/// A pub/sub engine, parsed from its URL.
pub(super) enum Engine {
    #[cfg(feature = "redis")]
    Redis(::redis::Client),
    #[cfg(feature = "nats")]
    Nats(String),
}

impl Engine {
    /// The engine `url` names, checked as far as can be without connecting.
    pub(super) fn for_url(url: &str) -> Result<Engine, ClusterError> {
        let scheme = url.split_once("://").map_or("", |(s, _)| s);
        match scheme {
            "redis" | "rediss" => redis_engine(url),
            "nats" | "tls" => nats_engine(url),
            _ => Err(ClusterError::UnknownScheme(url.to_owned())),
        }
    }
}

#[cfg(feature = "redis")]
fn redis_engine(url: &str) -> Result<Engine, ClusterError> {
    ::redis::Client::open(url)
        .map(Engine::Redis)
        .map_err(|e| ClusterError::BadUrl {
            engine: "redis",
            reason: e.to_string(),
        })
}

#[cfg(not(feature = "redis"))]
fn redis_engine(_: &str) -> Result<Engine, ClusterError> {
    Err(ClusterError::FeatureOff { engine: "redis" })
}

#[cfg(feature = "nats")]
fn nats_engine(url: &str) -> Result<Engine, ClusterError> {
    url.parse::<async_nats::ServerAddr>()
        .map(|_| Engine::Nats(url.to_owned()))
        .map_err(|e| ClusterError::BadUrl {
            engine: "nats",
            reason: e.to_string(),
        })
}

#[cfg(not(feature = "nats"))]
fn nats_engine(_: &str) -> Result<Engine, ClusterError> {
    Err(ClusterError::FeatureOff { engine: "nats" })
}

/// Carries messages until the cluster handle is dropped.
pub(super) async fn run(
    engine: Engine,
    link: Arc<Link>,
    queued: mpsc::Receiver<Vec<u8>>,
    stop: CancellationToken,
) {
    tokio::select! {
        () = stop.cancelled() => {}
        () = carry(engine, link, queued) => {}
    }
}

#[allow(
    clippy::unused_async,
    reason = "no engine compiled in: nothing to await"
)]
async fn carry(engine: Engine, link: Arc<Link>, queued: mpsc::Receiver<Vec<u8>>) {
    match engine {
        #[cfg(feature = "redis")]
        Engine::Redis(client) => super::redis::run(client, link, queued).await,
        #[cfg(feature = "nats")]
        Engine::Nats(url) => super::nats::run(url, link, queued).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_schemes_are_refused_with_what_to_use() {
        let Err(err) = Engine::for_url("http://127.0.0.1:6379") else {
            panic!("http is no engine");
        };
        assert!(err.to_string().contains("redis://"), "{err}");
    }
}
