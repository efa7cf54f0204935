//! Why the server closes a socket, and the close frame that tells the client.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, close_code};

/// A reason for the server to close a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CloseReason {
    /// The client closed the socket or the connection broke.
    Gone,
    /// The outbound queue was full: the client does not read fast enough.
    SlowConsumer,
    /// A frame was larger than the configured limit.
    FrameTooLarge(usize),
    /// A text frame was not valid UTF-8.
    InvalidUtf8,
    /// No frame arrived within the heartbeat timeout.
    HeartbeatTimeout(Duration),
    /// Server code disconnected the user (`Endpoint::disconnect`).
    Disconnected,
    /// The token the socket connected with has expired.
    TokenExpired,
    /// The sign-in session the token was minted for has ended (`Endpoint::end_session`).
    SessionEnded,
}

/// The close code of [`CloseReason::TokenExpired`]: reconnect with a fresh
/// token (an application code, 4000–4999).
pub const TOKEN_EXPIRED: u16 = 4001;

/// The close code of [`CloseReason::SessionEnded`]: the user signed out; a
/// client renews its token before it reconnects (which fails until the user
/// signs in again).
pub const SESSION_ENDED: u16 = 4003;

impl CloseReason {
    /// The close code the client is told (1000 when the peer left first).
    pub(crate) fn code(&self) -> u16 {
        self.frame().map_or(close_code::NORMAL, |f| f.code)
    }

    /// The close frame for this reason, or `None` when the peer is already gone.
    pub(crate) fn frame(&self) -> Option<CloseFrame> {
        let (code, reason) = match self {
            CloseReason::Gone => return None,
            CloseReason::SlowConsumer => (
                close_code::AGAIN,
                "outbound queue full: the client is not reading fast enough; reconnect".into(),
            ),
            CloseReason::FrameTooLarge(limit) => (
                close_code::SIZE,
                format!("frame larger than the {limit}-byte limit"),
            ),
            CloseReason::InvalidUtf8 => {
                (close_code::INVALID, "text frame is not valid UTF-8".into())
            }
            CloseReason::Disconnected => (close_code::NORMAL, "disconnected by the server".into()),
            CloseReason::TokenExpired => (
                TOKEN_EXPIRED,
                "token expired: reconnect with a fresh token".into(),
            ),
            CloseReason::SessionEnded => (
                SESSION_ENDED,
                "signed out: sign in again to reconnect".into(),
            ),
            CloseReason::HeartbeatTimeout(after) => (
                close_code::AWAY,
                format!(
                    "no frame for {}s: send a heartbeat at least every 30s",
                    after.as_secs()
                ),
            ),
        };
        Some(CloseFrame {
            code,
            reason: reason.into(),
        })
    }
}
