//! `cargo run`: << title >> on http://127.0.0.1:4000 (`PORT` changes the port).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match << crate_name >>::run(<< crate_name >>::Config::from_env()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
