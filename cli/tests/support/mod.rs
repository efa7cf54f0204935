//! Running `rtux` as a user does, in a fresh folder.

#![allow(dead_code, reason = "each test file uses part of this support")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh, empty folder under the system's temp dir.
pub fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rtux-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// What a run printed, and whether it succeeded.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `rtux args…` in `dir`.
pub fn rtux(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_rtux"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("rtux runs");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir`, relative path → content, sorted.
pub fn tree(dir: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .into_owned();
                out.push((
                    rel,
                    std::fs::read_to_string(&p).unwrap_or_else(|_| "<binary>".into()),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `rtux gen resource Task` with a field of every type and the flags that fit
/// them (`--toggle done --increment points --server-owned score --presence`),
/// then `more`.
pub fn gen_task_args(more: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "gen",
        "resource",
        "Task",
        "title:string",
        "notes:text",
        "done:bool",
        "points:integer",
        "score:float",
        "price:decimal",
        "due:date",
        "starts:datetime",
        "ref_id:uuid",
        "status:enum:open,in_progress,done",
        "owner:ref:User",
        "--toggle",
        "done",
        "--increment",
        "points",
        "--server-owned",
        "score",
        "--presence",
    ];
    args.extend_from_slice(more);
    args
}
