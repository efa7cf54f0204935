//! What one socket may cost the server.

use std::time::Duration;

/// Bounds on what one socket may cost the server.
///
/// Breaking a bound has a clear outcome and never affects other sockets: an
/// oversized frame closes the socket (code 1009, with the limit in the reason);
/// events over the rate get error replies with `retry_after_ms`; a client that
/// does not read its outbound queue is disconnected (code 1013) and may
/// reconnect; a silent socket is closed after the heartbeat timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest frame a client may send, in bytes (64 KiB).
    pub max_frame_bytes: usize,
    /// Events a socket may push per second, on average (50).
    pub events_per_second: u32,
    /// Events a socket may push at once before the rate applies (100).
    pub event_burst: u32,
    /// Frames queued for a socket before it counts as too slow (1024).
    pub outbound_queue: usize,
    /// Bytes queued for a socket before it counts as too slow (1 MiB): a
    /// socket that does not read is closed (1013) before it holds more.
    pub outbound_bytes: usize,
    /// Heartbeats a socket may send per second, on average (2; burst 10):
    /// they are not counted as events, so they have a limit of their own.
    pub heartbeats_per_second: u32,
    /// Topics one socket may join at once (100).
    pub max_topics: usize,
    /// A socket that sends no frame for this long is closed (60 s).
    pub heartbeat_timeout: Duration,
    /// The WebSocket read buffer per connection, in bytes (1 KiB): every
    /// connection keeps it, so it is most of what an idle one costs; a larger
    /// frame grows it (up to `max_frame_bytes`), read in more than one go.
    pub read_buffer_bytes: usize,
    /// Bytes buffered before a write reaches the socket (8 KiB); frames are
    /// flushed in batches anyway.
    pub write_buffer_bytes: usize,
    /// Sockets one user may keep open on this server at once (32): tabs,
    /// devices; past it a connect is refused with HTTP 429.
    pub sockets_per_user: usize,
    /// Sockets one client address may keep open on this server at once
    /// (256, for the people behind one network address); counted when the
    /// app is served with the client's address (`rtux::serve`, or axum's
    /// `into_make_service_with_connect_info`).
    pub sockets_per_address: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_bytes: 64 * 1024,
            events_per_second: 50,
            event_burst: 100,
            outbound_queue: 1024,
            outbound_bytes: 1024 * 1024,
            heartbeats_per_second: 2,
            max_topics: 100,
            heartbeat_timeout: Duration::from_secs(60),
            read_buffer_bytes: 1024,
            write_buffer_bytes: 8 * 1024,
            sockets_per_user: 32,
            sockets_per_address: 256,
        }
    }
}
