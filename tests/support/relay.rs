use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// A TCP relay on 127.0.0.1 in front of a service (Redis, NATS) that can cut
/// every connection through it at once, as a network failure would; new
/// connections go through again. Stops when dropped.
pub struct Relay {
    /// Where clients connect instead of the service.
    pub addr: SocketAddr,
    links: Arc<Mutex<Vec<AbortHandle>>>,
    down_until: Arc<Mutex<Option<Instant>>>,
    accept: AbortHandle,
}

impl Relay {
    /// A relay to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let links: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let down_until: Arc<Mutex<Option<Instant>>> = Arc::default();
        let (held, down) = (links.clone(), down_until.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if down
                    .lock()
                    .expect("down")
                    .is_some_and(|until| Instant::now() < until)
                {
                    continue;
                }
                let link = tokio::spawn(async move {
                    if let Ok(mut service) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut service).await;
                    }
                });
                held.lock().expect("links").push(link.abort_handle());
            }
        })
        .abort_handle();
        Relay {
            addr,
            links,
            down_until,
            accept,
        }
    }

    /// Cuts every open connection and refuses new ones for `outage`, as a
    /// service that went away and came back; returns how many were cut.
    pub fn cut_for(&self, outage: Duration) -> usize {
        *self.down_until.lock().expect("down") = Some(Instant::now() + outage);
        self.cut()
    }

    /// Cuts every open connection; returns how many there were.
    pub fn cut(&self) -> usize {
        let links = std::mem::take(&mut *self.links.lock().expect("links"));
        let open = links.iter().filter(|l| !l.is_finished()).count();
        for link in links {
            link.abort();
        }
        open
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}
