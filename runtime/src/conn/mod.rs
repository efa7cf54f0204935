//! A connection's own types, which everything that sends to a socket uses:
//! its id, its bounded outbox, why it closes, its last activity. A leaf:
//! nothing here uses another rtux module, so pub/sub, presence, conflict and
//! the cluster depend on this and not on `socket`.

mod activity;
mod close;
mod outbox;

pub(crate) use activity::Activity;
pub(crate) use close::CloseReason;
pub(crate) use outbox::{Lifeline, Outbox, Queued};

use std::sync::atomic::{AtomicU64, Ordering};

/// The id of one socket connection, unique on this node for the life of the
/// process.
///
/// ```
/// let a = rtux::ConnId::next();
/// assert_ne!(a, rtux::ConnId::next());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(u64);

impl ConnId {
    /// A fresh id.
    pub fn next() -> ConnId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ConnId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl ConnId {
    /// The id unique across processes (this process's random id and the
    /// connection's number), for what other nodes see, such as a lock's holder.
    pub(crate) fn global(self) -> String {
        static PROCESS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let process = PROCESS.get_or_init(|| uuid::Uuid::now_v7().simple().to_string());
        format!("{process}/{}", self.0)
    }
}

impl std::fmt::Display for ConnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "conn-{}", self.0)
    }
}
