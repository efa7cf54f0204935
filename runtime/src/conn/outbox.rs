//! The bounded queue between everything that sends to a socket and its writer task.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::CloseReason;
use crate::sync::lock;

/// A queue that held more than this many frames gives its memory back once
/// emptied: a burst does not stay allocated on an idle socket.
const KEEP_FRAMES: usize = 16;

/// What an outbox's senders and its writer share: the frames (a plain queue,
/// allocated only once something is queued, where a channel would hold a
/// block of slots on every idle socket), the bytes they hold, and who is left.
#[derive(Debug)]
struct Queue {
    frames: Mutex<VecDeque<Utf8Bytes>>,
    /// Wakes the writer: a frame queued, or the last sender gone.
    ready: Notify,
    /// Bytes queued and not yet taken by the writer.
    bytes: AtomicUsize,
    /// Outboxes alive: none left ends the writer's `recv`.
    senders: AtomicUsize,
    max_frames: usize,
    max_bytes: usize,
}

/// A handle to one socket's outbound queue.
///
/// Sending never waits: a queue full in frames or in bytes means the client is
/// not reading fast enough, and the socket is ended
/// ([`CloseReason::SlowConsumer`]) instead of letting memory grow.
#[derive(Debug)]
pub(crate) struct Outbox {
    queue: Arc<Queue>,
    life: Lifeline,
}

impl Clone for Outbox {
    fn clone(&self) -> Outbox {
        self.queue.senders.fetch_add(1, Ordering::Relaxed);
        Outbox {
            queue: self.queue.clone(),
            life: self.life.clone(),
        }
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        if self.queue.senders.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.queue.ready.notify_one();
        }
    }
}

/// The writer's end of an outbox: what it takes leaves the byte count.
#[derive(Debug)]
pub(crate) struct Queued {
    queue: Arc<Queue>,
}

impl Queued {
    /// The next frame, waiting for one; `None` once the queue is empty and
    /// every sender is gone.
    pub(crate) async fn recv(&mut self) -> Option<Utf8Bytes> {
        loop {
            if let Some(frame) = self.try_recv() {
                return Some(frame);
            }
            if self.queue.senders.load(Ordering::Acquire) == 0 {
                // The last sender may have queued a frame before it went.
                return self.try_recv();
            }
            // A frame queued since the look above left a permit: no wake is lost.
            self.queue.ready.notified().await;
        }
    }

    /// Frames queued and not yet taken.
    pub(crate) fn waiting(&self) -> usize {
        lock(&self.queue.frames).len()
    }

    /// The next frame if one is queued.
    pub(crate) fn try_recv(&mut self) -> Option<Utf8Bytes> {
        let mut frames = lock(&self.queue.frames);
        let frame = frames.pop_front();
        if frames.is_empty() && frames.capacity() > KEEP_FRAMES {
            *frames = VecDeque::new();
        }
        drop(frames);
        let frame = frame?;
        self.queue.bytes.fetch_sub(frame.len(), Ordering::Relaxed);
        Some(frame)
    }
}

impl Outbox {
    /// A queue of at most `frames` frames and `max_bytes` bytes.
    pub(crate) fn new(frames: usize, max_bytes: usize) -> (Outbox, Queued, Lifeline) {
        let life = Lifeline::default();
        let queue = Arc::new(Queue {
            frames: Mutex::new(VecDeque::new()),
            ready: Notify::new(),
            bytes: AtomicUsize::new(0),
            senders: AtomicUsize::new(1),
            max_frames: frames.max(1),
            max_bytes,
        });
        let outbox = Outbox {
            queue: queue.clone(),
            life: life.clone(),
        };
        (outbox, Queued { queue }, life)
    }

    /// Ends the socket as a slow consumer: more was queued for it than its
    /// bound allows.
    pub(crate) fn overflow(&self) {
        self.life.end(CloseReason::SlowConsumer);
    }

    /// Queues one text frame; returns false if the socket is ending.
    pub(crate) fn send(&self, frame: Utf8Bytes) -> bool {
        if self.life.token.is_cancelled() {
            return false;
        }
        let q = &self.queue;
        let len = frame.len();
        let queued = q.bytes.fetch_add(len, Ordering::Relaxed) + len;
        let mut frames = lock(&q.frames);
        if queued > q.max_bytes || frames.len() >= q.max_frames {
            drop(frames);
            q.bytes.fetch_sub(len, Ordering::Relaxed);
            self.overflow();
            return false;
        }
        frames.push_back(frame);
        drop(frames);
        q.ready.notify_one();
        true
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

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(n: usize) -> Utf8Bytes {
        Utf8Bytes::from("x".repeat(n))
    }

    #[tokio::test]
    async fn frames_come_out_in_order_and_the_writer_ends_with_the_last_sender() {
        let (outbox, mut rx, _life) = Outbox::new(8, 1024);
        let other = outbox.clone();
        assert!(outbox.send(frame(1)) && other.send(frame(2)));
        drop(outbox);
        assert_eq!(rx.waiting(), 2);
        assert_eq!(rx.recv().await.map(|f| f.len()), Some(1));
        // The last sender queues one more and goes: the frame is not lost.
        assert!(other.send(frame(3)));
        drop(other);
        assert_eq!(rx.recv().await.map(|f| f.len()), Some(2));
        assert_eq!(rx.recv().await.map(|f| f.len()), Some(3));
        assert_eq!(rx.recv().await, None);
    }

    #[tokio::test]
    async fn a_full_queue_ends_the_socket_as_a_slow_consumer() {
        let (outbox, _rx, life) = Outbox::new(2, 1024);
        assert!(outbox.send(frame(1)) && outbox.send(frame(1)));
        assert!(!outbox.send(frame(1)), "a third frame is over the bound");
        assert_eq!(life.reason(), Some(&CloseReason::SlowConsumer));
        assert!(
            !outbox.send(frame(1)),
            "nothing is queued for an ending socket"
        );
        let (outbox, _rx, life) = Outbox::new(100, 10);
        assert!(!outbox.send(frame(11)), "over the bytes bound");
        assert_eq!(life.reason(), Some(&CloseReason::SlowConsumer));
    }

    #[tokio::test]
    async fn a_drained_burst_gives_its_memory_back() {
        let (outbox, mut rx, _life) = Outbox::new(1024, usize::MAX);
        for _ in 0..100 {
            outbox.send(frame(1));
        }
        while rx.try_recv().is_some() {}
        assert_eq!(lock(&rx.queue.frames).capacity(), 0);
        // A waiting writer wakes for the next frame.
        let waiter = tokio::spawn(async move { rx.recv().await.map(|f| f.len()) });
        tokio::task::yield_now().await;
        outbox.send(frame(7));
        assert_eq!(waiter.await.ok().flatten(), Some(7));
    }
}
