//! One WebSocket connection: the upgrade, the reader (frames → channels) and the
//! writer (bounded outbound queue → socket).

mod registry;
mod session;
mod upgrade;
mod writer;

pub(crate) use registry::Sockets;
pub(crate) use upgrade::upgrade;
