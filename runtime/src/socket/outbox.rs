//! The bounded queue between everything that sends to a socket and its writer task.

use std::sync::{Arc, OnceLock};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;

use super::close::CloseReason;

/// A handle to one socket's outbound queue.
///
/// Sending never waits: a full queue means the client is not reading fast enough,
/// and the socket is ended ([`CloseReason::SlowConsumer`]) instead of letting
/// memory grow.
#[derive(Clone, Debug)]
pub(crate) struct Outbox {
    tx: mpsc::Sender<Utf8Bytes>,
    life: Lifeline,
}

impl Outbox {
    pub(crate) fn new(capacity: usize) -> (Outbox, mpsc::Receiver<Utf8Bytes>, Lifeline) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let life = Lifeline::default();
        (
            Outbox {
                tx,
                life: life.clone(),
            },
            rx,
            life,
        )
    }

    /// Ends the socket as a slow consumer: more was queued for it than its
    /// bound allows.
    pub(crate) fn overflow(&self) {
        self.life.end(CloseReason::SlowConsumer);
    }

    /// Queues one text frame; returns false if the socket is ending.
    pub(crate) fn send(&self, frame: Utf8Bytes) -> bool {
        match self.tx.try_send(frame) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.overflow();
                false
            }
            Err(TrySendError::Closed(_)) => false,
        }
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
