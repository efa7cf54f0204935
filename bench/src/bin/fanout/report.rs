//! The results as Markdown, for docs/benchmarks.md.

use crate::client::Kind;
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
