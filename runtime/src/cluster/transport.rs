//! The engine a cluster runs on, chosen by URL, and the task that carries
//! messages between it and this node.

use std::sync::Arc;
use std::time::Duration;

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

/// Most messages published in one round trip.
pub(super) const BATCH: usize = 256;

/// How long one publish may take before the connection counts as lost.
pub(super) const PUBLISH_TIMEOUT: Duration = Duration::from_secs(5);

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

/// The wait before reconnect attempt `n` (from 0): 100 ms doubling to 5 s,
/// with up to a quarter of jitter so nodes do not retry in step.
pub(super) fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(100)
        .saturating_mul(1 << attempt.min(6))
        .min(Duration::from_secs(5));
    let random = uuid::Uuid::now_v7().as_u128();
    let quarter = u64::try_from(base.as_millis() / 4).unwrap_or(0).max(1);
    base + Duration::from_millis(u64::try_from(random % u128::from(quarter)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_fast_and_is_capped() {
        assert!(backoff(0) < Duration::from_millis(130));
        assert!(backoff(3) >= Duration::from_millis(800));
        for n in 6..40 {
            let wait = backoff(n);
            assert!(wait >= Duration::from_secs(5) && wait <= Duration::from_millis(6250));
        }
    }

    #[test]
    fn unknown_schemes_are_refused_with_what_to_use() {
        let Err(err) = Engine::for_url("http://127.0.0.1:6379") else {
            panic!("http is no engine");
        };
        assert!(err.to_string().contains("redis://"), "{err}");
    }
}
