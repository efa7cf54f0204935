//! The NATS engine: the `async-nats` client keeps the connection (reconnecting
//! with its own backoff and resubscribing); this task publishes the queue and
//! hands what arrives on the cluster's subject to the node.

use std::sync::Arc;

use async_nats::{ConnectOptions, Event};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::Link;
use super::pacing::{BATCH, PUBLISH_TIMEOUT, backoff};

/// Connects (retrying until NATS answers) and carries messages until the
/// queue's sender (the cluster handle) is gone.
pub(super) async fn run(url: String, link: Arc<Link>, mut queued: mpsc::Receiver<Vec<u8>>) {
    let events = Arc::downgrade(&link);
    let options = ConnectOptions::new()
        .retry_on_initial_connect()
        .reconnect_delay_callback(|attempt| backoff(u32::try_from(attempt).unwrap_or(u32::MAX)))
        .event_callback(move |event| {
            let link = events.upgrade();
            async move {
                match (event, link) {
                    (Event::Connected, Some(link)) => {
                        tracing::info!(node = %link.node, channel = %link.config.channel, "cluster: connected to NATS");
                        link.connected();
                    }
                    (Event::Disconnected, _) => {
                        tracing::warn!("cluster: lost the NATS connection; reconnecting");
                        crate::telemetry::pubsub_reconnect("nats");
                    }
                    (other, _) => tracing::debug!(event = %other, "cluster: NATS event"),
                }
            }
        });
    let client = match options.connect(url.as_str()).await {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "cluster: cannot use NATS; serving this node's sockets alone");
            return;
        }
    };
    let subject = link.config.channel.clone();
    let mut messages = loop {
        match client.subscribe(subject.clone()).await {
            Ok(messages) => break messages,
            Err(e) => {
                tracing::warn!(error = %e, "cluster: cannot subscribe on NATS; retrying");
                tokio::time::sleep(backoff(3)).await;
            }
        }
    };
    // Subscribed now: what others sent for an earlier "connected" may have
    // been missed, so ask again.
    link.connected();
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        tokio::select! {
            message = messages.next() => match message {
                Some(message) => link.receive(&message.payload),
                None => return,
            },
            n = queued.recv_many(&mut batch, BATCH) => {
                if n == 0 {
                    return;
                }
                for bytes in batch.drain(..) {
                    let sent = tokio::time::timeout(
                        PUBLISH_TIMEOUT,
                        client.publish(subject.clone(), bytes.into()),
                    )
                    .await;
                    if !matches!(sent, Ok(Ok(()))) {
                        link.lost(1);
                    }
                }
            }
        }
    }
}
