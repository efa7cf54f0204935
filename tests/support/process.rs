use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A test server as a real process (tests/bin), which prints
/// `listening on <addr>` once it serves; killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `exe` (a test's `env!("CARGO_BIN_EXE_…")`) with `envs` and waits
    /// until it says where it listens.
    pub async fn start(exe: &str, envs: &[(&str, &str)]) -> ServerProcess {
        let mut child = Command::new(exe)
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("the server process starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the server says where it listens")
            .expect("stdout")
            .expect("a line");
        let addr = line
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        ServerProcess { child, addr }
    }

    /// SIGKILL: no goodbye to anyone.
    pub async fn kill(mut self) {
        self.child.start_kill().expect("kill");
        let _ = self.child.wait().await;
    }

    /// The socket URL of this server with `token`.
    pub fn url(&self, token: &str) -> String {
        format!(
            "ws://{}/socket/websocket?vsn=2.0.0&token={token}",
            self.addr
        )
    }
}
