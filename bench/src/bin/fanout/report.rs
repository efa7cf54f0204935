//! The results as Markdown, for docs/benchmarks.md.

use crate::client::Kind;
use crate::peers::{RoundTrips, STORM_AT_ONCE, Storm, WARM_ASKS};
use crate::run::Round;

pub(crate) fn markdown(
    rounds: &[Round],
    subscribers: &[usize],
    deliveries: u64,
    window: u64,
) -> String {
    let mut out = String::new();
    out.push_str("## Broadcast fan-out and memory per connection\n\n");
    out.push_str("Targets (issue 2): at least 0.7× the baseline's throughput; at most 16 KiB per idle joined connection ");
    out.push_str("(Phoenix's published 2-million-connection run works out near 42 KiB).\n\n");
    out.push_str(&command("", subscribers, deliveries, window));
    out.push_str(&format!(
        "Machine: {}; client and server share them, on loopback.\n\n",
        rtux_bench::machine()
    ));
    out.push_str("One topic; every subscriber is a WebSocket client in the benchmark process, the server a child process. ");
    out.push_str("A publisher sends messages stamped with the send time, at most `window` in flight; each subscriber records the delivery latency. ");
    out.push_str("Memory is the server's resident set with every subscriber connected (and, for rtux, joined to the topic) and idle, minus the set before they connected, divided by their number. ");
    out.push_str("The baseline is a bare tokio-tungstenite server: one `tokio::sync::broadcast` channel, one task per connection writing in batches, no protocol, auth or bounds.\n\n");
    out.push_str("Throughput and the loaded latencies come from the `messages` sent with `window` in flight; the paced latencies from further messages sent one at a time (each after every subscriber got the previous one), the time a lone broadcast takes to reach everyone.\n\n");
    out.push_str("| subscribers | server | messages | delivered/s | vs baseline | p50 / p99 loaded | p50 / p99 paced | KiB per idle connection |\n");
    out.push_str("|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for r in rounds {
        let base = rounds
            .iter()
            .find(|b| b.kind == Kind::Baseline && b.subscribers == r.subscribers);
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.subscribers,
            r.kind.name(),
            r.messages,
            measured(r, base)
        ));
    }
    out
}

/// The line giving the command that reproduces a run (`flags` before the
/// common ones).
fn command(flags: &str, subscribers: &[usize], deliveries: u64, window: u64) -> String {
    let counts: Vec<String> = subscribers.iter().map(ToString::to_string).collect();
    format!(
        "Command: `cargo run -p rtux-bench --release --bin fanout -- {flags}--subscribers {} --deliveries {deliveries} --window {window}`  \n",
        counts.join(",")
    )
}

/// A round's figures from deliveries/s on, with its ratio to `base`:
/// `delivered/s | vs base | p50 / p99 loaded | p50 / p99 paced | KiB`.
fn measured(r: &Round, base: Option<&Round>) -> String {
    let ratio = base.map_or("—".to_owned(), |b| {
        format!("{:.2}×", r.throughput() / b.throughput())
    });
    format!(
        "{:.0} | {} | {} / {} | {} / {} | {:.1}",
        r.throughput(),
        ratio,
        ms(r.loaded.p50_us),
        ms(r.loaded.p99_us),
        ms(r.paced.p50_us),
        ms(r.paced.p99_us),
        r.kib_per_connection(),
    )
}

fn ms(us: u32) -> String {
    format!("{:.1} ms", f64::from(us) / 1000.0)
}

/// The cost of observing: rtux beside rtux with metrics and INFO logs on.
pub(crate) fn telemetry(
    rounds: &[Round],
    subscribers: &[usize],
    deliveries: u64,
    window: u64,
) -> String {
    let mut out = String::from("## The cost of metrics and logs\n\n");
    out.push_str(&command("--telemetry ", subscribers, deliveries, window));
    out.push_str(&format!(
        "Machine: {}; client and server share them, on loopback.\n\n",
        rtux_bench::machine()
    ));
    out.push_str("The fan-out above, run twice in fresh processes: rtux as it ships (no metrics recorder, no log subscriber), then with `rtux::telemetry::Prometheus` installed (every counter, gauge and histogram recorded) and a `tracing` subscriber formatting every INFO event (into a sink). The target: at least 0.9× the throughput with them on.\n\n");
    out.push_str("| subscribers | run | delivered/s | vs off | p50 / p99 loaded | p50 / p99 paced | KiB per idle connection |\n");
    out.push_str("|---:|---|---:|---:|---:|---:|---:|\n");
    for r in rounds {
        let off = rounds
            .iter()
            .find(|b| b.kind == Kind::Rtux && b.subscribers == r.subscribers);
        let run = if r.kind == Kind::Rtux {
            "off"
        } else {
            "metrics + INFO logs"
        };
        out.push_str(&format!(
            "| {} | {run} | {} |\n",
            r.subscribers,
            measured(r, off)
        ));
    }
    out
}

/// The scale-out run: rtux on one node beside rtux on several, same subscribers.
pub(crate) fn cluster(
    rounds: &[Round],
    subscribers: &[usize],
    deliveries: u64,
    window: u64,
    engine: &str,
) -> String {
    let nodes = rounds.iter().map(|r| r.nodes).max().unwrap_or(1);
    let scheme = engine.split("://").next().unwrap_or(engine);
    let mut out = String::new();
    out.push_str(
        "## Broadcast fan-out across nodes

",
    );
    let flags = format!("--pubsub {engine} --nodes {nodes} ");
    out.push_str(&command(&flags, subscribers, deliveries, window));
    out.push_str(&format!(
        "Machine: {}; the client, every node and the engine share them, on loopback.\n\n",
        rtux_bench::machine()
    ));
    out.push_str(&format!(
        "The same subscribers on one topic, first on one rtux node, then spread evenly over {nodes} nodes joined through {scheme}; the publisher is on the first node, so {}/{nodes} of the deliveries cross the engine (encoded once per broadcast, published once, queued as the same bytes on each node). ", nodes - 1
    ));
    out.push_str("Measured as the single-node fan-out above (window of messages in flight for throughput and loaded latency, one at a time for paced latency). ");
    out.push_str("On one machine the nodes share two cores with the client and the engine: more nodes add work here, not capacity, so the ratio is the cost of crossing nodes, not the gain of adding machines.\n\n");
    out.push_str("| subscribers | nodes | delivered/s | vs one node | p50 / p99 loaded | p50 / p99 paced | KiB per idle connection (all nodes) |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in rounds {
        let one = rounds
            .iter()
            .find(|b| b.nodes == 1 && b.subscribers == r.subscribers);
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            r.subscribers,
            r.nodes,
            measured(r, one)
        ));
    }
    out
}

/// The chart [`peers_chart`] draws, written beside docs/benchmarks.md.
pub(crate) const PEERS_CHART: &str = "peers_fanout.svg";

/// What a fan-out run was asked for.
pub(crate) struct Runs<'a> {
    pub(crate) subscribers: &'a [usize],
    pub(crate) deliveries: u64,
    pub(crate) window: u64,
    /// Clients a storm, requests timed.
    pub(crate) storm: usize,
    pub(crate) asks: u64,
    /// Runs of each round (the median kept).
    pub(crate) repeat: usize,
}

/// rtux beside the servers people would pick instead.
pub(crate) fn peers(
    rounds: &[Round],
    storms: &[Storm],
    trips: &[RoundTrips],
    runs: &Runs<'_>,
) -> String {
    let Runs {
        subscribers,
        deliveries,
        window,
        storm,
        asks,
        repeat,
    } = *runs;
    let mut out =
        String::from("## Fan-out beside the peers: socketioxide and Node's socket.io\n\n");
    out.push_str("Targets (issue 19): at least 1.5× socket.io's deliveries/s and at most 0.5× its memory per idle connection; at least socketioxide's on every row.\n\n");
    out.push_str("```sh\nnpm ci --prefix bench/peers/socketio\n```\n\n");
    let flags = format!("--peers --repeat {repeat} --storm {storm} --asks {asks} ");
    out.push_str(&command(&flags, subscribers, deliveries, window));
    out.push_str(&format!(
        "Machine: {}; client and server share them, on loopback.\n\n",
        rtux_bench::machine()
    ));
    out.push_str("The fan-out above, with the same client harness against each server in a fresh process: one room (a topic for rtux), every subscriber joined, a publisher whose message goes to everyone else in it. ");
    out.push_str("socketioxide 0.18 (Rust, on axum) and socket.io 4.8 (Node) speak Socket.IO over a WebSocket (Engine.IO 4, no polling), each set up as its docs recommend for production (socket.io: `bufferutil` and `utf-8-validate`, the connection's HTTP request dropped, no client bundle, no compression, `NODE_ENV=production`; bench/peers/socketio/server.mjs); both ping every 5 minutes instead of 25 s, since the benchmark's idle clients do not answer pings. ");
    out.push_str("rtux's figures include its protocol's work: a signed token checked at connect, a join authorized per topic, per-socket rate and queue bounds. ");
    out.push_str(&format!("Every round below ran {repeat} time(s), the servers taking turns, each in a fresh process; each server's median run is shown (by deliveries/s, joins/s, round-trip p50).\n\n"));
    out.push_str(&format!(
        "![deliveries a second and memory per connection, by server]({PEERS_CHART})\n\n"
    ));
    out.push_str("| subscribers | server | delivered/s | rtux ÷ this | p50 / p99 loaded | p50 / p99 paced | KiB per idle connection | rtux's memory ÷ this |\n");
    out.push_str("|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for r in rounds {
        let rtux = rounds
            .iter()
            .find(|b| b.kind == Kind::Rtux && b.subscribers == r.subscribers);
        let (speed, memory) = rtux.map_or(("—".into(), "—".into()), |x| {
            (
                format!("{:.2}×", x.throughput() / r.throughput()),
                format!(
                    "{:.2}×",
                    x.kib_per_connection() / r.kib_per_connection().max(0.1)
                ),
            )
        });
        out.push_str(&format!(
            "| {} | {} | {:.0} | {speed} | {} / {} | {} / {} | {:.1} | {memory} |\n",
            r.subscribers,
            r.kind.name(),
            r.throughput(),
            ms(r.loaded.p50_us),
            ms(r.loaded.p99_us),
            ms(r.paced.p50_us),
            ms(r.paced.p99_us),
            r.kib_per_connection(),
        ));
    }
    out.push_str(&format!("\n**Connect-and-join storm.** {storm} clients open a socket and join the room as fast as they can ({STORM_AT_ONCE} being opened at any moment), each server fresh; a join's time runs from opening the TCP connection to the join's answer (Socket.IO: the namespace's connect, after which the server has put the socket in the room). Each client then reads what the server sends until the last has joined. rtux runs twice: a topic without presence, and one whose channel tracks every joiner's presence (the others in the room hear of it: diffs, then summaries past 1,000).\n\n"));
    out.push_str("| server | joins/s | rtux ÷ this | join p50 / p99 |\n|---|---:|---:|---:|\n");
    let rtux = storms.iter().find(|s| s.kind == Kind::Rtux);
    for s in storms {
        let ratio = rtux.map_or("—".into(), |x| {
            format!("{:.2}×", x.per_second() / s.per_second())
        });
        out.push_str(&format!(
            "| {} | {:.0} | {ratio} | {:.1} / {:.1} ms |\n",
            s.kind.name(),
            s.per_second(),
            s.p_ms(50.0),
            s.p_ms(99.0)
        ));
    }
    out.push_str(&format!("\n**Request/reply.** One client sends {asks} pushes, one after another (after {WARM_ASKS} untimed ones), each answered by the server (rtux: a channel's `Reply::ok`; Socket.IO: an acknowledgement); the round trip runs from sending the frame (built beforehand) to reading the answer (rtux's checked to be `ok`). The client runs on a single-threaded runtime on core 0 and the server on core 1, so neither waits for the other's threads to be scheduled: without that, runs of one server differed by 2× on this machine.\n\n"));
    out.push_str("| server | round trip p50 / p99 | rtux's p50 ÷ this |\n|---|---:|---:|\n");
    let rtux = trips.iter().find(|t| t.kind == Kind::Rtux);
    for t in trips {
        let ratio = rtux.map_or("—".into(), |x| {
            format!("{:.2}×", x.p_us(50.0) / t.p_us(50.0).max(0.001))
        });
        out.push_str(&format!(
            "| {} | {:.1} / {:.1} µs | {ratio} |\n",
            t.kind.name(),
            t.p_us(50.0),
            t.p_us(99.0)
        ));
    }
    out
}

/// A chart's title, the figure it draws and how its bars are labelled.
type Panel = (&'static str, fn(&Round) -> f64, fn(f64) -> String);

/// Two bar charts as one SVG: deliveries a second, and KiB per idle
/// connection, a group of bars per subscriber count, a bar per server.
pub(crate) fn peers_chart(rounds: &[Round]) -> String {
    const W: f64 = 760.0;
    const PANEL: f64 = 200.0;
    const LEFT: f64 = 60.0;
    const COLOURS: [(Kind, &str); 4] = [
        (Kind::Baseline, "#94a3b8"),
        (Kind::Rtux, "#2563eb"),
        (Kind::Socketioxide, "#f59e0b"),
        (Kind::SocketIoNode, "#16a34a"),
    ];
    let mut counts: Vec<usize> = rounds.iter().map(|r| r.subscribers).collect();
    counts.dedup();
    let height = 2.0 * PANEL + 125.0;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" viewBox="0 0 {W} {height}" font-family="sans-serif" font-size="12"><rect width="{W}" height="{height}" fill="#fff"/>"##
    );
    let panels: [Panel; 2] = [
        (
            "Deliveries a second (more is better)",
            Round::throughput,
            |v| format!("{:.0}k", v / 1000.0),
        ),
        (
            "KiB per idle connection (less is better)",
            Round::kib_per_connection,
            |v| format!("{v:.1}"),
        ),
    ];
    for (p, (title, value, label)) in panels.iter().enumerate() {
        let top = 30.0 + p as f64 * (PANEL + 40.0);
        let max = rounds.iter().map(value).fold(0.0_f64, f64::max).max(1.0);
        svg.push_str(&format!(
            r##"<text x="{LEFT}" y="{:.0}" font-size="14" font-weight="bold">{title}</text>"##,
            top - 8.0
        ));
        let group = (W - LEFT - 20.0) / counts.len().max(1) as f64;
        for (g, n) in counts.iter().enumerate() {
            let x0 = LEFT + g as f64 * group;
            let bar = (group - 40.0) / COLOURS.len() as f64;
            for (b, (kind, colour)) in COLOURS.iter().enumerate() {
                let Some(r) = rounds
                    .iter()
                    .find(|r| r.kind == *kind && r.subscribers == *n)
                else {
                    continue;
                };
                let v = value(r);
                let h = v / max * (PANEL - 40.0);
                let (x, y) = (x0 + 20.0 + b as f64 * bar, top + PANEL - 20.0 - h);
                svg.push_str(&format!(
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{colour}"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"##,
                    bar - 6.0,
                    x + (bar - 6.0) / 2.0,
                    y - 4.0,
                    label(v)
                ));
            }
            svg.push_str(&format!(
                r##"<text x="{:.1}" y="{:.0}" text-anchor="middle">{n} subscribers</text>"##,
                x0 + group / 2.0,
                top + PANEL - 4.0
            ));
        }
    }
    for (i, (kind, colour)) in COLOURS.iter().enumerate() {
        let (x, legend_y) = (
            LEFT + (i % 2) as f64 * 330.0,
            2.0 * PANEL + 95.0 + (i / 2) as f64 * 18.0,
        );
        svg.push_str(&format!(
            r##"<rect x="{x}" y="{:.0}" width="12" height="12" fill="{colour}"/><text x="{:.0}" y="{legend_y:.0}">{}</text>"##,
            legend_y - 10.0,
            x + 16.0,
            kind.name()
        ));
    }
    svg.push_str("</svg>\n");
    svg
}
