//! Unique `phx_ref`s for the metas this node tracks.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// Unique `phx_ref`s: a per-process prefix and a counter.
pub(super) struct Refs {
    prefix: String,
    next: u64,
}

impl Refs {
    /// Refs of one shard: the shard's number keeps shards' refs apart.
    pub(super) fn new(shard: usize) -> Refs {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Refs {
            prefix: format!("{:x}-{shard:x}-", nanos ^ u128::from(std::process::id())),
            next: 0,
        }
    }

    /// A new ref.
    pub(super) fn next(&mut self) -> Value {
        self.next += 1;
        Value::String(format!("{}{:x}", self.prefix, self.next))
    }
}
