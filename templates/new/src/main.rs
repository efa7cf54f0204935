//! `cargo run`: << title >> on http://127.0.0.1:4000 (`PORT` changes the port).

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs: RUST_LOG=debug for more, RUST_LOG=tower_http=debug for each request.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
    match << crate_name >>::run(<< crate_name >>::Config::from_env()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
