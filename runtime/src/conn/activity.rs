//! When a connection's user last did something: rtux's own housekeeping
//! (heartbeats, presence refreshes, lock renewals) does not count.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A connection's last activity, shared by its reader and its channels.
#[derive(Debug, Clone)]
pub(crate) struct Activity {
    start: Instant,
    /// Milliseconds since `start` at the last activity.
    last: Arc<AtomicU64>,
}

impl Default for Activity {
    fn default() -> Activity {
        Activity {
            start: Instant::now(),
            last: Arc::default(),
        }
    }
}

impl Activity {
    /// The user did something at `at` (a frame's arrival: the reader has
    /// read the clock already).
    pub(crate) fn touch(&self, at: Instant) {
        let ms =
            u64::try_from(at.saturating_duration_since(self.start).as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    /// How long since the user last did something.
    pub(crate) fn idle_for(&self) -> Duration {
        let since = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(since)
    }
}
