//! One benchmark run: for each subscriber count, the baseline then rtux, each in
//! a fresh child process.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::Instant;

use crate::client::{self, Kind};
use crate::{peers, report};
use rtux_bench::{Nodes, percentile, rss_sum_kib};

/// What to measure.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// Subscriber counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
    subscribers: Vec<usize>,
    /// Deliveries per measured round; messages = deliveries / subscribers.
    #[arg(long, default_value_t = 2_000_000)]
    deliveries: u64,
    /// Most messages in flight (sent, not yet delivered to every subscriber).
    #[arg(long, default_value_t = 16)]
    window: u64,
    /// Also write the results as Markdown to this file.
    #[arg(long)]
    write: Option<PathBuf>,
    /// Measure scale-out instead: rtux on one node beside rtux on `--nodes`
    /// nodes joined through this engine (`redis://…` or `nats://…`), the
    /// subscribers spread over them and the publisher on the first.
    #[arg(long)]
    pubsub: Option<String>,
    /// Nodes of the scale-out run.
    #[arg(long, default_value_t = 3)]
    nodes: usize,
    /// Measure the cost of observing instead: rtux beside rtux with its
    /// metrics recorded (Prometheus) and INFO logs formatted.
    #[arg(long, conflicts_with = "pubsub")]
    telemetry: bool,
    /// Measure the peers instead: the baseline, rtux, socketioxide and
    /// Node's socket.io 4.8 (`npm ci --prefix bench/peers/socketio` first),
    /// with a chart beside the file `--write` names.
    #[arg(long, conflicts_with_all = ["pubsub", "telemetry"])]
    peers: bool,
    /// Clients in each connect-and-join storm (`--peers`).
    #[arg(long, default_value_t = peers::STORM, requires = "peers")]
    storm: usize,
    /// Request/reply round trips timed (`--peers`).
    #[arg(long, default_value_t = peers::ASKS, requires = "peers")]
    asks: u64,
    /// Runs every round this many times, the servers taking turns, and keeps
    /// each one's median (by deliveries/s; joins/s and round-trip p50 for
    /// `--peers`): on a shared machine one run of a server can land in a
    /// noisy moment.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
}

/// Delivery latency percentiles, in µs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Latency {
    pub(crate) p50_us: u32,
    pub(crate) p99_us: u32,
}

impl Latency {
    fn of(mut samples: Vec<u32>) -> Latency {
        samples.sort_unstable();
        Latency {
            p50_us: percentile(&samples, 50.0),
            p99_us: percentile(&samples, 99.0),
        }
    }
}

/// The figures of one round.
#[derive(Debug, Clone)]
pub(crate) struct Round {
    pub(crate) kind: Kind,
    /// Server processes (more than one: a cluster).
    pub(crate) nodes: usize,
    pub(crate) subscribers: usize,
    pub(crate) messages: u64,
    pub(crate) elapsed: Duration,
    /// Latency while `window` messages are in flight.
    pub(crate) loaded: Latency,
    /// Latency with one message in flight at a time.
    pub(crate) paced: Latency,
    pub(crate) rss_before_kib: u64,
    pub(crate) rss_idle_kib: u64,
}

impl Round {
    pub(crate) fn throughput(&self) -> f64 {
        (self.messages as f64 * self.subscribers as f64) / self.elapsed.as_secs_f64()
    }

    pub(crate) fn kib_per_connection(&self) -> f64 {
        self.rss_idle_kib.saturating_sub(self.rss_before_kib) as f64 / self.subscribers as f64
    }
}

const WARMUP: u64 = 10;
const CONNECT_CONCURRENCY: usize = 64;

pub(crate) async fn run(args: RunArgs) -> Result<(), String> {
    if args.subscribers.is_empty() || args.subscribers.contains(&0) {
        return Err("--subscribers needs counts above zero, such as 1000,10000".into());
    }
    if args.window == 0 {
        return Err("--window must be at least 1".into());
    }
    if args.nodes < 2 {
        return Err("--nodes must be at least 2".into());
    }
    if args.repeat == 0 {
        return Err("--repeat must be at least 1".into());
    }
    // Baseline then rtux; or, scaling out, rtux on one node then on several.
    let setups: &[(Kind, usize)] = match (&args.pubsub, args.telemetry) {
        _ if args.peers => &[
            (Kind::Baseline, 1),
            (Kind::Rtux, 1),
            (Kind::Socketioxide, 1),
            (Kind::SocketIoNode, 1),
        ],
        (_, true) => &[(Kind::Rtux, 1), (Kind::RtuxObserved, 1)],
        (None, false) => &[(Kind::Baseline, 1), (Kind::Rtux, 1)],
        (Some(_), false) => &[(Kind::Rtux, 1), (Kind::Rtux, args.nodes)],
    };
    let mut all = Vec::new();
    for &n in &args.subscribers {
        for &(kind, nodes) in setups.iter().cycle().take(setups.len() * args.repeat) {
            eprintln!("{} on {nodes} node(s) with {n} subscribers…", kind.name());
            let r = round(kind, nodes, n, &args).await?;
            eprintln!(
                "  {:.0} deliveries/s; loaded p50 {} µs, p99 {} µs; one at a time p50 {} µs, p99 {} µs; {:.1} KiB per idle connection",
                r.throughput(),
                r.loaded.p50_us,
                r.loaded.p99_us,
                r.paced.p50_us,
                r.paced.p99_us,
                r.kib_per_connection()
            );
            all.push(r);
        }
    }
    // Each setup's median round at each count, in the order they ran.
    let mut rounds: Vec<Round> = Vec::new();
    for &n in &args.subscribers {
        for &(kind, nodes) in setups {
            let mut runs: Vec<&Round> = all
                .iter()
                .filter(|r| r.subscribers == n && r.kind == kind && r.nodes == nodes)
                .collect();
            runs.sort_by(|a, b| a.throughput().total_cmp(&b.throughput()));
            rounds.extend(runs.get(runs.len() / 2).map(|r| (*r).clone()));
        }
    }
    let (section, markdown) = match &args.pubsub {
        None if args.peers => {
            let (storms, trips) =
                peers::storms_and_trips(args.storm, args.asks, args.repeat).await?;
            let chart = report::peers_chart(&rounds);
            if let Some(path) = &args.write {
                let at = path.with_file_name(report::PEERS_CHART);
                std::fs::write(&at, chart).map_err(|e| format!("write {}: {e}", at.display()))?;
                eprintln!("Wrote {}.", at.display());
            }
            let runs = report::Runs {
                subscribers: &args.subscribers,
                deliveries: args.deliveries,
                window: args.window,
                storm: args.storm,
                asks: args.asks,
                repeat: args.repeat,
            };
            (
                "peers_fanout",
                report::peers(&rounds, &storms, &trips, &runs),
            )
        }
        None if args.telemetry => (
            "telemetry_fanout",
            report::telemetry(&rounds, &args.subscribers, args.deliveries, args.window),
        ),
        None => (
            "fanout",
            report::markdown(&rounds, &args.subscribers, args.deliveries, args.window),
        ),
        Some(url) => (
            "cluster_fanout",
            report::cluster(
                &rounds,
                &args.subscribers,
                args.deliveries,
                args.window,
                url,
            ),
        ),
    };
    println!("{markdown}");
    if let Some(path) = &args.write {
        rtux_bench::write_section(path, section, &markdown)
            .map_err(|e| format!("write {}: {e}", path.display()))?;
        eprintln!("Wrote {}.", path.display());
    }
    Ok(())
}

async fn round(kind: Kind, nodes: usize, n: usize, args: &RunArgs) -> Result<Round, String> {
    let servers = Nodes::spawn(&[kind.serve()], &[], nodes, args.pubsub.as_deref()).await?;
    let addrs = &servers.addrs;
    let addr = addrs[0];
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before_kib = rss_sum_kib(&servers.pids)?;

    let sockets: Vec<_> =
        futures_util::stream::iter(0..n)
            .map(|i| async move {
                client::connect(kind, addrs[i % addrs.len()], &format!("sub{i}")).await
            })
            .buffer_unordered(CONNECT_CONCURRENCY)
            .collect()
            .await;
    let mut sockets = sockets.into_iter().collect::<Result<Vec<_>, _>>()?;
    if kind.speaks_socket_io() {
        for ws in &mut sockets {
            peers::answered(kind, ws, 0).await?;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle_kib = rss_sum_kib(&servers.pids)?;

    let n64 = n as u64;
    let messages = (args.deliveries / n64).max(20);
    let paced = (args.deliveries / 20 / n64).max(20);
    let expected = WARMUP + messages + paced;
    let delivered = Arc::new(AtomicU64::new(0));
    let epoch = Instant::now();
    let mut readers = Vec::with_capacity(n);
    for ws in sockets {
        let (sink, stream) = ws.split();
        let delivered = delivered.clone();
        readers.push(tokio::spawn(async move {
            let _open = sink;
            client::subscribe(stream, epoch, expected, WARMUP, delivered).await
        }));
    }
    let mut publisher = client::connect(kind, addr, "publisher").await?;
    if kind.speaks_socket_io() {
        peers::answered(kind, &mut publisher, 0).await?;
    }
    let (mut sink, mut own) = publisher.split();
    tokio::spawn(async move { while let Some(Ok(_)) = own.next().await {} });

    let wait_all = |upto: u64| {
        let delivered = delivered.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(120);
            while delivered.load(Ordering::Relaxed) < upto * n64 {
                if Instant::now() > deadline {
                    return Err(format!(
                        "{}: only {} of {} deliveries after 120 s",
                        kind.name(),
                        delivered.load(Ordering::Relaxed),
                        upto * n64
                    ));
                }
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            Ok(())
        }
    };
    let mut started = Instant::now();
    let mut elapsed = Duration::ZERO;
    for i in 0..expected {
        if i == WARMUP {
            wait_all(WARMUP).await?;
            started = Instant::now();
        }
        if i == WARMUP + messages {
            wait_all(i).await?;
            elapsed = started.elapsed();
        }
        let window = if i < WARMUP + messages {
            args.window
        } else {
            1
        };
        while i.saturating_sub(window) * n64 > delivered.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        client::shout(kind, &mut sink, epoch, i).await?;
    }
    wait_all(expected).await?;

    let (mut loaded, mut one_by_one) = (Vec::new(), Vec::new());
    for r in readers {
        let mut samples = r.await.map_err(|e| e.to_string())?;
        one_by_one.extend(
            samples.split_off(
                usize::try_from(messages)
                    .unwrap_or(usize::MAX)
                    .min(samples.len()),
            ),
        );
        loaded.extend(samples);
    }
    drop(servers);
    Ok(Round {
        kind,
        nodes,
        subscribers: n,
        messages,
        elapsed,
        loaded: Latency::of(loaded),
        paced: Latency::of(one_by_one),
        rss_before_kib,
        rss_idle_kib,
    })
}
