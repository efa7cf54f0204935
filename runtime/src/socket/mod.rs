//! One WebSocket connection: the upgrade, the reader (frames → channels) and the
//! writer (bounded outbound queue → socket; the reader writes a reply itself
//! when nothing is queued).

mod limits;
mod registry;
mod session;
mod sessions;
mod shared;
mod slots;
mod upgrade;
mod writer;

pub use limits::Limits;
pub(crate) use registry::Sockets;
pub(crate) use sessions::{end_session, hear_ended_sessions};
pub(crate) use shared::{ConnectCheck, Shared};
pub(crate) use slots::Slots;
pub(crate) use upgrade::upgrade;
