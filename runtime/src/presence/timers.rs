//! The task that fires presence timers: diff flushes, typing expiry, cursor
//! trailing updates and stale marking.

use std::future::poll_fn;
use std::sync::Weak;
use std::task::{Context, Poll};

use tokio_util::sync::CancellationToken;

use super::Shared;
use crate::sync::lock;
use crate::telemetry;

/// Fires the timers of one tracker shard until the presence is dropped.
pub(super) async fn run(shared: Weak<Shared>, shard: usize, stop: CancellationToken) {
    tokio::select! {
        () = stop.cancelled() => {}
        () = poll_fn(|cx| fire_expired(&shared, shard, cx)) => {}
    }
}

/// Every [`GAUGES_EVERY`], sets the gauge of users present on the busiest
/// topics (`rtux_presence_users`), until the presence is dropped.
pub(super) async fn gauges(shared: Weak<Shared>, stop: CancellationToken) {
    let mut every = tokio::time::interval(GAUGES_EVERY);
    let mut shown: Vec<String> = Vec::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = every.tick() => {}
        }
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let busiest: Vec<(String, usize)> = super::busiest(&shared, telemetry::PRESENCE_TOP)
            .into_iter()
            .map(|(topic, users)| (topic.to_string(), users))
            .collect();
        let dropped: Vec<String> = shown
            .drain(..)
            .filter(|t| !busiest.iter().any(|(b, _)| b == t))
            .collect();
        telemetry::presence_top(&busiest, &dropped);
        shown = busiest.into_iter().map(|(topic, _)| topic).collect();
    }
}

/// How often the busiest topics' presence gauge is set.
pub(super) const GAUGES_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

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
