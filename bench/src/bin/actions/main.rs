//! `actions`: acknowledgement latency of a confirmed update over loopback on
//! SQLite, and the store's conditional update beside a bare sqlx one.
//!
//! ```text
//! cargo run -p rtux-bench --release --bin actions -- --write docs/benchmarks.md
//! ```

mod ack;
mod store_cost;

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Measures the action path and the store's cost.
#[derive(Debug, Parser)]
#[command(name = "actions", version, about)]
struct Args {
    /// Operations per measured round.
    #[arg(long, default_value_t = 2000)]
    ops: usize,
    /// Rounds, alternating the bare update and the store (the first is warm-up).
    #[arg(long, default_value_t = 6)]
    rounds: usize,
    /// Also write the results to this Markdown file (section `actions`).
    #[arg(long)]
    write: Option<PathBuf>,
}

/// Latency percentiles of one series, in µs.
#[derive(Debug, Clone, Copy)]
struct Summary {
    mean: f64,
    p50: f64,
    p99: f64,
}

impl Summary {
    fn of(samples: &mut [Duration]) -> Summary {
        samples.sort_unstable();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let mean = samples.iter().map(|d| us(*d)).sum::<f64>() / samples.len().max(1) as f64;
        Summary {
            mean,
            p50: us(rtux_bench::percentile(samples, 50.0)),
            p99: us(rtux_bench::percentile(samples, 99.0)),
        }
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if args.ops == 0 || args.rounds < 2 {
        eprintln!(
            "error: --ops must be at least 1 and --rounds at least 2 (the first round is warm-up)"
        );
        return std::process::ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the Tokio runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("rtux-bench-actions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    eprintln!(
        "store cost: {} rounds of {} updates…",
        args.rounds, args.ops
    );
    let (bare, store) = store_cost::measure(&dir, args.ops, args.rounds).await?;
    eprintln!(
        "acknowledgement latency: {} confirmed updates over a WebSocket…",
        args.ops * 2
    );
    let (ack, heartbeat) = ack::measure(&dir, args.ops * 2).await?;
    let _cleanup = std::fs::remove_dir_all(&dir);

    let ratio = store.mean / bare.mean;
    let mut md = String::new();
    md.push_str("## Actions: acknowledgement latency and the store's cost\n\n");
    md.push_str("Target (issue 3): the store's conditional update at most 1.3× a bare sqlx conditional UPDATE.\n\n");
    md.push_str(&format!(
        "Command: `cargo run -p rtux-bench --release --bin actions -- --ops {} --rounds {}`. SQLite files in the temp directory (WAL, synchronous=NORMAL, one connection), on this machine's disk; client and server in one process over loopback.\n\n",
        args.ops, args.rounds
    ));
    md.push_str("| series | mean | p50 | p99 | vs bare |\n|---|---:|---:|---:|---:|\n");
    let row = |name: &str, s: &Summary, vs: Option<f64>| {
        format!(
            "| {name} | {:.1} µs | {:.1} µs | {:.1} µs | {} |\n",
            s.mean,
            s.p50,
            s.p99,
            vs.map_or("—".into(), |r| format!("{r:.2}×"))
        )
    };
    md.push_str(&row(
        "bare sqlx conditional `UPDATE … WHERE version = ?` (sqlx-sqlite)",
        &bare,
        Some(1.0),
    ));
    md.push_str(&row(
        "`Store::update` (conditional, `sqlx::Any`, returns the record)",
        &store,
        Some(ratio),
    ));
    md.push_str(&row(
        "confirmed `pending` action, push to reply (ledger + update in one transaction)",
        &ack,
        None,
    ));
    md.push_str(&row(
        "heartbeat, push to reply (the transport alone)",
        &heartbeat,
        None,
    ));
    md.push_str("\nRounds alternate bare and store after a warm-up round, so drift in the machine's speed hits both.\n");
    println!("{md}");
    if let Some(path) = &args.write {
        rtux_bench::write_section(path, "actions", &md)
            .map_err(|e| format!("write {}: {e}", path.display()))?;
        eprintln!("Wrote {}.", path.display());
    }
    Ok(())
}
