//! `rtux token`: a signed socket token for trying an endpoint by hand.

use std::time::Duration;

use clap::Args;
use rtux::auth::Tokens;

use super::CliError;

#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// The user id the token identifies (its `sub`).
    #[arg(long)]
    user: String,
    /// A display name to put in the token.
    #[arg(long)]
    name: Option<String>,
    /// How long the token is valid, such as 30m, 12h or 7d.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    ttl: Duration,
    /// The endpoint's secret (32 bytes or more); read from the environment so it
    /// stays out of shell history and process lists.
    #[arg(long, env = "RTUX_SECRET", hide_env_values = true)]
    secret: Option<String>,
}

pub(crate) fn run(args: &TokenArgs) -> Result<(), CliError> {
    let secret = args.secret.as_deref().ok_or(CliError::NoSecret)?;
    let tokens = Tokens::new(secret.as_bytes())?;
    if args.user.is_empty() || args.user.len() > rtux::auth::MAX_USER_ID_BYTES {
        return Err(CliError::UserId);
    }
    let token = tokens.issue(&args.user, args.name.as_deref(), args.ttl);
    println!("{token}");
    eprintln!(
        "Token for {:?}, valid for {}. Connect with /socket/websocket?vsn=2.0.0&token=<the token above>.",
        args.user,
        humantime::format_duration(args.ttl)
    );
    Ok(())
}
