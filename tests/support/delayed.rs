//! A channel wrapper that adds server latency, for tests of what a client sees
//! while it waits.

use std::time::Duration;

use serde_json::Value;

/// A channel that answers its pushes late, or finishes its joins late (after
/// the inner join has read its state).
pub struct Delayed<C> {
    inner: C,
    reply: Duration,
    join: Duration,
}

impl<C> Delayed<C> {
    /// Every push is answered `delay` late.
    pub fn replies(inner: C, delay: Duration) -> Delayed<C> {
        Delayed {
            inner,
            reply: delay,
            join: Duration::ZERO,
        }
    }

    /// Every join is answered `delay` after the inner join returned.
    pub fn joins(inner: C, delay: Duration) -> Delayed<C> {
        Delayed {
            inner,
            reply: Duration::ZERO,
            join: delay,
        }
    }
}

impl<C: rtux::Channel> rtux::Channel for Delayed<C> {
    type State = C::State;

    async fn join(
        &self,
        topic: &str,
        payload: Value,
        socket: &mut rtux::ChannelSocket,
    ) -> Result<(C::State, Value), rtux::JoinError> {
        let joined = self.inner.join(topic, payload, socket).await;
        tokio::time::sleep(self.join).await;
        joined
    }

    async fn handle_in(
        &self,
        event: &str,
        payload: Value,
        state: &mut C::State,
        socket: &mut rtux::ChannelSocket,
    ) -> rtux::Reply {
        tokio::time::sleep(self.reply).await;
        self.inner.handle_in(event, payload, state, socket).await
    }

    async fn terminate(
        &self,
        reason: rtux::LeaveReason,
        state: C::State,
        socket: &mut rtux::ChannelSocket,
    ) {
        self.inner.terminate(reason, state, socket).await;
    }
}
