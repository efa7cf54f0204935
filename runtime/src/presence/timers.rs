//! The task that fires presence timers: diff flushes, typing expiry, cursor
//! trailing updates and stale marking.

use std::future::poll_fn;
use std::sync::Weak;
use std::task::{Context, Poll};

use tokio_util::sync::CancellationToken;

use super::Shared;
use crate::sync::lock;

/// Fires the timers of one tracker shard until the presence is dropped.
pub(super) async fn run(shared: Weak<Shared>, shard: usize, stop: CancellationToken) {
    tokio::select! {
        () = stop.cancelled() => {}
        () = poll_fn(|cx| fire_expired(&shared, shard, cx)) => {}
    }
}

/// Fires expired timers under the tracker's lock (so no key is used after it
/// expired, and what a flush sends leaves in order); pending until the shard
/// has another timer due.
fn fire_expired(shared: &Weak<Shared>, shard: usize, cx: &mut Context<'_>) -> Poll<()> {
    let Some(shared) = shared.upgrade() else {
        return Poll::Ready(());
    };
    let mut tracker = lock(&shared.trackers[shard]);
    while let Poll::Ready(Some(timer)) = tracker.poll_timer(cx) {
        let _gone = tracker.fire(timer, shared.pubsub.as_ref());
    }
    Poll::Pending
}
