//! `derive_check`: what the derives cost at build time. `cargo check` of a
//! crate with 100 `#[derive(rtux::Model)]` structs beside the same structs
//! with serde's derives only, alternating, in one run (target ≤ 2×).
//!
//! ```text
//! cargo run -p rtux-bench --release --bin derive_check -- --write docs/benchmarks.md
//! ```

mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;
use fixture::Flavour;

/// Times `cargo check` of derived resources beside serde-only structs.
#[derive(Debug, Parser)]
#[command(name = "derive_check", version, about)]
struct Args {
    /// Structs per crate.
    #[arg(long, default_value_t = 100)]
    structs: usize,
    /// Measured checks per crate (after one warm-up build of the dependencies).
    #[arg(long, default_value_t = 7)]
    rounds: usize,
    /// Also write the results to this Markdown file (section `derive`).
    #[arg(long)]
    write: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if args.structs == 0 || args.rounds == 0 {
        eprintln!("error: --structs and --rounds must be at least 1");
        return std::process::ExitCode::FAILURE;
    }
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("no workspace above bench/")?
        .to_path_buf();
    let root = workspace.join("target").join("derive-bench");
    let target = root.join("target");
    let flavours = [Flavour::Serde, Flavour::Derived];
    for flavour in flavours {
        fixture::write_crate(
            &root.join(flavour.name()),
            &workspace.join("runtime"),
            &workspace.join("Cargo.lock"),
            flavour,
        )
        .map_err(|e| format!("writing the {} crate: {e}", flavour.name()))?;
    }
    println!(
        "warming up: building the dependencies once ({} structs per crate)…",
        args.structs
    );
    for flavour in flavours {
        check(&root, &target, args.structs, flavour, Some(0))?;
    }
    let mut times: [Vec<Duration>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for round in 1..=args.rounds {
        for (i, flavour) in flavours.into_iter().enumerate() {
            let took = check(&root, &target, args.structs, flavour, Some(round))?;
            println!("round {round}: {:<10} {:>7.0} ms", flavour.name(), ms(took));
            times[i].push(took);
        }
        // Nothing changed: what cargo itself costs, in both numbers above.
        times[2].push(check(&root, &target, args.structs, Flavour::Serde, None)?);
    }
    let [serde, derived, noop] = times.map(|mut t| {
        t.sort_unstable();
        rtux_bench::percentile(&t, 50.0)
    });
    let ratio = derived.as_secs_f64() / serde.as_secs_f64().max(1e-9);
    let report = format!(
        "## Derive cost: `cargo check` of {n} resources\n\n\
         `cargo run -p rtux-bench --release --bin derive_check -- --write docs/benchmarks.md` — two crates of {n} structs each (7 fields, 4 actions, skeleton, toggle and set-union attributes), one with `#[derive(rtux::Model)]`, one with serde's derives only; dependencies built once beforehand, then `cargo check` of each crate after a change to its `lib.rs`, alternating, {r} times each; medians.\n\n\
         | crate | median `cargo check` |\n|---|---|\n| serde derives only | {s:.0} ms |\n| serde + `rtux::Model` | {d:.0} ms |\n| (nothing changed: cargo's own cost, in both) | {o:.0} ms |\n\n\
         **Ratio: {ratio:.2}×** (target ≤ 2×); without cargo's own cost, {bare:.2}×.\n",
        n = args.structs,
        r = args.rounds,
        s = ms(serde),
        d = ms(derived),
        o = ms(noop),
        bare = (ms(derived) - ms(noop)) / (ms(serde) - ms(noop)).max(1e-9),
    );
    println!("\n{report}");
    if let Some(path) = &args.write {
        rtux_bench::write_section(path, "derive", &report)
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
        println!("written to {}", path.display());
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Writes the crate's source for `round` (unless `None`: unchanged) and
/// times `cargo check` on it.
fn check(
    root: &Path,
    target: &Path,
    structs: usize,
    flavour: Flavour,
    round: Option<usize>,
) -> Result<Duration, String> {
    let dir = root.join(flavour.name());
    if let Some(round) = round {
        std::fs::write(
            dir.join("src/lib.rs"),
            fixture::lib_rs(structs, flavour, round),
        )
        .map_err(|e| format!("writing {}: {e}", dir.display()))?;
    }
    let started = Instant::now();
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    let took = started.elapsed();
    if !out.status.success() {
        return Err(format!(
            "cargo check of the {} crate failed:\n{}",
            flavour.name(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(took)
}
