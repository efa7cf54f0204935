use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::required;

/// A Node test suite under `tests/<folder>`, run with `node --test`.
#[derive(Debug)]
pub struct NodeSuite {
    dir: PathBuf,
}

impl NodeSuite {
    /// The suite in `tests/<folder>`, if Node, its npm `packages` and any
    /// `also` (a path and what installs it) are there. Otherwise `None` after
    /// printing why — or, when CI requires every test to run, a failure.
    pub fn ready(folder: &str, packages: &[&str], also: &[(&Path, &str)]) -> Option<NodeSuite> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        let node = std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        let why = if node {
            packages
                .iter()
                .find(|p| !dir.join("node_modules").join(p).is_dir())
                .map(|_| format!("run `npm ci --prefix tests/{folder}` first"))
                .or_else(|| {
                    also.iter()
                        .find(|(path, _)| !path.exists())
                        .map(|(_, fix)| (*fix).to_owned())
                })
        } else {
            Some("Node.js is not installed".to_owned())
        };
        match why {
            None => Some(NodeSuite { dir }),
            Some(why) => {
                assert!(
                    !required(),
                    "CI must run the tests in tests/{folder}, but {why}"
                );
                eprintln!("SKIPPED the tests in tests/{folder}: {why}");
                None
            }
        }
    }

    /// Runs the script `file` with `env` (not a test file); fails unless it
    /// ends well within `limit`. Its standard output.
    pub async fn output(&self, file: &str, env: &[(&str, String)], limit: Duration) -> String {
        let (ok, stdout, stderr) = self.node(&[file], env, limit).await;
        assert!(ok, "{file} failed:\n{stdout}\n{stderr}");
        stdout
    }

    /// Runs `file` with `env`; fails unless every one of `tests` passes within `limit`.
    pub async fn run(&self, file: &str, env: &[(&str, String)], tests: usize, limit: Duration) {
        let args = [
            "--test",
            "--test-reporter=spec",
            "--test-concurrency=1",
            file,
        ];
        let (ok, stdout, stderr) = self.node(&args, env, limit).await;
        eprintln!("{stdout}\n{stderr}");
        assert!(ok, "{file} failed (output above)");
        assert!(
            stdout.contains(&format!("pass {tests}\n")),
            "all {tests} tests of {file} ran"
        );
    }

    /// `node args…` in the suite's folder: whether it ended well, its stdout
    /// and its stderr.
    async fn node(
        &self,
        args: &[&str],
        env: &[(&str, String)],
        limit: Duration,
    ) -> (bool, String, String) {
        let mut command = tokio::process::Command::new("node");
        command
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for (k, v) in env {
            command.env(k, v);
        }
        let out = tokio::time::timeout(limit, command.output())
            .await
            .unwrap_or_else(|_| panic!("node {args:?} did not finish within {limit:?}"))
            .expect("node runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}
