//! Shared by the benchmark programs: percentiles, servers as child processes
//! and their memory, and writing one program's section of docs/benchmarks.md
//! without touching the others'.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Runs a benchmark program's work on a Tokio runtime; an error is printed and
/// the program fails.
///
/// ```
/// let code = rtux_bench::run_main(async { Ok(()) });
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// ```
pub fn run_main(work: impl Future<Output = Result<(), String>>) -> std::process::ExitCode {
    // Before the runtime: its threads inherit the core.
    if let Some(core) = std::env::var(CORE_ENV).ok().and_then(|c| c.parse().ok()) {
        pin_to_core(core);
    }
    let outcome = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(work),
        Err(e) => Err(format!("cannot start the Tokio runtime: {e}")),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The environment variable that pins a server child (and every thread it
/// starts) to one core: `RTUX_BENCH_CORE=1`. [`run_main`] reads it.
pub const CORE_ENV: &str = "RTUX_BENCH_CORE";

/// Pins the calling thread (and the threads it starts from now on) to core
/// `core`, when the machine has more than one; returns whether it did.
/// Latency rows run the client on one core and the server on another, so
/// neither waits for the other's threads to be scheduled.
///
/// ```
/// std::thread::spawn(|| rtux_bench::pin_to_core(0)).join().unwrap();
/// ```
pub fn pin_to_core(core: usize) -> bool {
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    cores.len() > 1
        && cores
            .into_iter()
            .find(|c| c.id == core)
            .is_some_and(core_affinity::set_for_current)
}

/// Starts this program again as a server child (`args` name what it serves,
/// `envs` are set for it), which prints its address on its first line; returns
/// the child, the address and its pid. The child is killed when dropped.
///
/// ```no_run
/// # async fn demo() -> Result<(), String> {
/// // In a program whose `serve` subcommand serves and prints its address:
/// let (_child, addr, pid) = rtux_bench::spawn_server(&["serve"], &[]).await?;
/// println!("{addr}: {} KiB", rtux_bench::rss_kib(pid)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The child cannot be started or prints no address.
pub async fn spawn_server(
    args: &[&str],
    envs: &[(&str, &str)],
) -> Result<(Child, SocketAddr, u32), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("start the {args:?} child: {e}"))?;
    let pid = child.id().ok_or("the server child has no pid")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .await
        .map_err(|e| e.to_string())?;
    let addr = line
        .trim()
        .parse()
        .map_err(|e| format!("server printed {line:?}: {e}"))?;
    Ok((child, addr, pid))
}

/// The server children of one round: one, or several nodes of a cluster.
/// They are killed when dropped.
#[derive(Debug)]
pub struct Nodes {
    /// Where each listens, the first first.
    pub addrs: Vec<SocketAddr>,
    /// Their pids, for [`rss_sum_kib`].
    pub pids: Vec<u32>,
    _children: Vec<Child>,
}

impl Nodes {
    /// Starts `nodes` server children as [`spawn_server`] does; with more
    /// than one and an engine URL `pubsub`, they join through it on a channel
    /// of their own (`PUBSUB_URL` and `CLUSTER_CHANNEL`, which
    /// [`pubsub_from_env`] reads in the child).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), String> {
    /// let nodes = rtux_bench::Nodes::spawn(&["serve"], &[], 3, Some("redis://127.0.0.1:6379")).await?;
    /// println!("{:?}: {} KiB", nodes.addrs, rtux_bench::rss_sum_kib(&nodes.pids)?);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// A child cannot be started or prints no address.
    pub async fn spawn(
        args: &[&str],
        envs: &[(&str, &str)],
        nodes: usize,
        pubsub: Option<&str>,
    ) -> Result<Nodes, String> {
        static RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let channel = format!("rtux-bench-{}-{run}", std::process::id());
        let mut envs = envs.to_vec();
        if let (Some(url), true) = (pubsub, nodes > 1) {
            envs.push(("PUBSUB_URL", url));
            envs.push(("CLUSTER_CHANNEL", &channel));
        }
        let mut out = Nodes {
            addrs: Vec::with_capacity(nodes),
            pids: Vec::with_capacity(nodes),
            _children: Vec::with_capacity(nodes),
        };
        for _ in 0..nodes {
            let (child, addr, pid) = spawn_server(args, &envs).await?;
            out.addrs.push(addr);
            out.pids.push(pid);
            out._children.push(child);
        }
        Ok(out)
    }
}

/// The pub/sub a server child uses: a cluster when [`Nodes::spawn`] gave it
/// an engine, else this process alone.
///
/// ```no_run
/// # async fn demo() -> Result<(), String> {
/// let endpoint = rtux::Endpoint::builder("a benchmark secret of 32 bytes or more")
///     .pubsub(rtux_bench::pubsub_from_env()?)
///     .build()
///     .map_err(|e| e.to_string())?;
/// # let _ = endpoint; Ok(()) }
/// ```
///
/// # Errors
/// `PUBSUB_URL` names no engine rtux knows.
pub fn pubsub_from_env() -> Result<std::sync::Arc<dyn rtux::pubsub::PubSub>, String> {
    let mut cluster = rtux::cluster::ClusterConfig::default();
    if let Ok(channel) = std::env::var("CLUSTER_CHANNEL") {
        cluster.channel = channel;
    }
    rtux::cluster::pubsub_for(std::env::var("PUBSUB_URL").ok().as_deref(), cluster)
        .map_err(|e| e.to_string())
}

/// The resident memory of several processes, added up, in KiB.
///
/// ```
/// let me = std::process::id();
/// assert!(rtux_bench::rss_sum_kib(&[me, me]).expect("on Linux") > 0);
/// ```
///
/// # Errors
/// As [`rss_kib`].
pub fn rss_sum_kib(pids: &[u32]) -> Result<u64, String> {
    pids.iter().map(|pid| rss_kib(*pid)).sum()
}

/// Resident memory of a process, in KiB, from `/proc/<pid>/status`.
///
/// ```
/// assert!(rtux_bench::rss_kib(std::process::id()).expect("on Linux") > 0);
/// ```
///
/// # Errors
/// The process is gone, or not on Linux.
pub fn rss_kib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("read /proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS line".to_owned())
}

/// The machine, as a line for a report: cores and CPU model.
///
/// ```
/// assert!(rtux_bench::machine().contains(" cores, "));
/// ```
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores, {cpu}")
}

/// The `p`-th percentile (0–100) of sorted samples.
///
/// ```
/// assert_eq!(rtux_bench::percentile(&[1, 2, 3, 4], 50.0), 3);
/// ```
pub fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

const HEADER: &str = "# Benchmarks\n\nWritten by the programs in `bench/`; run one again to refresh its section. \
Ratios matter more than absolute numbers: the machine is shared and noisy.\n";

/// Replaces (or appends) the section `name` of the Markdown file at `path`,
/// between `<!-- name:start -->` and `<!-- name:end -->`.
///
/// # Errors
/// The file cannot be read or written.
pub fn write_section(path: &Path, name: &str, markdown: &str) -> std::io::Result<()> {
    let existing = std::fs::read_to_string(path).unwrap_or_else(|_| HEADER.to_owned());
    let (start, end) = (
        format!("<!-- {name}:start -->"),
        format!("<!-- {name}:end -->"),
    );
    let block = format!("{start}\n{}\n{end}", markdown.trim_end());
    let updated = match (existing.find(&start), existing.find(&end)) {
        (Some(s), Some(e)) if e > s => {
            format!("{}{block}{}", &existing[..s], &existing[e + end.len()..])
        }
        _ => format!("{}\n{block}\n", existing.trim_end()),
    };
    std::fs::write(path, updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_replaced_in_place() {
        let path = std::env::temp_dir().join(format!("rtux-bench-{}.md", std::process::id()));
        let _ = std::fs::remove_file(&path);
        write_section(&path, "a", "A1").expect("write");
        write_section(&path, "b", "B1").expect("write");
        write_section(&path, "a", "A2").expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("# Benchmarks"));
        assert!(text.contains("<!-- a:start -->\nA2\n<!-- a:end -->"));
        assert!(text.contains("<!-- b:start -->\nB1\n<!-- b:end -->"));
        assert!(!text.contains("A1"));
        assert!(text.find("a:start") < text.find("b:start"));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn percentiles() {
        let s: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&s, 50.0), 51);
        assert_eq!(percentile(&s, 99.0), 99);
        assert_eq!(percentile::<u32>(&[], 50.0), 0);
    }
}
