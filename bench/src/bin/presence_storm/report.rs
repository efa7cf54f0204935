//! The results as Markdown for docs/benchmarks.md, and a chart of the memory.

use std::fmt::Write as _;

use crate::storm::Round;

/// The chart's file name, written beside the Markdown file.
pub(crate) const CHART: &str = "presence_storm.svg";

pub(crate) fn markdown(
    rounds: &[Round],
    users: &[usize],
    summary_above: usize,
    concurrency: usize,
) -> String {
    let counts: Vec<String> = users.iter().map(ToString::to_string).collect();
    let mut out = String::new();
    out.push_str("## Presence join storm\n\n");
    out.push_str("Targets (issue 14): 10,000 users join one presence-tracked topic: ≥ 2,000 joins/s, join p99 ≤ 500 ms, ");
    out.push_str("every client's presence shows 10,000 within 2 s of the last join, no socket closed by a bound; ");
    out.push_str("≤ 16 KiB per tracked user with everyone in, a peak ≤ 2× that, and after everyone left RSS within 1.5× of the empty server.\n\n");
    let _ = writeln!(
        out,
        "Command: `cargo run -p rtux-bench --release --bin presence_storm{} -- --users {} --summary-above {summary_above} --concurrency {concurrency} --write docs/benchmarks.md`  ",
        if cfg!(feature = "jemalloc") {
            " --features jemalloc"
        } else if cfg!(feature = "mimalloc") {
            " --features mimalloc"
        } else {
            ""
        },
        counts.join(",")
    );
    let _ = writeln!(
        out,
        "Machine: {}; the harness and the server share them, on loopback.\n",
        rtux_bench::machine()
    );
    out.push_str("The server is a child process serving `room:*` with `PresenceChannel<Viewer>` (the meta of an app made by `rtux new`: name, colour, status, typing, field), release build, on ");
    out.push_str(crate::ALLOCATOR_NAME);
    out.push_str(" (docs/decisions.md, \"Presence at scale\"; the other allocators below). ");
    let _ = write!(
        out,
        "The harness opens and joins {concurrency} connections at a time, as fast as it can; each client then follows the topic's presence as rtux.js does (state and diffs, or summaries) and counts itself converged when it shows every user. "
    );
    out.push_str("Memory is the server's resident set: empty (after one user came and went), the peak sampled every 20 ms during the storm, steady (2 s after convergence, everyone in), and 5 s after every client disconnected. ");
    out.push_str("Per user = (steady − empty) / users: the connection, its channel membership and its meta.\n\n");
    out.push_str("A prober joins and leaves another topic every 50 ms, alone before the storm and all through it: a storm in one room must not slow a join elsewhere (beyond sharing the CPU).\n\n");
    out.push_str("| users | all joined in | joins/s | join p50 / p99 | converged after last join | closed | a join elsewhere p50 / p99: alone → during | RSS empty | peak | steady | per user | after all left | after / empty |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in rounds {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} / {:.1} → {:.1} / {:.1} ms | {:.1} MB | {:.1} MB | {:.1} MB | {:.1} KiB | {:.1} MB | {:.2}× |",
            r.users,
            joining(r),
            ms(r.elsewhere_alone.0),
            ms(r.elsewhere_alone.1),
            ms(r.elsewhere_during.0),
            ms(r.elsewhere_during.1),
            mb(r.rss_empty_kib),
            mb(r.rss_peak_kib),
            mb(r.rss_steady_kib),
            r.kib_per_user(),
            mb(r.rss_after_kib),
            r.rss_after_kib as f64 / r.rss_empty_kib.max(1) as f64,
        );
    }
    let _ = writeln!(out, "\n![Server memory by users in the room]({CHART})");
    out
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// A line of the chart: its name, colour, dash pattern and value (KiB) in a round.
type Series = (&'static str, &'static str, &'static str, fn(&Round) -> u64);

/// A line chart (SVG) of the server's memory against the users in the room.
pub(crate) fn chart(rounds: &[Round]) -> String {
    const W: f64 = 640.0;
    const H: f64 = 360.0;
    const LEFT: f64 = 60.0;
    const BOTTOM: f64 = 40.0;
    const TOP: f64 = 40.0;
    const RIGHT: f64 = 150.0;
    let series: [Series; 4] = [
        ("peak", "#d9480f", "none", |r| r.rss_peak_kib),
        ("everyone in", "#1c7ed6", "6 4", |r| r.rss_steady_kib),
        ("after all left", "#2f9e44", "none", |r| r.rss_after_kib),
        ("empty", "#868e96", "none", |r| r.rss_empty_kib),
    ];
    let max_users = rounds.iter().map(|r| r.users).max().unwrap_or(1) as f64;
    let max_mb = rounds
        .iter()
        .map(|r| mb(r.rss_peak_kib.max(r.rss_steady_kib)))
        .fold(1.0, f64::max)
        * 1.1;
    let x = |users: f64| LEFT + users / max_users * (W - LEFT - RIGHT);
    let y = |mb: f64| H - BOTTOM - mb / max_mb * (H - BOTTOM - TOP);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12"><rect width="{W}" height="{H}" fill="#fff"/><text x="{LEFT}" y="22" font-size="14" font-weight="bold">Server memory in a presence join storm (MB)</text>"##
    );
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{}" x2="{}" y2="{}" stroke="#333"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}" stroke="#333"/>"##,
        H - BOTTOM,
        W - RIGHT,
        H - BOTTOM,
        H - BOTTOM
    );
    for step in 0..=4 {
        let v = max_mb * f64::from(step) / 4.0;
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="end">{v:.0}</text><line x1="{LEFT}" y1="{}" x2="{}" y2="{}" stroke="#eee"/>"##,
            LEFT - 6.0,
            y(v) + 4.0,
            y(v),
            W - RIGHT,
            y(v)
        );
    }
    for r in rounds {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle">{}</text>"##,
            x(r.users as f64),
            H - BOTTOM + 16.0,
            r.users
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="middle">users in the room</text>"##,
        (LEFT + W - RIGHT) / 2.0,
        H - 6.0
    );
    for (i, (name, colour, dash, value)) in series.iter().enumerate() {
        let points: Vec<String> =
            std::iter::once((0.0, mb(rounds.first().map_or(0, |r| r.rss_empty_kib))))
                .chain(rounds.iter().map(|r| (r.users as f64, mb(value(r)))))
                .map(|(u, m)| format!("{:.1},{:.1}", x(u), y(m)))
                .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"##,
            points.join(" ")
        );
        let ly = TOP + 20.0 * i as f64;
        let _ = write!(
            svg,
            r##"<line x1="{}" y1="{ly}" x2="{}" y2="{ly}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{}" y="{}">{name}</text>"##,
            W - RIGHT + 12.0,
            W - RIGHT + 32.0,
            W - RIGHT + 38.0,
            ly + 4.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The scale-out run: each storm on one node beside the same on several.
pub(crate) fn cluster(
    rounds: &[Round],
    users: &[usize],
    concurrency: usize,
    engine: &str,
) -> String {
    let counts: Vec<String> = users.iter().map(ToString::to_string).collect();
    let nodes = rounds.iter().map(|r| r.nodes).max().unwrap_or(1);
    let scheme = engine.split("://").next().unwrap_or(engine);
    let mut out = String::new();
    out.push_str("## Presence join storm across nodes\n\n");
    let _ = writeln!(
        out,
        "Command: `cargo run -p rtux-bench --release --bin presence_storm -- --pubsub {engine} --nodes {nodes} --users {} --concurrency {concurrency} --write docs/benchmarks.md`  ",
        counts.join(",")
    );
    let _ = writeln!(
        out,
        "Machine: {}; the harness, every node and the engine share them, on loopback.\n",
        rtux_bench::machine()
    );
    let _ = write!(
        out,
        "The storm above (server on {}), first on one node, then with the users spread evenly over {nodes} nodes joined through {scheme}: every client counts itself converged when its presence (a summary, above 64 metas) shows every user of every node, so the time includes the replication between nodes (each node sends its changes at most once per 100 ms window per topic). ",
        crate::ALLOCATOR_NAME
    );
    out.push_str("On one machine more nodes add work, not capacity: the ratio is the cost of replicating presence, not the gain of more machines. Memory is the sum over the nodes.\n\n");
    out.push_str("| users | nodes | all joined in | joins/s | join p50 / p99 | every client sees everyone, after the last join | closed | RSS steady (all nodes) | per user |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in rounds {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} MB | {:.1} KiB |",
            r.users,
            r.nodes,
            joining(r),
            r.rss_steady_kib as f64 / 1024.0,
            r.kib_per_user(),
        );
    }
    out
}

/// `all joined in | joins/s | join p50 / p99 | converged after | closed`.
fn joining(r: &Round) -> String {
    format!(
        "{:.2} s | {:.0} | {:.0} / {:.0} ms | {} | {}",
        r.joined_in.as_secs_f64(),
        r.joins_per_second(),
        r.join_p50.as_secs_f64() * 1000.0,
        r.join_p99.as_secs_f64() * 1000.0,
        r.converged_after
            .map_or("not within 60 s".to_owned(), |d| format!(
                "{:.2} s",
                d.as_secs_f64()
            )),
        r.closed,
    )
}
