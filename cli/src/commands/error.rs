//! Why a subcommand failed; `main` prints the message after `error: `.

use std::io;
use std::path::PathBuf;

use crate::fields::{FieldError, TYPES};
use crate::names::NameError;
use crate::scaffold::ScaffoldError;

/// Why `rtux new`, `rtux gen` or `rtux token` stopped; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error(transparent)]
    Name(#[from] NameError),
    #[error("{0}\n(field types: {TYPES})")]
    Field(#[from] FieldError),
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    #[error("no current folder: {0}")]
    CurrentDir(#[source] io::Error),
    #[error("--topic {0:?}: use lowercase letters, digits, `_` and `-` (topics are `<prefix>:*`)")]
    TopicPrefix(String),
    #[error("--topic: {0}")]
    Topic(#[from] rtux_rules::InvalidPattern),
    #[error("{flag} {value:?} is not a duration ({source}): write it like 5s")]
    Duration {
        flag: &'static str,
        value: String,
        source: humantime::DurationError,
    },
    #[error("{flag}: {source}")]
    OutOfRange {
        flag: &'static str,
        source: rtux_rules::OutOfRange,
    },
    #[error(
        "{0} is not an rtux app: run `rtux gen` at the root of an app made by `rtux new` (where its Cargo.toml is)"
    )]
    NotApp(PathBuf),
    #[error("--presence {0:?} is not a Rust type path (like crate::viewer::Viewer)")]
    PresenceType(String),
    #[error("--signed-in needs accounts: run `rtux gen auth` first (nothing was written)")]
    SignedInNeedsAuth,
    #[error("--cursor-rate {0} is outside 1 to {max} a second", max = rtux_rules::MAX_CURSOR_RATE)]
    CursorRate(u64),
    #[error("--rtux-version {0:?} is not a version requirement: write it like 0.1 or 0.1.0")]
    RtuxVersion(String),
    #[error("--rtux-path {path}: {source}")]
    RtuxPath { path: PathBuf, source: io::Error },
    #[error(
        "{0} is not the rtux runtime (no Cargo.toml with name = \"rtux\"): give the checkout's runtime/ folder"
    )]
    NotRuntime(PathBuf),
    #[error("{0} exists and is a file: choose another name")]
    IsFile(PathBuf),
    #[error(
        "{0} exists and is not empty: choose another name, or add --force to add what is missing there (your files are kept)"
    )]
    NotEmpty(PathBuf),
    /// Not a `source`: getrandom's error is a `std` error only with its
    /// `std` feature.
    #[error("no randomness for the development secret: {0}")]
    Randomness(getrandom::Error),
    #[error(
        "no secret: set RTUX_SECRET to your endpoint's secret (for a new one: export RTUX_SECRET=$(openssl rand -hex 32))"
    )]
    NoSecret,
    #[error("RTUX_SECRET: {0}")]
    Secret(#[from] rtux::auth::TokenError),
    #[error("--user must be 1 to {max} bytes", max = rtux::auth::MAX_USER_ID_BYTES)]
    UserId,
}
