//! [`Channel`] behind a trait object, so channels of different types share a registry.

use std::any::Any;

use futures_util::future::BoxFuture;
use serde_json::Value;

use super::{Channel, ChannelSocket, JoinError, LeaveReason};
use crate::Reply;

pub(crate) type AnyState = Box<dyn Any + Send>;

pub(crate) trait DynChannel: Send + Sync {
    fn join<'a>(
        &'a self,
        topic: &'a str,
        payload: Value,
        socket: &'a mut ChannelSocket,
    ) -> BoxFuture<'a, Result<(AnyState, Value), JoinError>>;

    fn handle_in<'a>(
        &'a self,
        event: &'a str,
        payload: Value,
        state: &'a mut AnyState,
        socket: &'a mut ChannelSocket,
    ) -> BoxFuture<'a, Reply>;

    fn terminate<'a>(
        &'a self,
        reason: LeaveReason,
        state: AnyState,
        socket: &'a mut ChannelSocket,
    ) -> BoxFuture<'a, ()>;
}

impl<C: Channel> DynChannel for C {
    fn join<'a>(
        &'a self,
        topic: &'a str,
        payload: Value,
        socket: &'a mut ChannelSocket,
    ) -> BoxFuture<'a, Result<(AnyState, Value), JoinError>> {
        Box::pin(async move {
            let (state, response) = Channel::join(self, topic, payload, socket).await?;
            Ok((Box::new(state) as AnyState, response))
        })
    }

    fn handle_in<'a>(
        &'a self,
        event: &'a str,
        payload: Value,
        state: &'a mut AnyState,
        socket: &'a mut ChannelSocket,
    ) -> BoxFuture<'a, Reply> {
        Box::pin(async move {
            // The state was made by this channel's `join`, so the type matches.
            match state.downcast_mut::<C::State>() {
                Some(state) => Channel::handle_in(self, event, payload, state, socket).await,
                None => Reply::refuse(
                    crate::wire::Code::Internal,
                    "internal error: channel state of another type",
                ),
            }
        })
    }

    fn terminate<'a>(
        &'a self,
        reason: LeaveReason,
        state: AnyState,
        socket: &'a mut ChannelSocket,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Ok(state) = state.downcast::<C::State>() {
                Channel::terminate(self, reason, *state, socket).await;
            }
        })
    }
}
