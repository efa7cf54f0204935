//! `presence_storm`: N users join one presence-tracked topic at once; how fast
//! they all get in, when every client's presence shows all of them, and the
//! server's memory before, during, with everyone in and after they left.
//!
//! ```text
//! cargo run -p rtux-bench --release --bin presence_storm -- --write docs/benchmarks.md
//! ```

mod report;
mod server;
mod storm;

use clap::{Parser, Subcommand};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The server's allocator, as the report names it.
pub(crate) const ALLOCATOR_NAME: &str = if cfg!(feature = "jemalloc") {
    "jemalloc (tikv-jemallocator) with `_RJEM_MALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0,tcache:false`"
} else if cfg!(feature = "mimalloc") {
    "mimalloc"
} else {
    "the system allocator (glibc)"
};

/// jemalloc's configuration for the server child, read when it starts: a
/// background thread returns freed pages after 1 s, and no per-thread caches
/// keep freed objects (and the pages under them) after a crowd has left.
pub(crate) const JEMALLOC_CONF: (&str, &str) = (
    "_RJEM_MALLOC_CONF",
    "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0,tcache:false",
);

/// Measures a presence join storm.
#[derive(Debug, Parser)]
#[command(name = "presence_storm", version, about)]
struct Cli {
    #[command(subcommand)]
    serve: Option<Serve>,
    #[command(flatten)]
    run: storm::RunArgs,
}

/// Internal: the server the benchmark starts as a child process.
#[derive(Debug, Subcommand)]
enum Serve {
    /// Serve a presence topic on 127.0.0.1 and print its address.
    Serve {
        /// The presence summary threshold (metas).
        #[arg(long)]
        summary_above: usize,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    rtux_bench::run_main(async {
        match cli.serve {
            Some(Serve::Serve { summary_above }) => server::serve(summary_above).await,
            None => storm::run(cli.run).await,
        }
    })
}
