//! `cargo run`: << title >> on http://127.0.0.1:4000 (`PORT` changes the port).

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs: RUST_LOG=debug for more (joins, leaves, each action and its
    // outcome), RUST_LOG=tower_http=debug for each request; LOG_FORMAT=json
    // for one JSON object a line (for a log collector).
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        logs.json().init();
    } else {
        logs.init();
    }
    match << crate_name >>::run(<< crate_name >>::Config::from_env()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
