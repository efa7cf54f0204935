//! The task that fires presence timers: diff flushes, typing expiry, cursor
//! trailing updates and stale marking.

use std::future::poll_fn;
use std::sync::Weak;
use std::task::{Context, Poll};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{Shared, send_diff};
use crate::sync::lock;

/// Fires the timers of one tracker shard until the presence is dropped.
pub(super) async fn run(shared: Weak<Shared>, shard: usize, stop: CancellationToken) {
    loop {
        let (topic, diff) = tokio::select! {
            () = stop.cancelled() => return,
            fired = poll_fn(|cx| next_diff(&shared, shard, cx)) => fired,
        };
        if let Some(shared) = shared.upgrade() {
            send_diff(shared.pubsub.as_ref(), &topic, diff);
        }
    }
}

/// Fires expired timers under the tracker's lock (so no key is used after it
/// expired) until one yields a diff to send.
fn next_diff(shared: &Weak<Shared>, shard: usize, cx: &mut Context<'_>) -> Poll<(String, Value)> {
    let Some(shared) = shared.upgrade() else {
        return Poll::Pending;
    };
    let mut tracker = lock(&shared.trackers[shard]);
    loop {
        match tracker.poll_timer(cx) {
            Poll::Ready(Some(timer)) => {
                if let Some(diff) = tracker.fire(timer) {
                    return Poll::Ready(diff);
                }
            }
            Poll::Ready(None) | Poll::Pending => return Poll::Pending,
        }
    }
}
