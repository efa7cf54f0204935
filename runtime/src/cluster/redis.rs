//! The Redis engine: one connection subscribed to the cluster's channel, one
//! that publishes (pipelined, up to a batch per round trip); on any error both
//! are dropped and made again with backoff.

use std::sync::Arc;

use futures_util::StreamExt;
use redis::RedisError;
use tokio::sync::mpsc;

use super::Link;
use super::pacing::{BATCH, PUBLISH_TIMEOUT, backoff};

/// Connects, carries messages, and reconnects after any failure, until the
/// queue's sender (the cluster handle) is gone.
pub(super) async fn run(
    client: redis::Client,
    link: Arc<Link>,
    mut queued: mpsc::Receiver<Vec<u8>>,
) {
    let mut attempt = 0;
    loop {
        let mut connected = false;
        match session(&client, &link, &mut queued, &mut connected).await {
            Ok(()) => return,
            Err(e) if connected => {
                tracing::warn!(error = %e, "cluster: lost the Redis connection; reconnecting");
                crate::telemetry::pubsub_reconnect("redis");
                attempt = 0;
            }
            Err(e) => {
                if attempt == 0 {
                    tracing::warn!(error = %e, "cluster: cannot reach Redis; serving this node's sockets alone and retrying");
                }
                attempt += 1;
            }
        }
        tokio::time::sleep(backoff(attempt)).await;
    }
}

async fn session(
    client: &redis::Client,
    link: &Link,
    queued: &mut mpsc::Receiver<Vec<u8>>,
    connected: &mut bool,
) -> Result<(), RedisError> {
    let mut subscriber = client.get_async_pubsub().await?;
    subscriber.subscribe(&link.config.channel).await?;
    let mut messages = subscriber.into_on_message();
    let mut publisher = client.get_multiplexed_async_connection().await?;
    *connected = true;
    tracing::info!(node = %link.node, channel = %link.config.channel, "cluster: connected to Redis");
    link.connected();
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        tokio::select! {
            message = messages.next() => match message {
                Some(message) => link.receive(message.get_payload_bytes()),
                None => return Err(RedisError::from(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "the subscription connection closed",
                ))),
            },
            n = queued.recv_many(&mut batch, BATCH) => {
                if n == 0 {
                    return Ok(());
                }
                let mut pipe = redis::pipe();
                for bytes in &batch {
                    pipe.cmd("PUBLISH").arg(&link.config.channel).arg(bytes).ignore();
                }
                let sent = tokio::time::timeout(PUBLISH_TIMEOUT, pipe.query_async::<()>(&mut publisher)).await;
                let count = batch.len();
                batch.clear();
                match sent {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        link.lost(count);
                        return Err(e);
                    }
                    Err(_) => {
                        link.lost(count);
                        return Err(RedisError::from(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            "publishing took over 5 s",
                        )));
                    }
                }
            }
        }
    }
}
