//! `rtux new <name>`: a ready-to-run app.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use crate::names;
use crate::scaffold::{NewApp, new_app};

/// Create an app: a shared board of notes showing presence, optimistic UI,
/// undo, conflicts, skeletons and disconnect recovery.
#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The app's name: its folder and crate (lowercase, `-` and `_`; like `board`).
    name: String,
    /// Print the files that would be created, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Create the app in a folder that is not empty: missing files are added,
    /// yours are kept as they are (nothing is deleted or overwritten).
    #[arg(long)]
    force: bool,
    /// The store the app uses by default (its tests run on the same kind).
    #[arg(long, value_enum, default_value_t = Db::Sqlite)]
    db: Db,
    /// Depend on the rtux runtime at this path (a checkout's `runtime/`).
    #[arg(long, value_name = "DIR", conflicts_with = "rtux_version")]
    rtux_path: Option<PathBuf>,
    /// Depend on this version of rtux from crates.io.
    #[arg(long, value_name = "VERSION")]
    rtux_version: Option<String>,
}

/// The store of a new app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Db {
    /// A SQLite file beside the app: nothing to install.
    Sqlite,
    /// PostgreSQL on 127.0.0.1:5432 (feature `postgres`, on by default).
    Postgres,
}

/// The `rtux = …` line: by path from a checkout, or by version.
fn dependency(args: &NewArgs) -> Result<String, CliError> {
    if let Some(version) = &args.rtux_version {
        if version.is_empty()
            || !version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-+^~=<> ,*".contains(c))
        {
            return Err(CliError::RtuxVersion(version.clone()));
        }
        return Ok(format!("rtux = \"{version}\""));
    }
    let path = match &args.rtux_path {
        Some(p) => p.clone(),
        // Built from a checkout of rtux: use its runtime while the checkout is there.
        None => {
            let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
            if !checkout.join("Cargo.toml").is_file() {
                return Ok(format!("rtux = \"{}\"", env!("CARGO_PKG_VERSION")));
            }
            checkout
        }
    };
    let path = path.canonicalize().map_err(|source| CliError::RtuxPath {
        path: path.clone(),
        source,
    })?;
    let manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap_or_default();
    if !manifest.lines().any(|l| l.trim() == "name = \"rtux\"") {
        return Err(CliError::NotRuntime(path));
    }
    Ok(format!(
        "rtux = {{ path = {:?} }}",
        path.display().to_string()
    ))
}

fn dev_secret() -> Result<String, CliError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(CliError::Randomness)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub(crate) fn run(args: &NewArgs) -> Result<(), CliError> {
    let crate_name = names::app(&args.name)?;
    if let Some(warning) = names::app_warning(&args.name) {
        eprintln!("warning: {warning}");
    }
    let root = std::env::current_dir()
        .map_err(CliError::CurrentDir)?
        .join(&args.name);
    let occupied = std::fs::read_dir(&root).is_ok_and(|mut d| d.next().is_some());
    if root.exists() && !root.is_dir() {
        return Err(CliError::IsFile(root));
    }
    if occupied && !args.force {
        return Err(CliError::NotEmpty(root));
    }
    let plan = new_app(&NewApp {
        root: &root,
        crate_name: &crate_name,
        rtux_dependency: dependency(args)?,
        dev_secret: dev_secret()?,
        postgres: args.db == Db::Postgres,
    })?;
    if args.dry_run {
        print!("{}", plan.describe());
        return Ok(());
    }
    let written = plan.write(args.force)?;
    print!("{}", written.describe());
    println!(
        "\nYour app is ready in {}. Next:\n  cd {}\n  cargo run        # then open http://127.0.0.1:4000 in two windows\n  cargo test       # view snapshots and the app test\n  rtux gen resource Task title:string done:bool --toggle done   # add a resource",
        root.display(),
        args.name
    );
    Ok(())
}
