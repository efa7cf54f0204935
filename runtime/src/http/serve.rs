//! Serving a router on a listener with the timeouts a public server needs:
//! a connection must send a request's headers (the first, and each next one
//! on a kept-alive connection) within [`HEADER_READ_TIMEOUT`], so idle,
//! half-sent and never-upgraded connections (slowloris) are closed instead
//! of held; and one address holds at most [`CONNECTIONS_PER_ADDRESS`] HTTP
//! connections at once. Each request carries the client's address
//! (`ConnectInfo<SocketAddr>`), as `into_make_service_with_connect_info`
//! gives it, for the bounds per address.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::{Future, IntoFuture};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_util::task::TaskTracker;
use tower_service::Service;

use crate::sync::{lock, shrink};

/// How long a connection may take to send a request's headers, and how
/// long a kept-alive connection may stay idle between requests: 10 s.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// HTTP connections one client address may hold open at once: 128 (a
/// browser opens six per site; the rest is for the people behind one
/// address). Past it, a new connection is closed at once. Upgraded
/// WebSockets count under `Limits::sockets_per_address` instead.
pub const CONNECTIONS_PER_ADDRESS: usize = 128;

/// A server for `router` on `listener`: await it (it runs until its
/// shutdown signal, if any). Configure it first.
///
/// ```no_run
/// # async fn demo(app: axum::Router) -> std::io::Result<()> {
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// # drop(stop);
/// let listener = rtux::listen("127.0.0.1:4000").await?;
/// rtux::serve(listener, app)
///     .with_graceful_shutdown(async { stopped.await.ok(); }) // Ctrl-C, SIGTERM…
///     .await
/// # }
/// ```
pub fn serve(listener: TcpListener, router: Router) -> Serve {
    Serve {
        listener,
        router,
        header_read_timeout: HEADER_READ_TIMEOUT,
        per_address: CONNECTIONS_PER_ADDRESS,
        signal: None,
    }
}

/// A configured server; see [`serve`].
pub struct Serve {
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    per_address: usize,
    signal: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl std::fmt::Debug for Serve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serve")
            .field("header_read_timeout", &self.header_read_timeout)
            .field("per_address", &self.per_address)
            .finish_non_exhaustive()
    }
}

impl Serve {
    /// How long a connection may take to send a request's headers (and
    /// stay idle between requests) instead of [`HEADER_READ_TIMEOUT`].
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Serve {
        self.header_read_timeout = timeout;
        self
    }

    /// How many HTTP connections one address may hold at once instead of
    /// [`CONNECTIONS_PER_ADDRESS`].
    #[must_use]
    pub fn connections_per_address(mut self, connections: usize) -> Serve {
        self.per_address = connections.max(1);
        self
    }

    /// Stops taking connections when `signal` resolves, lets open requests
    /// finish, then returns.
    #[must_use]
    pub fn with_graceful_shutdown(
        mut self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Serve {
        self.signal = Some(Box::pin(signal));
        self
    }

    async fn run(self) -> io::Result<()> {
        let Serve {
            listener,
            router,
            header_read_timeout,
            per_address,
            signal,
        } = self;
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout);
        let open = Open::default();
        let (stop, stopping) = watch::channel(());
        let tracker = TaskTracker::new();
        let mut signal = signal.unwrap_or_else(|| Box::pin(std::future::pending()));
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        accept_failed(e).await;
                        continue;
                    }
                },
                () = &mut signal => break,
            };
            let Some(held) = open.take(peer.ip(), per_address) else {
                tracing::debug!(%peer, "connection refused: its address holds {per_address} already");
                continue;
            };
            let conn = builder
                .serve_connection(TokioIo::new(stream), service(router.clone(), peer))
                .with_upgrades();
            let mut stopping = stopping.clone();
            tracker.spawn(async move {
                let _held = held;
                tokio::pin!(conn);
                tokio::select! {
                    done = conn.as_mut() => {
                        if let Err(e) = done {
                            tracing::trace!(%peer, "connection ended: {e}");
                        }
                    }
                    _ = stopping.changed() => {
                        conn.as_mut().graceful_shutdown();
                        let _ = conn.await;
                    }
                }
            });
        }
        drop(listener);
        let _ = stop.send(());
        tracker.close();
        tracker.wait().await;
        Ok(())
    }
}

impl IntoFuture for Serve {
    type Output = io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// The router as hyper calls it, each request carrying the client's address.
fn service(
    router: Router,
    peer: SocketAddr,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |request: Request<Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        let mut router = router.clone();
        async move { router.call(request).await }
    })
}

/// A failed accept: a connection that broke before it was taken is skipped;
/// anything else (out of file descriptors) waits a moment, as axum does.
async fn accept_failed(e: io::Error) {
    let broken = matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    );
    if !broken {
        tracing::error!("accepting a connection failed (retried in a second): {e}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The HTTP connections open per address.
#[derive(Debug, Default, Clone)]
struct Open(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One connection's place among its address's; given back when dropped.
struct Held(Open, IpAddr);

impl Open {
    fn take(&self, at: IpAddr, most: usize) -> Option<Held> {
        let mut open = lock(&self.0);
        let n = open.entry(at).or_default();
        if *n >= most {
            return None;
        }
        *n += 1;
        Some(Held(self.clone(), at))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = lock(&(self.0).0);
        if let Some(n) = open.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.1);
                shrink(&mut open);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::*;

    async fn server(timeout: Duration, per_address: usize) -> SocketAddr {
        let listener = crate::listen("127.0.0.1:0").await.expect("listen");
        let addr = listener.local_addr().expect("addr");
        let app = Router::new().route(
            "/",
            axum::routing::get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move {
                peer.ip().to_string()
            }),
        );
        let serving = serve(listener, app)
            .header_read_timeout(timeout)
            .connections_per_address(per_address);
        tokio::spawn(serving.into_future());
        addr
    }

    /// Whether the server closed the connection within `within`.
    async fn closed(stream: &mut TcpStream, within: Duration) -> bool {
        let mut buf = [0u8; 1024];
        loop {
            match tokio::time::timeout(within, stream.read(&mut buf)).await {
                Ok(Ok(0) | Err(_)) => return true,
                Ok(Ok(_)) => {}
                Err(_) => return false,
            }
        }
    }

    async fn get(addr: SocketAddr) -> String {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut out = String::new();
        s.read_to_string(&mut out).await.expect("read");
        out
    }

    #[tokio::test]
    async fn silent_half_sent_and_idle_connections_are_closed_while_pages_load() {
        let addr = server(Duration::from_millis(400), 1000).await;
        let mut held = Vec::new();
        for n in 0..60 {
            let mut s = TcpStream::connect(addr).await.expect("connect");
            match n % 3 {
                0 => {}
                1 => s
                    .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
                    .await
                    .expect("half"),
                _ => {
                    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Ver")
                        .await
                        .expect("half an upgrade");
                }
            }
            held.push(s);
        }
        assert!(
            get(addr).await.starts_with("HTTP/1.1 200"),
            "a page still loads"
        );
        for (n, s) in held.iter_mut().enumerate() {
            assert!(
                closed(s, Duration::from_secs(2)).await,
                "connection {n} was held"
            );
        }
        // A kept-alive connection that goes quiet after a request is closed too.
        let mut idle = TcpStream::connect(addr).await.expect("connect");
        idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("write");
        assert!(
            closed(&mut idle, Duration::from_secs(2)).await,
            "an idle keep-alive was held"
        );
    }

    #[tokio::test]
    async fn an_address_holds_at_most_its_connections_and_requests_know_it() {
        let addr = server(Duration::from_secs(5), 4).await;
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(TcpStream::connect(addr).await.expect("connect"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut fifth = TcpStream::connect(addr).await.expect("connect");
        assert!(
            closed(&mut fifth, Duration::from_secs(1)).await,
            "the fifth is closed at once"
        );
        drop(held);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let page = get(addr).await;
        assert!(
            page.ends_with("127.0.0.1"),
            "the handler sees the client's address: {page}"
        );
    }
}
