//! The writer task: drains a socket's outbound queue onto the wire.

use std::time::Duration;

use crate::conn::CloseReason;
use crate::conn::{Lifeline, Queued};
use crate::telemetry;
use axum::extract::ws::{Message, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;

/// Most frames written before one flush.
const BATCH: usize = 64;
/// How long a goodbye (close frame) may take before the connection is dropped.
const GOODBYE_TIMEOUT: Duration = Duration::from_secs(1);

pub(super) async fn run(mut sink: SplitSink<WebSocket, Message>, mut rx: Queued, life: Lifeline) {
    let metrics = telemetry::Written::new();
    let ended = life.ended();
    tokio::pin!(ended);
    loop {
        let first = tokio::select! {
            biased;
            () = &mut ended => break,
            frame = rx.recv() => frame,
        };
        let Some(first) = first else { break };
        let waiting = rx.waiting();
        let batch = async {
            let (mut frames, mut bytes) = (1, first.len() as u64);
            sink.feed(Message::Text(first)).await?;
            for _ in 1..BATCH {
                let Some(next) = rx.try_recv() else { break };
                (frames, bytes) = (frames + 1, bytes + next.len() as u64);
                sink.feed(Message::Text(next)).await?;
            }
            sink.flush().await?;
            metrics.batch(frames, bytes, waiting);
            Ok::<_, axum::Error>(())
        };
        let written = tokio::select! {
            biased;
            () = &mut ended => break,
            written = batch => written,
        };
        if written.is_err() {
            life.end(CloseReason::Gone);
            break;
        }
    }
    let goodbye = async {
        match life.reason().and_then(CloseReason::frame) {
            Some(frame) => sink.send(Message::Close(Some(frame))).await,
            None => sink.close().await,
        }
    };
    let _sent_or_not = tokio::time::timeout(GOODBYE_TIMEOUT, goodbye).await;
    life.end(CloseReason::Gone);
}
