//! The undo buffer: destructive actions wait out a window before they run.
//!
//! Pending runs live in memory only, on purpose: if the server restarts inside
//! the window, the action does not run and the item stays — the safe side of a
//! destructive action.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::OpKey;
use crate::sync::lock;

/// Scheduled runs, by the op that asked for them.
#[derive(Debug, Default)]
pub(crate) struct UndoBuffer {
    pending: Mutex<HashMap<OpKey, CancellationToken>>,
    /// Cancelled when the resource is dropped (the server stops).
    stop: CancellationToken,
}

impl UndoBuffer {
    /// Runs `action` after `window` unless [`UndoBuffer::undo`] is called first.
    pub(crate) fn schedule<F>(self: &Arc<Self>, key: OpKey, window: Duration, action: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let cancel = self.stop.child_token();
        lock(&self.pending).insert(key.clone(), cancel.clone());
        let buffer = Arc::downgrade(self);
        tokio::spawn(async move {
            tokio::select! {
                () = cancel.cancelled() => {}
                () = tokio::time::sleep(window) => {
                    let still_pending = buffer
                        .upgrade()
                        .is_some_and(|b| lock(&b.pending).remove(&key).is_some());
                    if still_pending {
                        action.await;
                    }
                }
            }
        });
    }

    /// Cancels a scheduled run; false if there is none (it ran, or never was).
    pub(crate) fn undo(&self, key: &OpKey) -> bool {
        match lock(&self.pending).remove(key) {
            Some(cancel) => {
                cancel.cancel();
                true
            }
            None => false,
        }
    }
}

impl Drop for UndoBuffer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
