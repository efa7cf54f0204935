//! Conflict resolution: field-level three-way merge ([`Merge`], [`FieldMerge`])
//! and pessimistic section locks ([`Locks`]), so no user loses work to another
//! user's save.

mod locks;
mod merge;

pub use locks::{Grant, Holder, LOCK_REST, LockError, Locks, MAX_HOLD, MAX_LOCKS_PER_USER};
pub use merge::{FieldConflict, FieldMerge, FieldRule, Merge, Merged};
