//! What `rtux new` and `rtux gen` write, as plans: rendered templates, edits at
//! markers, and the view snapshots of the generated tests.

mod app;
mod auth;
mod error;
mod manifest;
mod markers;
mod plan;
mod presence;
mod render;
pub(crate) mod resource;
mod resource_tests;
mod views;

pub(crate) use app::{NewApp, new_app};
pub(crate) use auth::{auth, public_note, public_resources};
pub(crate) use error::ScaffoldError;
pub(crate) use plan::Plan;
pub(crate) use presence::{NewPresence, presence};
pub(crate) use resource::{NewResource, resource};

use std::io::Write;
use std::process::{Command, Stdio};

/// Rust source as rustfmt (edition 2024) formats it. Where rustfmt is not
/// installed the source is kept as the template wrote it, which is formatted
/// already: only the edits at markers may then need `cargo fmt`.
pub(crate) fn rustfmt(source: String) -> String {
    let child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return source;
    };
    if let Some(mut stdin) = child.stdin.take()
        && stdin.write_all(source.as_bytes()).is_err()
    {
        return source;
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout).unwrap_or(source),
        _ => source,
    }
}

/// A file of the app, for an edit at a marker.
fn read(root: &std::path::Path, path: &str) -> Result<String, ScaffoldError> {
    std::fs::read_to_string(root.join(path)).map_err(|source| ScaffoldError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Formats the file if it is Rust.
fn formatted(path: &str, content: String) -> String {
    if path.ends_with(".rs") {
        rustfmt(content)
    } else {
        content
    }
}
