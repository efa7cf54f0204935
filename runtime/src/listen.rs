//! Binding the listening socket an app serves on, with room for a crowd
//! reconnecting at once.

use std::io;

use tokio::net::{TcpListener, TcpSocket, ToSocketAddrs, lookup_host};

/// Connections the kernel holds for an app that has not accepted them yet
/// (capped by `net.core.somaxconn`, 4,096 on current Linux).
///
/// `TcpListener::bind` asks for 128, the standard library's value: when a
/// deploy or a network blip sends a few hundred clients back at once, the
/// queue fills while the app is busy with the first of them, the kernel drops
/// the rest of the connection attempts, and each dropped client waits a
/// second (then three, then seven) before its next try.
pub const BACKLOG: u32 = 4096;

/// Binds a listener on `addr` (such as `"127.0.0.1:4000"`) for `axum::serve`,
/// with a queue of [`BACKLOG`] connections not yet accepted; tries each
/// address `addr` resolves to, in turn.
///
/// ```no_run
/// # async fn demo(app: axum::Router) -> std::io::Result<()> {
/// let listener = rtux::listen("127.0.0.1:4000").await?;
/// axum::serve(listener, app).await
/// # }
/// ```
///
/// # Errors
/// The last address's error (taken, not allowed), or that `addr` resolved to
/// no address.
pub async fn listen(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
    let mut failed = None;
    for at in lookup_host(addr).await? {
        let socket = if at.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        // As `TcpListener::bind` does: a restarted app gets its port back at
        // once, not after the old connections' TIME_WAIT.
        socket.set_reuseaddr(true)?;
        match socket.bind(at).and_then(|()| socket.listen(BACKLOG)) {
            Ok(listener) => return Ok(listener),
            Err(e) => failed = Some(e),
        }
    }
    Err(failed.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address resolved to no address to listen on",
        )
    }))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// More clients than `TcpListener::bind`'s queue of 128 connect while the
    /// app accepts none of them: each connects at once, none is dropped to
    /// retry a second later.
    #[tokio::test]
    async fn a_crowd_connecting_at_once_is_queued_not_dropped() {
        // The kernel's cap on any queue (4,096 on current Linux).
        let cap: usize = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(4096);
        let crowd = 600.min(cap);
        let listener = listen("127.0.0.1:0").await.expect("listen");
        let addr = listener.local_addr().expect("address");
        let connects = (0..crowd).map(|_| {
            tokio::time::timeout(
                Duration::from_millis(800),
                tokio::net::TcpStream::connect(addr),
            )
        });
        let connected = futures_util::future::join_all(connects).await;
        let waited = connected.iter().filter(|c| c.is_err()).count();
        assert_eq!(waited, 0, "connections dropped by a full accept queue");
        assert!(connected.into_iter().all(|c| c.is_ok_and(|s| s.is_ok())));
        drop(listener);
    }

    #[tokio::test]
    async fn a_taken_address_says_so() {
        let first = listen("127.0.0.1:0").await.expect("listen");
        let addr = first.local_addr().expect("address");
        let taken = listen(addr).await.expect_err("the port is taken");
        assert_eq!(taken.kind(), io::ErrorKind::AddrInUse);
    }
}
