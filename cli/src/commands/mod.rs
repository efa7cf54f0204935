//! The subcommands.

mod token;

use clap::{Parser, Subcommand};

/// rtux: real-time UX for Rust web apps.
#[derive(Debug, Parser)]
#[command(name = "rtux", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Issue a socket token for a user, signed with RTUX_SECRET.
    Token(token::TokenArgs),
}

impl Cli {
    /// Runs the chosen subcommand; the error is a message for the user.
    pub(crate) fn run(self) -> Result<(), String> {
        match self.command {
            Command::Token(args) => token::run(&args),
        }
    }
}
