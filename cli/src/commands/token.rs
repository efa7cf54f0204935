//! `rtux token`: a signed socket token for trying an endpoint by hand.

use std::time::Duration;

use clap::Args;
use rtux::auth::Tokens;

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

pub(crate) fn run(args: &TokenArgs) -> Result<(), String> {
    let secret = args.secret.as_deref().ok_or(
        "no secret: set RTUX_SECRET to your endpoint's secret (for a new one: export RTUX_SECRET=$(openssl rand -hex 32))",
    )?;
    let tokens = Tokens::new(secret.as_bytes()).map_err(|e| format!("RTUX_SECRET: {e}"))?;
    if args.user.is_empty() || args.user.len() > rtux::auth::MAX_USER_ID_BYTES {
        return Err(format!(
            "--user must be 1 to {} bytes",
            rtux::auth::MAX_USER_ID_BYTES
        ));
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
