//! A TCP proxy that cuts WebSocket connections at seeded random points, for
//! the chaos run: most deliberately right before a `phx_reply` reaches the
//! client (the server has committed, the client never hears of it), some at
//! any server frame, some while the client is sending. Plain HTTP (a page, an
//! asset) passes untouched.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How often the proxy cuts a WebSocket connection.
#[derive(Debug, Clone, Copy)]
pub struct Cuts {
    /// Probability of cutting right before a server frame holding a `phx_reply`.
    pub before_reply: f64,
    /// Probability of cutting before any other server frame.
    pub server_frame: f64,
    /// Probability of cutting as the client sends a chunk.
    pub client_chunk: f64,
}

/// What the proxy has done so far.
#[derive(Debug, Default)]
pub struct ProxyStats {
    /// Connections accepted.
    pub connections: AtomicU64,
    /// Cut right before a reply reached its client.
    pub cut_before_reply: AtomicU64,
    /// Cut at another server frame or a client chunk.
    pub cut_elsewhere: AtomicU64,
}

/// The proxy, listening on 127.0.0.1; stops when dropped.
pub struct ChaosProxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    /// What it has done.
    pub stats: Arc<ProxyStats>,
    upstream: Arc<Mutex<SocketAddr>>,
    task: tokio::task::JoinHandle<()>,
}

impl ChaosProxy {
    /// Starts a proxy to `upstream`, its decisions seeded with `seed`.
    pub async fn start(upstream: SocketAddr, seed: u64, cuts: Cuts) -> ChaosProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let upstream = Arc::new(Mutex::new(upstream));
        let stats = Arc::new(ProxyStats::default());
        let task = {
            let (upstream, stats) = (upstream.clone(), stats.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while let Ok((client, _)) = listener.accept().await {
                    n += 1;
                    stats.connections.fetch_add(1, Ordering::Relaxed);
                    let to = *upstream.lock().expect("upstream");
                    let rng = StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(n));
                    tokio::spawn(relay(client, to, rng, cuts, stats.clone()));
                }
            })
        };
        ChaosProxy {
            addr,
            stats,
            upstream,
            task,
        }
    }

    /// Sends new connections to `upstream` (a restarted server).
    pub fn point_to(&self, upstream: SocketAddr) {
        *self.upstream.lock().expect("upstream") = upstream;
    }
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(client: TcpStream, to: SocketAddr, rng: StdRng, cuts: Cuts, stats: Arc<ProxyStats>) {
    let Ok(server) = TcpStream::connect(to).await else {
        return; // the server is down: the client sees a refused connection
    };
    let (mut client_r, mut client_w) = client.into_split();
    let (mut server_r, mut server_w) = server.into_split();
    let rng = Arc::new(Mutex::new(rng));
    let upgraded = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let up = {
        let (rng, stats, upgraded) = (rng.clone(), stats.clone(), upgraded.clone());
        async move {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = match client_r.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                let cut = upgraded.load(Ordering::Relaxed)
                    && rng.lock().expect("rng").random_bool(cuts.client_chunk);
                if cut {
                    stats.cut_elsewhere.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                if server_w.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    };
    let down = async move {
        let mut pending: Vec<u8> = Vec::new();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match server_r.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            pending.extend_from_slice(&buf[..n]);
            if !upgraded.load(Ordering::Relaxed) {
                let Some(end) = find(&pending, b"\r\n\r\n") else {
                    continue;
                };
                let head = pending.drain(..end + 4).collect::<Vec<u8>>();
                if head.starts_with(b"HTTP/1.1 101") {
                    upgraded.store(true, Ordering::Relaxed);
                }
                if client_w.write_all(&head).await.is_err() {
                    return;
                }
                if !upgraded.load(Ordering::Relaxed) {
                    // Plain HTTP: pass the rest through as it comes.
                    if client_w.write_all(&pending).await.is_err() {
                        return;
                    }
                    pending.clear();
                    loop {
                        let n = match server_r.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        if client_w.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                }
            }
            while let Some(len) = frame_len(&pending) {
                let frame: Vec<u8> = pending.drain(..len).collect();
                let reply = contains(&frame, b"\"phx_reply\"");
                let (p, counter) = if reply {
                    (cuts.before_reply, &stats.cut_before_reply)
                } else {
                    (cuts.server_frame, &stats.cut_elsewhere)
                };
                if rng.lock().expect("rng").random_bool(p) {
                    counter.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                if client_w.write_all(&frame).await.is_err() {
                    return;
                }
            }
        }
    };
    // Either side ending (or a cut) ends both.
    tokio::select! {
        () = up => {}
        () = down => {}
    }
}

/// The length of the first whole (unmasked, server-sent) WebSocket frame in
/// `bytes`, header included, if it has arrived.
fn frame_len(bytes: &[u8]) -> Option<usize> {
    let b1 = *bytes.get(1)?;
    let masked = b1 & 0x80 != 0;
    let (len, header) = match b1 & 0x7f {
        126 => (
            usize::from(u16::from_be_bytes([*bytes.get(2)?, *bytes.get(3)?])),
            4,
        ),
        127 => {
            let raw: [u8; 8] = bytes.get(2..10)?.try_into().ok()?;
            (usize::try_from(u64::from_be_bytes(raw)).ok()?, 10)
        }
        n => (usize::from(n), 2),
    };
    let total = header + if masked { 4 } else { 0 } + len;
    (bytes.len() >= total).then_some(total)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}
