//! The sending half of a socket: its writer task drains the outbound queue
//! onto the wire, and its reader writes a reply itself when nothing waits
//! before it.

use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::conn::CloseReason;
use crate::conn::{Lifeline, Outbox, Queued};
use crate::telemetry;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use tokio::sync::Mutex;

/// Most frames written before one flush.
const BATCH: usize = 64;
/// How long a goodbye (close frame) may take before the connection is dropped.
const GOODBYE_TIMEOUT: Duration = Duration::from_secs(1);

/// The socket's sending half, shared by its writer task and its reader.
///
/// Frames are taken from the queue only with the sink held, and the reader
/// writes only when it holds the sink and the queue is empty: a frame never
/// overtakes one queued before it.
pub(super) struct Wire {
    sink: Mutex<SplitSink<WebSocket, Message>>,
    metrics: telemetry::Written,
}

impl Wire {
    pub(super) fn new(sink: SplitSink<WebSocket, Message>) -> Wire {
        Wire {
            sink: Mutex::new(sink),
            metrics: telemetry::Written::new(),
        }
    }

    /// Writes `frame` now, without waiting, if the writer is idle and
    /// nothing is queued: a reply leaves without a hop through the writer
    /// task. Gives the frame back when it must be queued instead. Bytes the
    /// kernel could not take yet are left for the writer to flush.
    pub(super) fn write_now(&self, frame: Utf8Bytes, outbox: &Outbox) -> Result<(), Utf8Bytes> {
        let Ok(mut sink) = self.sink.try_lock() else {
            return Err(frame);
        };
        let life = outbox.life();
        if life.reason().is_some() || !outbox.is_idle() {
            return Err(frame);
        }
        // Polled once, never waited on: what is left pending is the writer's.
        let mut cx = Context::from_waker(Waker::noop());
        match sink.poll_ready_unpin(&mut cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(_)) => {
                life.end(CloseReason::Gone);
                return Ok(());
            }
            Poll::Pending => return Err(frame),
        }
        let bytes = frame.len() as u64;
        if sink.start_send_unpin(Message::Text(frame)).is_err() {
            life.end(CloseReason::Gone);
            return Ok(());
        }
        match sink.poll_flush_unpin(&mut cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(_)) => life.end(CloseReason::Gone),
            Poll::Pending => outbox.flush_later(),
        }
        self.metrics.batch(1, bytes, 0);
        Ok(())
    }

    /// Writes what is queued, up to [`BATCH`] frames, then flushes.
    async fn write_queued(&self, rx: &mut Queued) -> Result<(), axum::Error> {
        let mut sink = self.sink.lock().await;
        let flush = rx.take_flush();
        let Some(first) = rx.try_recv() else {
            return if flush { sink.flush().await } else { Ok(()) };
        };
        let waiting = rx.waiting();
        let (mut frames, mut bytes) = (1, first.len() as u64);
        sink.feed(Message::Text(first)).await?;
        for _ in 1..BATCH {
            let Some(next) = rx.try_recv() else { break };
            (frames, bytes) = (frames + 1, bytes + next.len() as u64);
            sink.feed(Message::Text(next)).await?;
        }
        sink.flush().await?;
        self.metrics.batch(frames, bytes, waiting);
        Ok(())
    }
}

/// The writer task: writes what is queued until the socket ends, then says
/// goodbye with the close frame of its reason.
pub(super) async fn run(wire: std::sync::Arc<Wire>, mut rx: Queued, life: Lifeline) {
    let ended = life.ended();
    tokio::pin!(ended);
    loop {
        let work = tokio::select! {
            biased;
            () = &mut ended => break,
            work = rx.ready() => work,
        };
        if !work {
            break;
        }
        let written = tokio::select! {
            biased;
            () = &mut ended => break,
            written = wire.write_queued(&mut rx) => written,
        };
        if written.is_err() {
            life.end(CloseReason::Gone);
            break;
        }
    }
    let goodbye = async {
        let mut sink = wire.sink.lock().await;
        match life.reason().and_then(CloseReason::frame) {
            Some(frame) => sink.send(Message::Close(Some(frame))).await,
            None => sink.close().await,
        }
    };
    let _sent_or_not = tokio::time::timeout(GOODBYE_TIMEOUT, goodbye).await;
    life.end(CloseReason::Gone);
}
