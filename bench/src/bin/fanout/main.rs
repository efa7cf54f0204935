//! `fanout`: broadcast fan-out and memory per idle connection, rtux beside a bare
//! tokio-tungstenite broadcast server (or, with `--peers`, beside socketioxide
//! and Node's socket.io too), each run as a child process on loopback.
//!
//! ```text
//! cargo run -p rtux-bench --release --bin fanout -- --write docs/benchmarks.md
//! cargo run -p rtux-bench --release --bin fanout -- --telemetry --write docs/benchmarks.md
//! npm ci --prefix bench/peers/socketio
//! cargo run -p rtux-bench --release --bin fanout -- --peers --write docs/benchmarks.md
//! ```

mod client;
mod peers;
mod report;
mod run;
mod servers;

use clap::{Parser, Subcommand};

/// Measures broadcast fan-out and memory per connection.
#[derive(Debug, Parser)]
#[command(name = "fanout", version, about)]
struct Cli {
    #[command(subcommand)]
    serve: Option<Serve>,
    #[command(flatten)]
    run: run::RunArgs,
}

/// Internal: the servers the benchmark starts as child processes.
#[derive(Debug, Subcommand)]
enum Serve {
    /// Serve an rtux endpoint on 127.0.0.1 and print its address.
    #[command(name = "serve-rtux")]
    Rtux,
    /// Serve the bare tokio-tungstenite baseline on 127.0.0.1 and print its address.
    #[command(name = "serve-baseline")]
    Baseline,
    /// Serve rtux with its metrics recorded and INFO logs formatted.
    #[command(name = "serve-rtux-observed")]
    RtuxObserved,
    /// Serve socketioxide on 127.0.0.1 and print its address.
    #[command(name = "serve-socketioxide")]
    Socketioxide,
    /// Become Node's socket.io server (bench/peers/socketio), which prints its address.
    #[command(name = "serve-socketio-node")]
    SocketIoNode,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    rtux_bench::run_main(async {
        match cli.serve {
            Some(Serve::Rtux) => servers::serve_rtux().await,
            Some(Serve::Baseline) => servers::serve_baseline().await,
            Some(Serve::RtuxObserved) => servers::serve_rtux_observed().await,
            Some(Serve::Socketioxide) => servers::serve_socketioxide().await,
            Some(Serve::SocketIoNode) => servers::serve_socketio_node(),
            None => run::run(cli.run).await,
        }
    })
}
