//! The peers' other rows (`--peers`): a connect-and-join storm and a
//! request/reply round trip, each against a server in a fresh process, with
//! the same client as the fan-out.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::client::{self, Kind, Ws};
use crate::servers::TOPIC;
use rtux_bench::{CORE_ENV, Nodes, percentile, pin_to_core};

/// Clients in a storm, by default.
pub(crate) const STORM: usize = 5000;
/// Connections being opened at any moment of the storm.
pub(crate) const STORM_AT_ONCE: usize = 256;
/// Round trips timed, one after another, by default.
pub(crate) const ASKS: u64 = 5000;
/// Round trips before the timed ones (the first requests of a process pay
/// for code paths and allocations warming up, on every server).
pub(crate) const WARM_ASKS: u64 = 2000;

/// A storm's figures.
#[derive(Debug, Clone)]
pub(crate) struct Storm {
    pub(crate) kind: Kind,
    pub(crate) elapsed: Duration,
    /// Each client's connect-and-join time, sorted, in µs.
    pub(crate) joins_us: Vec<u32>,
}

impl Storm {
    pub(crate) fn per_second(&self) -> f64 {
        self.joins_us.len() as f64 / self.elapsed.as_secs_f64()
    }

    pub(crate) fn p_ms(&self, p: f64) -> f64 {
        f64::from(percentile(&self.joins_us, p)) / 1000.0
    }
}

/// A request/reply run's round trips, sorted, in ns (a round trip on
/// loopback is a few µs: whole µs would round away the differences).
#[derive(Debug, Clone)]
pub(crate) struct RoundTrips {
    pub(crate) kind: Kind,
    pub(crate) ns: Vec<u32>,
}

impl RoundTrips {
    pub(crate) fn p_us(&self, p: f64) -> f64 {
        f64::from(percentile(&self.ns, p)) / 1000.0
    }
}

fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

/// The storm for rtux (without and with presence) and both peers, then the
/// round trips for rtux and both peers, each `repeat` times with the servers
/// taking turns, each printed as it ends; each server's median run is kept.
pub(crate) async fn storms_and_trips(
    clients: usize,
    asks: u64,
    repeat: usize,
) -> Result<(Vec<Storm>, Vec<RoundTrips>), String> {
    const STORMED: [Kind; 4] = [
        Kind::Rtux,
        Kind::RtuxPresence,
        Kind::Socketioxide,
        Kind::SocketIoNode,
    ];
    let mut storms = Vec::new();
    for &kind in STORMED.iter().cycle().take(STORMED.len() * repeat) {
        eprintln!("{}: {clients} clients joining at once…", kind.name());
        let s = storm(kind, clients).await?;
        eprintln!(
            "  {:.0} joins/s; join p50 {:.1} ms, p99 {:.1} ms",
            s.per_second(),
            s.p_ms(50.0),
            s.p_ms(99.0)
        );
        storms.push(s);
    }
    const ASKED: [Kind; 3] = [Kind::Rtux, Kind::Socketioxide, Kind::SocketIoNode];
    let mut trips = Vec::new();
    for &kind in ASKED.iter().cycle().take(ASKED.len() * repeat) {
        eprintln!("{}: {asks} requests, one after another…", kind.name());
        // On a single-threaded runtime of a thread of its own, on core 0 (the
        // server on core 1): the client's reads and clock never hop between
        // threads, and neither side waits for the other to be scheduled.
        let client = std::thread::spawn(move || {
            pin_to_core(0);
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("the client's runtime: {e}"))?
                .block_on(round_trips(kind, asks))
        });
        let t = tokio::task::spawn_blocking(move || client.join())
            .await
            .map_err(|e| format!("the round trips' thread: {e}"))?
            .map_err(|_| "the round trips' thread panicked".to_owned())??;
        eprintln!("  p50 {:.1} µs, p99 {:.1} µs", t.p_us(50.0), t.p_us(99.0));
        trips.push(t);
    }
    let storms = STORMED
        .iter()
        .filter_map(|&k| median(&storms, |s| s.kind == k, |s| s.per_second()))
        .collect();
    let trips = ASKED
        .iter()
        .filter_map(|&k| median(&trips, |t| t.kind == k, |t| t.p_us(50.0)))
        .collect();
    Ok((storms, trips))
}

/// The median by `key` of the runs `mine` picks.
fn median<T: Clone>(runs: &[T], mine: impl Fn(&T) -> bool, key: impl Fn(&T) -> f64) -> Option<T> {
    let mut picked: Vec<&T> = runs.iter().filter(|r| mine(r)).collect();
    picked.sort_by(|a, b| key(a).total_cmp(&key(b)));
    picked.get(picked.len() / 2).map(|r| (*r).clone())
}

/// `clients` connecting and joining at once ([`STORM_AT_ONCE`] in flight),
/// each kept open (and read) until the last has joined.
async fn storm(kind: Kind, clients: usize) -> Result<Storm, String> {
    let server = Nodes::spawn(&[kind.serve()], &[], 1, None).await?;
    let addr = server.addrs[0];
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let joined: Vec<Result<(u32, tokio::task::JoinHandle<()>), String>> =
        futures_util::stream::iter(0..clients)
            .map(|i| async move {
                let at = Instant::now();
                let ws = client::connect(kind, addr, &format!("storm{i}")).await?;
                let took = micros(at.elapsed());
                // Read what the server sends (presence), as a page would.
                let (sink, mut stream) = ws.split();
                let reader = tokio::spawn(async move {
                    let _open = sink;
                    while let Some(Ok(_)) = stream.next().await {}
                });
                Ok((took, reader))
            })
            .buffer_unordered(STORM_AT_ONCE)
            .collect()
            .await;
    let elapsed = started.elapsed();
    let mut joins_us = Vec::with_capacity(clients);
    for j in joined {
        let (took, reader) = j?;
        joins_us.push(took);
        reader.abort();
    }
    joins_us.sort_unstable();
    drop(server);
    Ok(Storm {
        kind,
        elapsed,
        joins_us,
    })
}

/// `asks` pushes answered by the server, one after another, on one socket.
async fn round_trips(kind: Kind, asks: u64) -> Result<RoundTrips, String> {
    let server = Nodes::spawn(&[kind.serve()], &[(CORE_ENV, "1")], 1, None).await?;
    let mut ws = client::connect(kind, server.addrs[0], "asker").await?;
    // Warm-up asks are untimed.
    for i in 0..WARM_ASKS {
        answered(kind, &mut ws, i).await?;
    }
    let mut ns = Vec::with_capacity(usize::try_from(asks).unwrap_or(0));
    for i in WARM_ASKS..WARM_ASKS + asks {
        // Built before the clock starts: only the wire and the server are timed.
        let asked = Ask::new(kind, i);
        let at = Instant::now();
        asked.exchange(&mut ws).await?;
        ns.push(u32::try_from(at.elapsed().as_nanos()).unwrap_or(u32::MAX));
    }
    ns.sort_unstable();
    drop(server);
    Ok(RoundTrips { kind, ns })
}

/// Waits for the server to answer ask number `i` on `ws`, sending it again
/// after each second without an answer (for up to 10 s). socketioxide runs
/// its connect handler in a task of its own, so a socket's first frames can
/// arrive before its handlers (and its room) are in place and be dropped: an
/// answer says the socket is ready (its room joined, its handlers on).
pub(crate) async fn answered(kind: Kind, ws: &mut Ws, i: u64) -> Result<(), String> {
    for _ in 0..10 {
        let asked = Ask::new(kind, i).exchange(ws);
        if let Ok(answer) = tokio::time::timeout(Duration::from_secs(1), asked).await {
            return answer;
        }
    }
    Err(format!("{}: no answer to ask {i} in 10 s", kind.name()))
}

/// One ask: its frame, and how its answer starts and ends.
struct Ask {
    kind: Kind,
    i: u64,
    frame: String,
    starts: String,
    ends: &'static str,
}

impl Ask {
    /// Ask number `i`, in the server's protocol: rtux's answer must be an ok
    /// reply, Socket.IO's the ack of that number.
    fn new(kind: Kind, i: u64) -> Ask {
        let reference = (i + 2).to_string();
        let (frame, starts, ends) = match kind {
            Kind::Socketioxide | Kind::SocketIoNode => (
                format!(r#"42{i}["ask",{{"n":{i}}}]"#),
                format!("43{i}["),
                "]",
            ),
            _ => (
                json!(["1", reference, TOPIC, "ask", { "n": i }]).to_string(),
                format!(r#"["1","{reference}","{TOPIC}","phx_reply""#),
                r#""status":"ok"}]"#,
            ),
        };
        Ask {
            kind,
            i,
            frame,
            starts,
            ends,
        }
    }

    /// Sends it and waits for its answer.
    async fn exchange(self, ws: &mut Ws) -> Result<(), String> {
        ws.send(Message::text(self.frame))
            .await
            .map_err(|e| format!("ask: {e}"))?;
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) if t.starts_with(&self.starts) => {
                    return if t.ends_with(self.ends) {
                        Ok(())
                    } else {
                        Err(format!("{}: ask {} answered {t}", self.kind.name(), self.i))
                    };
                }
                Some(Ok(_)) => {}
                other => {
                    return Err(format!(
                        "{}: no answer to ask {}: {other:?}",
                        self.kind.name(),
                        self.i
                    ));
                }
            }
        }
    }
}
