//! The subcommands.

mod error;
mod gen_cmd;
mod new;
mod token;

use clap::{Parser, Subcommand};

pub(crate) use error::CliError;

/// rtux: real-time UX for Rust web apps.
#[derive(Debug, Parser)]
#[command(name = "rtux", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create an app: a shared board of notes showing every rtux pattern.
    New(new::NewArgs),
    /// Add a resource or a presence channel to the app in this folder.
    Gen(gen_cmd::GenArgs),
    /// Issue a socket token for a user, signed with RTUX_SECRET.
    Token(token::TokenArgs),
}

impl Cli {
    /// Runs the chosen subcommand; the error's message is for the user.
    pub(crate) fn run(self) -> Result<(), CliError> {
        match self.command {
            Command::New(args) => new::run(&args),
            Command::Gen(args) => gen_cmd::run(&args),
            Command::Token(args) => token::run(&args),
        }
    }
}
