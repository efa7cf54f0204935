//! What every socket of an endpoint shares: the endpoint builds it, the
//! sockets use it (so `socket` does not depend on `endpoint`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::{Limits, Slots, Sockets};
use crate::auth::{Claims, OriginPolicy, Tokens};
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
    /// Sockets open and opening, per user and per address.
    pub(crate) slots: Slots,
    pub(crate) connect_check: Option<ConnectCheck>,
}

/// Whether a valid token may still connect (its session may have ended):
/// asked at every connect, after the token's signature and expiry.
pub(crate) type ConnectCheck =
    Arc<dyn Fn(Claims) -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;
