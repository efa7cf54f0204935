//! One storm per user count, each against a fresh server process.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::stream::SplitStream;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::report;
use crate::server::{CALM, SECRET, TOPIC};
use rtux_bench::{Nodes, percentile, rss_sum_kib};

type Ws = rtux::testing::RawSocket;

/// What to measure.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// User counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000,5000,10000")]
    users: Vec<usize>,
    /// The server's presence summary threshold, in metas (rtux's default: 64).
    #[arg(long, default_value_t = 64)]
    summary_above: usize,
    /// Connections being opened and joined at once by the harness.
    #[arg(long, default_value_t = 128)]
    concurrency: usize,
    /// Also write the results as Markdown to this file, and the chart beside it.
    #[arg(long)]
    write: Option<PathBuf>,
    /// Print each round as a line of JSON instead of the Markdown table (for tests).
    #[arg(long)]
    json: bool,
    /// Measure scale-out instead: each storm on one node, then on `--nodes`
    /// nodes joined through this engine (`redis://…` or `nats://…`), the users
    /// spread over them.
    #[arg(long)]
    pubsub: Option<String>,
    /// Nodes of the scale-out run.
    #[arg(long, default_value_t = 3)]
    nodes: usize,
}

/// The figures of one storm.
#[derive(Debug, Clone)]
pub(crate) struct Round {
    pub(crate) users: usize,
    /// Server processes (more than one: a cluster); memory is their sum.
    pub(crate) nodes: usize,
    /// From the first connect to the last join reply.
    pub(crate) joined_in: Duration,
    /// Connect + join, per user: p50 and p99.
    pub(crate) join_p50: Duration,
    pub(crate) join_p99: Duration,
    /// From the last join reply until every client's presence counted everyone.
    pub(crate) converged_after: Option<Duration>,
    /// Sockets the server closed while the users were in.
    pub(crate) closed: usize,
    /// A join to another topic, p50 / p99: alone before the storm, and during it.
    pub(crate) elsewhere_alone: (Duration, Duration),
    pub(crate) elsewhere_during: (Duration, Duration),
    pub(crate) rss_empty_kib: u64,
    pub(crate) rss_peak_kib: u64,
    pub(crate) rss_steady_kib: u64,
    pub(crate) rss_after_kib: u64,
}

impl Round {
    pub(crate) fn joins_per_second(&self) -> f64 {
        self.users as f64 / self.joined_in.as_secs_f64()
    }

    pub(crate) fn kib_per_user(&self) -> f64 {
        self.rss_steady_kib.saturating_sub(self.rss_empty_kib) as f64 / self.users as f64
    }

    fn to_json(&self) -> Value {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        json!({
            "users": self.users,
            "joined_in_ms": ms(self.joined_in),
            "join_p99_ms": ms(self.join_p99),
            "converged_after_ms": self.converged_after.map(ms),
            "closed": self.closed,
            "elsewhere_alone_p99_ms": ms(self.elsewhere_alone.1),
            "elsewhere_during_p99_ms": ms(self.elsewhere_during.1),
            "rss_empty_kib": self.rss_empty_kib,
            "rss_peak_kib": self.rss_peak_kib,
            "rss_steady_kib": self.rss_steady_kib,
            "rss_after_kib": self.rss_after_kib,
        })
    }
}

pub(crate) async fn run(args: RunArgs) -> Result<(), String> {
    if args.users.is_empty() || args.users.contains(&0) {
        return Err("--users needs counts above zero, such as 1000,5000,10000".into());
    }
    if args.concurrency == 0 {
        return Err("--concurrency must be at least 1".into());
    }
    if args.nodes < 2 {
        return Err("--nodes must be at least 2".into());
    }
    let spreads: &[usize] = match args.pubsub {
        None => &[1],
        Some(_) => &[1, args.nodes],
    };
    let mut rounds = Vec::new();
    for (&n, &nodes) in args
        .users
        .iter()
        .flat_map(|n| spreads.iter().map(move |s| (n, s)))
    {
        eprintln!("{n} users joining {TOPIC} on {nodes} node(s)…");
        let r = storm(n, nodes, &args).await?;
        eprintln!(
            "  all joined in {:.2} s ({:.0}/s), join p50 {:?} p99 {:?}, converged {:?} after the last join, {} closed; a join elsewhere p99 {:?} alone, {:?} during; RSS empty {} KiB, peak {} KiB, steady {} KiB ({:.1} KiB per user), after all left {} KiB",
            r.joined_in.as_secs_f64(),
            r.joins_per_second(),
            r.join_p50,
            r.join_p99,
            r.converged_after,
            r.closed,
            r.elsewhere_alone.1,
            r.elsewhere_during.1,
            r.rss_empty_kib,
            r.rss_peak_kib,
            r.rss_steady_kib,
            r.kib_per_user(),
            r.rss_after_kib,
        );
        if args.json {
            println!("{}", r.to_json());
        }
        rounds.push(r);
    }
    if args.json {
        return Ok(());
    }
    if let Some(url) = &args.pubsub {
        let markdown = report::cluster(&rounds, &args.users, args.concurrency, url);
        println!("{markdown}");
        if let Some(path) = &args.write {
            rtux_bench::write_section(path, "presence_storm_cluster", &markdown)
                .map_err(|e| format!("write {}: {e}", path.display()))?;
        }
        return Ok(());
    }
    let markdown = report::markdown(&rounds, &args.users, args.summary_above, args.concurrency);
    println!("{markdown}");
    if let Some(path) = &args.write {
        rtux_bench::write_section(path, "presence_storm", &markdown)
            .map_err(|e| format!("write {}: {e}", path.display()))?;
        let chart = path.with_file_name(report::CHART);
        std::fs::write(&chart, report::chart(&rounds))
            .map_err(|e| format!("write {}: {e}", chart.display()))?;
        eprintln!("Wrote {} and {}.", path.display(), chart.display());
    }
    Ok(())
}

/// What the clients of one storm report.
#[derive(Default)]
struct Tally {
    /// Clients whose presence counts every user.
    converged: AtomicUsize,
    /// When the last of them got there (µs since the epoch).
    last_converged_us: AtomicU64,
    closed: AtomicUsize,
    leaving: AtomicBool,
}

async fn storm(n: usize, nodes: usize, args: &RunArgs) -> Result<Round, String> {
    let summary = args.summary_above.to_string();
    let mut envs = Vec::new();
    if cfg!(feature = "jemalloc") {
        envs.push(crate::JEMALLOC_CONF);
    }
    let serve = ["serve", "--summary-above", &summary];
    let servers = Nodes::spawn(&serve, &envs, nodes, args.pubsub.as_deref()).await?;
    let addrs = &servers.addrs;
    let pids = servers.pids.clone();
    let rss = move || rss_sum_kib(&pids);
    let addr = addrs[0];
    // One user in and out first, so lazily built parts count as "empty".
    drop(join(addr, "first", TOPIC).await?);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_empty_kib = rss()?;

    // Joins to another topic, alone and then all through the storm.
    let mut prober = join(addr, "prober", CALM).await?;
    let elsewhere_alone = quantiles(probe(&mut prober, None).await?);
    let storming = Arc::new(AtomicBool::new(true));
    let during = tokio::spawn({
        let storming = storming.clone();
        async move { probe(&mut prober, Some(&storming)).await }
    });

    let peak = Arc::new(AtomicU64::new(rss_empty_kib));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn({
        let (peak, sampling, rss) = (peak.clone(), sampling.clone(), rss.clone());
        async move {
            while sampling.load(Ordering::Relaxed) {
                if let Ok(rss) = rss() {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });

    let tally = Arc::new(Tally::default());
    let epoch = Instant::now();
    let joined: Vec<_> = futures_util::stream::iter(0..n)
        .map(|i| {
            let tally = tally.clone();
            async move {
                let started = Instant::now();
                let ws = join(addrs[i % addrs.len()], &format!("user{i}"), TOPIC).await?;
                let latency = started.elapsed();
                let (sink, stream) = ws.split();
                let reader = tokio::spawn(watch(stream, n, epoch, tally));
                Ok::<_, String>((latency, sink, reader))
            }
        })
        .buffer_unordered(args.concurrency)
        .collect()
        .await;
    let joined_in = epoch.elapsed();
    storming.store(false, Ordering::Relaxed);
    let elsewhere_during = quantiles(during.await.map_err(|e| e.to_string())??);
    let joined = joined.into_iter().collect::<Result<Vec<_>, _>>()?;

    let deadline = Instant::now() + Duration::from_secs(60);
    while tally.converged.load(Ordering::Relaxed) < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let converged_after = (tally.converged.load(Ordering::Relaxed) >= n).then(|| {
        let last = Duration::from_micros(tally.last_converged_us.load(Ordering::Relaxed));
        last.saturating_sub(joined_in)
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_steady_kib = rss()?;
    sampling.store(false, Ordering::Relaxed);
    let _sampled = sampler.await;

    tally.leaving.store(true, Ordering::Relaxed);
    let mut latencies: Vec<Duration> = Vec::with_capacity(n);
    for (latency, sink, reader) in joined {
        latencies.push(latency);
        reader.abort();
        drop(sink);
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_after_kib = rss()?;
    drop(servers);
    latencies.sort_unstable();
    Ok(Round {
        users: n,
        nodes,
        joined_in,
        join_p50: percentile(&latencies, 50.0),
        join_p99: percentile(&latencies, 99.0),
        converged_after,
        closed: tally.closed.load(Ordering::Relaxed),
        elsewhere_alone,
        elsewhere_during,
        rss_empty_kib,
        rss_peak_kib: peak.load(Ordering::Relaxed),
        rss_steady_kib,
        rss_after_kib,
    })
}

/// p50 and p99 of some durations.
fn quantiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    (percentile(&samples, 50.0), percentile(&samples, 99.0))
}

/// Joins and leaves `CALM` again and again: while `during` holds, or 50 times
/// without one; returns how long each join took to be answered.
async fn probe(ws: &mut Ws, during: Option<&AtomicBool>) -> Result<Vec<Duration>, String> {
    let mut samples = Vec::new();
    let mut refs = 10_u64..;
    let more = |done: usize| during.map_or(done < 50, |d| d.load(Ordering::Relaxed));
    while more(samples.len()) {
        let (join_ref, leave_ref) = (refs.next().unwrap_or(0), refs.next().unwrap_or(0));
        let started = Instant::now();
        let join =
            json!([join_ref.to_string(), join_ref.to_string(), CALM, "phx_join", {"meta": {}}]);
        ws.send(Message::text(join.to_string()))
            .await
            .map_err(|e| e.to_string())?;
        reply(ws, join_ref).await?;
        samples.push(started.elapsed());
        let leave = json!([
            join_ref.to_string(),
            leave_ref.to_string(),
            CALM,
            "phx_leave",
            {}
        ]);
        ws.send(Message::text(leave.to_string()))
            .await
            .map_err(|e| e.to_string())?;
        reply(ws, leave_ref).await?;
        // Two events per round, under the socket's 50 events/s.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(samples)
}

/// Reads until the reply to `r` (an ok one).
async fn reply(ws: &mut Ws, r: u64) -> Result<(), String> {
    let r = r.to_string();
    while let Some(message) = ws.next().await {
        let Ok(Message::Text(text)) = message else {
            continue;
        };
        let frame: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        if frame[1] == r.as_str() && frame[3] == "phx_reply" {
            return match frame[4]["status"].as_str() {
                Some("ok") => Ok(()),
                _ => Err(format!("refused: {frame}")),
            };
        }
    }
    Err("the probe's socket closed".into())
}

/// Connects `user` and joins `topic`, tracked; returns the open socket.
async fn join(addr: SocketAddr, user: &str, topic: &str) -> Result<Ws, String> {
    let tokens = rtux::auth::Tokens::new(SECRET.as_bytes()).map_err(|e| e.to_string())?;
    let token = tokens.issue(user, None, Duration::from_secs(3600));
    let url = rtux::testing::socket_url(addr, &token);
    rtux::testing::open_joined(&url, topic, json!({"meta": {}}))
        .await
        .map_err(|e| format!("{e} (for 10,000 users, raise the open-files limit: ulimit -n 25000)"))
}

/// Follows the topic's presence as a client does, until the socket ends;
/// counts the client in when its presence shows all `n` users.
async fn watch(mut stream: SplitStream<Ws>, n: usize, epoch: Instant, tally: Arc<Tally>) {
    let mut presence = Presence::default();
    let mut counted = false;
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let Ok(frame) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if !presence.apply(frame[3].as_str().unwrap_or(""), &frame[4]) {
            break;
        }
        let all = presence.count() == n;
        if all != counted {
            counted = all;
            if all {
                tally.converged.fetch_add(1, Ordering::Relaxed);
                let now = u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
                tally.last_converged_us.fetch_max(now, Ordering::Relaxed);
            } else {
                tally.converged.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }
    if !tally.leaving.load(Ordering::Relaxed) {
        tally.closed.fetch_add(1, Ordering::Relaxed);
    }
}

/// A client's view of the topic's presence: every user's metas (by `phx_ref`),
/// or in summary mode the count.
#[derive(Default)]
struct Presence {
    users: HashMap<String, Vec<Value>>,
    summary_count: Option<usize>,
}

impl Presence {
    /// Applies one pushed event; false if the server closed the channel.
    fn apply(&mut self, event: &str, payload: &Value) -> bool {
        match event {
            "presence_state" => {
                self.summary_count = None;
                self.users.clear();
                self.merge(payload, true);
            }
            "presence_diff" if self.summary_count.is_none() => {
                self.merge(&payload["joins"], true);
                self.merge(&payload["leaves"], false);
            }
            "presence_summary" => {
                self.summary_count = payload["count"]
                    .as_u64()
                    .and_then(|c| usize::try_from(c).ok());
            }
            "phx_close" | "phx_error" => return false,
            _ => {}
        }
        true
    }

    fn merge(&mut self, list: &Value, join: bool) {
        for (key, entry) in list.as_object().into_iter().flatten() {
            let refs = entry["metas"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| m["phx_ref"].clone());
            let metas = self.users.entry(key.clone()).or_default();
            for r in refs {
                metas.retain(|m| *m != r);
                if join {
                    metas.push(r);
                }
            }
            if metas.is_empty() {
                self.users.remove(key);
            }
        }
    }

    fn count(&self) -> usize {
        self.summary_count.unwrap_or(self.users.len())
    }
}
