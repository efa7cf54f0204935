//! The bounded queue between everything that sends to a socket and its writer task.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;

use super::CloseReason;

/// A handle to one socket's outbound queue.
///
/// Sending never waits: a queue full in frames or in bytes means the client is
/// not reading fast enough, and the socket is ended
/// ([`CloseReason::SlowConsumer`]) instead of letting memory grow.
#[derive(Clone, Debug)]
pub(crate) struct Outbox {
    tx: mpsc::Sender<Utf8Bytes>,
    life: Lifeline,
    /// Bytes queued and not yet taken by the writer.
    bytes: Arc<AtomicUsize>,
    max_bytes: usize,
}

/// The writer's end of an outbox: what it takes leaves the byte count.
#[derive(Debug)]
pub(crate) struct Queued {
    rx: mpsc::Receiver<Utf8Bytes>,
    bytes: Arc<AtomicUsize>,
}

impl Queued {
    /// The next frame, waiting for one; `None` once every sender is gone.
    pub(crate) async fn recv(&mut self) -> Option<Utf8Bytes> {
        let frame = self.rx.recv().await?;
        self.bytes.fetch_sub(frame.len(), Ordering::Relaxed);
        Some(frame)
    }

    /// Frames queued and not yet taken.
    pub(crate) fn waiting(&self) -> usize {
        self.rx.len()
    }

    /// The next frame if one is queued.
    pub(crate) fn try_recv(&mut self) -> Option<Utf8Bytes> {
        let frame = self.rx.try_recv().ok()?;
        self.bytes.fetch_sub(frame.len(), Ordering::Relaxed);
        Some(frame)
    }
}

impl Outbox {
    /// A queue of at most `frames` frames and `max_bytes` bytes.
    pub(crate) fn new(frames: usize, max_bytes: usize) -> (Outbox, Queued, Lifeline) {
        let (tx, rx) = mpsc::channel(frames.max(1));
        let life = Lifeline::default();
        let bytes = Arc::new(AtomicUsize::new(0));
        let outbox = Outbox {
            tx,
            life: life.clone(),
            bytes: bytes.clone(),
            max_bytes,
        };
        (outbox, Queued { rx, bytes }, life)
    }

    /// Ends the socket as a slow consumer: more was queued for it than its
    /// bound allows.
    pub(crate) fn overflow(&self) {
        self.life.end(CloseReason::SlowConsumer);
    }

    /// Queues one text frame; returns false if the socket is ending.
    pub(crate) fn send(&self, frame: Utf8Bytes) -> bool {
        let len = frame.len();
        let queued = self.bytes.fetch_add(len, Ordering::Relaxed) + len;
        let sent = if queued > self.max_bytes {
            self.overflow();
            false
        } else {
            match self.tx.try_send(frame) {
                Ok(()) => return true,
                Err(TrySendError::Full(_)) => {
                    self.overflow();
                    false
                }
                Err(TrySendError::Closed(_)) => false,
            }
        };
        self.bytes.fetch_sub(len, Ordering::Relaxed);
        sent
    }
}

/// Shared between a socket's reader and writer: ends both, with one reason.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lifeline {
    token: CancellationToken,
    reason: Arc<OnceLock<CloseReason>>,
}

impl Lifeline {
    /// Ends the socket; the first reason given is the one the client is told.
    pub(crate) fn end(&self, reason: CloseReason) {
        let _first = self.reason.set(reason);
        self.token.cancel();
    }

    pub(crate) async fn ended(&self) {
        self.token.cancelled().await;
    }

    pub(crate) fn reason(&self) -> Option<&CloseReason> {
        self.reason.get()
    }
}
