//! `cargo run -p cursors`: the shared canvas on http://127.0.0.1:4002
//! (`CURSORS_ADDR` for another address).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let secret = std::env::var("RTUX_SECRET").unwrap_or_else(|_| {
        eprintln!("RTUX_SECRET is not set: using a development secret (never in production).");
        "cursors example: a development secret of 32 bytes or more".into()
    });
    let addr = std::env::var("CURSORS_ADDR").unwrap_or_else(|_| "127.0.0.1:4002".into());
    let app = match cursors::app(&secret) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let listener = match rtux::listen(&addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {addr}: {e}. Set CURSORS_ADDR to a free address, such as 127.0.0.1:4012."
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "The canvas is on http://{addr}: open http://{addr}/?name=Ana and http://{addr}/?name=Bo side by side. Ctrl-C stops it."
    );
    match rtux::serve(listener, app).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
