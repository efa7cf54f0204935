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
use rtux_bench::{Nodes, percentile};

/// Clients in a storm, by default.
pub(crate) const STORM: usize = 5000;
/// Connections being opened at any moment of the storm.
pub(crate) const STORM_AT_ONCE: usize = 256;
/// Round trips timed, one after another, by default.
pub(crate) const ASKS: u64 = 5000;
/// Round trips before the timed ones (the first requests of a process pay
/// for code paths and allocations warming up, on every server).
pub(crate) const WARM_ASKS: u64 = 200;

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

/// A request/reply run's round trips, sorted, in µs.
#[derive(Debug, Clone)]
pub(crate) struct RoundTrips {
    pub(crate) kind: Kind,
    pub(crate) us: Vec<u32>,
}

impl RoundTrips {
    pub(crate) fn p_ms(&self, p: f64) -> f64 {
        f64::from(percentile(&self.us, p)) / 1000.0
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
        let t = round_trips(kind, asks).await?;
        eprintln!("  p50 {:.3} ms, p99 {:.3} ms", t.p_ms(50.0), t.p_ms(99.0));
        trips.push(t);
    }
    let storms = STORMED
        .iter()
        .filter_map(|&k| median(&storms, |s| s.kind == k, |s| s.per_second()))
        .collect();
    let trips = ASKED
        .iter()
        .filter_map(|&k| median(&trips, |t| t.kind == k, |t| t.p_ms(50.0)))
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
    let server = Nodes::spawn(&[kind.serve()], &[], 1, None).await?;
    let mut ws = client::connect(kind, server.addrs[0], "asker").await?;
    // socketioxide runs its connect handler in a task of its own, so the first
    // ask can arrive before `on("ask")` is in place and go unanswered (until
    // the ping timeout closes the socket: a flaky CI run). Warm-up asks are
    // untimed: each is sent again after a second without an answer.
    for i in 0..WARM_ASKS {
        let mut tries = 0;
        loop {
            match tokio::time::timeout(Duration::from_secs(1), ask(kind, &mut ws, i)).await {
                Ok(answered) => break answered?,
                Err(_) if tries < 10 => tries += 1,
                Err(_) => {
                    return Err(format!(
                        "{}: no answer to warm-up ask {i} in 10 s",
                        kind.name()
                    ));
                }
            }
        }
    }
    let mut us = Vec::with_capacity(usize::try_from(asks).unwrap_or(0));
    for i in WARM_ASKS..WARM_ASKS + asks {
        let at = Instant::now();
        ask(kind, &mut ws, i).await?;
        us.push(micros(at.elapsed()));
    }
    us.sort_unstable();
    drop(server);
    Ok(RoundTrips { kind, us })
}

/// Sends ask number `i` and waits for its answer.
async fn ask(kind: Kind, ws: &mut Ws, i: u64) -> Result<(), String> {
    let reference = (i + 2).to_string();
    let (frame, answer) = match kind {
        Kind::Socketioxide | Kind::SocketIoNode => {
            (format!(r#"42{i}["ask",{{"n":{i}}}]"#), format!("43{i}["))
        }
        _ => (
            json!(["1", reference, TOPIC, "ask", { "n": i }]).to_string(),
            format!(r#"["1","{reference}","{TOPIC}","phx_reply""#),
        ),
    };
    ws.send(Message::text(frame))
        .await
        .map_err(|e| format!("ask: {e}"))?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.starts_with(&answer) => return Ok(()),
            Some(Ok(_)) => {}
            other => return Err(format!("{}: no answer to ask {i}: {other:?}", kind.name())),
        }
    }
}
