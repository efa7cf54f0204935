//! What every socket of an endpoint shares: the endpoint builds it, the
//! sockets use it (so `socket` does not depend on `endpoint`).

use std::sync::Arc;

use super::{Limits, Sockets};
use crate::auth::{OriginPolicy, Tokens};
use crate::channel::Registry;
use crate::presence::Presence;
use crate::pubsub::PubSub;

/// What every socket of an endpoint shares.
pub(crate) struct Shared {
    pub(crate) channels: Registry,
    pub(crate) pubsub: Arc<dyn PubSub>,
    pub(crate) presence: Presence,
    pub(crate) tokens: Tokens,
    pub(crate) limits: Limits,
    pub(crate) origins: OriginPolicy,
    pub(crate) sockets: Sockets,
}
