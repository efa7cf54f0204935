//! The bounded queue between everything that sends to a socket and its writer task.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};

use axum::extract::ws::Utf8Bytes;
use futures_util::task::AtomicWaker;
use pin_project_lite::pin_project;
use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};

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
    /// Wakes the writer (the one task that takes frames): a frame queued,
    /// or the last sender gone. Lock-free, where a `Notify` locks its list
    /// of waiters on every wake.
    ready: AtomicWaker,
    /// Bytes queued and not yet taken by the writer.
    bytes: AtomicUsize,
    /// Outboxes alive: none left ends the writer's wait.
    senders: AtomicUsize,
    /// A frame written past the queue left bytes the kernel could not take
    /// yet: the writer flushes them.
    flush: AtomicBool,
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
            self.queue.ready.wake();
        }
    }
}

/// The writer's end of an outbox: what it takes leaves the byte count.
#[derive(Debug)]
pub(crate) struct Queued {
    queue: Arc<Queue>,
    /// Frames left behind the one last taken, counted under the same lock.
    left: usize,
}

impl Queued {
    /// Waits for work: true once a frame is queued or a flush is asked for,
    /// false once nothing is queued and every sender is gone.
    pub(crate) async fn ready(&mut self) -> bool {
        std::future::poll_fn(|cx| {
            // Registered before looking: a frame queued (or the last sender
            // gone) after the look wakes this task, so no wake is lost.
            self.queue.ready.register(cx.waker());
            let queued = !lock(&self.queue.frames).is_empty();
            if queued || self.queue.flush.load(Ordering::Acquire) {
                return Poll::Ready(true);
            }
            // The last sender may have queued a frame before it went: seen above.
            if self.queue.senders.load(Ordering::Acquire) == 0 {
                return Poll::Ready(!lock(&self.queue.frames).is_empty());
            }
            Poll::Pending
        })
        .await
    }

    /// The next frame, waiting for one; `None` once the queue is empty and
    /// every sender is gone (for a queue nothing writes past).
    pub(crate) async fn recv(&mut self) -> Option<Utf8Bytes> {
        loop {
            if !self.ready().await {
                return None;
            }
            if let Some(frame) = self.try_recv() {
                return Some(frame);
            }
            self.take_flush();
        }
    }

    /// Whether a flush was asked for ([`Outbox::flush_later`]); clears it.
    pub(crate) fn take_flush(&mut self) -> bool {
        self.queue.flush.swap(false, Ordering::AcqRel)
    }

    /// Frames that were queued behind the one last taken, when it was taken.
    pub(crate) fn waiting(&self) -> usize {
        self.left
    }

    /// The next frame if one is queued.
    pub(crate) fn try_recv(&mut self) -> Option<Utf8Bytes> {
        let mut frames = lock(&self.queue.frames);
        let frame = frames.pop_front();
        self.left = frames.len();
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
            ready: AtomicWaker::new(),
            bytes: AtomicUsize::new(0),
            senders: AtomicUsize::new(1),
            flush: AtomicBool::new(false),
            max_frames: frames.max(1),
            max_bytes,
        });
        let outbox = Outbox {
            queue: queue.clone(),
            life: life.clone(),
        };
        (outbox, Queued { queue, left: 0 }, life)
    }

    /// Whether nothing is queued and no flush is owed: a frame written now
    /// overtakes nothing.
    pub(crate) fn is_idle(&self) -> bool {
        lock(&self.queue.frames).is_empty() && !self.queue.flush.load(Ordering::Acquire)
    }

    /// The life of the socket this queue belongs to.
    pub(crate) fn life(&self) -> &Lifeline {
        &self.life
    }

    /// Asks the writer to flush what a frame written past the queue left.
    pub(crate) fn flush_later(&self) {
        self.queue.flush.store(true, Ordering::Release);
        self.queue.ready.wake();
    }

    /// Ends the socket as a slow consumer: more was queued for it than its
    /// bound allows.
    pub(crate) fn overflow(&self) {
        self.life.end(CloseReason::SlowConsumer);
    }

    /// Queues one text frame; returns false if the socket is ending.
    pub(crate) fn send(&self, frame: Utf8Bytes) -> bool {
        // An atomic load: the token's own check takes a lock, once per
        // subscriber of every broadcast.
        if self.life.reason().is_some() {
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
        q.ready.wake();
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

    /// Resolves once the socket is ending.
    pub(crate) fn ended(&self) -> Ended<'_> {
        Ended {
            life: self,
            cancelled: self.token.cancelled(),
            waiting: None,
        }
    }

    pub(crate) fn reason(&self) -> Option<&CloseReason> {
        self.reason.get()
    }
}

pin_project! {
    /// [`Lifeline::ended`]: a socket's reader and writer poll it every time
    /// they wake, so a poll by a task already waiting costs one atomic load
    /// (the token's own poll takes two locks). The reason is set before the
    /// token is cancelled, and the cancellation wakes the task that waits.
    pub(crate) struct Ended<'a> {
        life: &'a Lifeline,
        #[pin]
        cancelled: WaitForCancellationFuture<'a>,
        // The task whose waker the token holds.
        waiting: Option<Waker>,
    }
}

impl Future for Ended<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        if this.life.reason().is_some() {
            return Poll::Ready(());
        }
        if this
            .waiting
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            return Poll::Pending;
        }
        let polled = this.cancelled.poll(cx);
        if polled.is_pending() {
            *this.waiting = Some(cx.waker().clone());
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::Notify;

    fn frame(n: usize) -> Utf8Bytes {
        Utf8Bytes::from("x".repeat(n))
    }

    async fn next(rx: &mut Queued) -> Option<usize> {
        rx.recv().await.map(|f| f.len())
    }

    #[tokio::test]
    async fn frames_come_out_in_order_and_the_writer_ends_with_the_last_sender() {
        let (outbox, mut rx, _life) = Outbox::new(8, 1024);
        let other = outbox.clone();
        assert!(outbox.send(frame(1)) && other.send(frame(2)));
        drop(outbox);
        assert_eq!(next(&mut rx).await, Some(1));
        assert_eq!(rx.waiting(), 1, "one frame was behind it");
        // The last sender queues one more and goes: the frame is not lost.
        assert!(other.send(frame(3)));
        drop(other);
        assert_eq!(next(&mut rx).await, Some(2));
        assert_eq!(next(&mut rx).await, Some(3));
        assert_eq!(next(&mut rx).await, None);
    }

    #[tokio::test]
    async fn a_flush_asked_for_wakes_the_writer_and_makes_the_queue_busy() {
        let (outbox, mut rx, _life) = Outbox::new(8, 1024);
        assert!(outbox.is_idle());
        let writer = tokio::spawn(async move {
            let woke = rx.ready().await;
            (woke, rx.take_flush(), rx.take_flush())
        });
        tokio::task::yield_now().await;
        outbox.flush_later();
        assert!(
            !outbox.is_idle(),
            "nothing may be written past an owed flush"
        );
        let woke = tokio::time::timeout(std::time::Duration::from_secs(5), writer).await;
        assert!(
            matches!(woke, Ok(Ok((true, true, false)))),
            "woken once for the flush, which is then taken: {woke:?}"
        );
        assert!(outbox.is_idle());
        outbox.send(frame(1));
        assert!(!outbox.is_idle(), "a queued frame goes first");
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
    async fn ending_wakes_a_task_that_polled_ended_again_and_again() {
        let life = Lifeline::default();
        let poke = Arc::new(Notify::new());
        let (theirs, pokes) = (life.clone(), poke.clone());
        let waiter = tokio::spawn(async move {
            let ended = theirs.ended();
            tokio::pin!(ended);
            let mut woken = 0;
            loop {
                tokio::select! {
                    biased;
                    () = &mut ended => return woken,
                    () = pokes.notified() => woken += 1,
                }
            }
        });
        for _ in 0..3 {
            poke.notify_one();
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        life.end(CloseReason::Disconnected);
        let woken = tokio::time::timeout(std::time::Duration::from_secs(5), waiter).await;
        assert!(
            matches!(woken, Ok(Ok(n)) if n >= 1),
            "polled again after other wakes, then woken by the end: {woken:?}"
        );
        assert_eq!(life.reason(), Some(&CloseReason::Disconnected));
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
        let waiter = tokio::spawn(async move { next(&mut rx).await });
        tokio::task::yield_now().await;
        outbox.send(frame(7));
        assert_eq!(waiter.await.ok().flatten(), Some(7));
    }
}
