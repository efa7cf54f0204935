//! `cargo run -p lobby`: the lobby example on http://127.0.0.1:4000.

#[tokio::main]
async fn main() {
    let secret = std::env::var("RTUX_SECRET").unwrap_or_else(|_| {
        eprintln!("RTUX_SECRET is not set: using a throwaway development secret (tokens die with this process).");
        lobby::dev_secret()
    });
    let addr = std::env::var("LOBBY_ADDR").unwrap_or_else(|_| "127.0.0.1:4000".into());
    let app = match lobby::app(&secret) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {addr}: {e}. Set LOBBY_ADDR to a free address, such as 127.0.0.1:4001."
            );
            std::process::exit(1);
        }
    };
    println!("Lobby running: open http://{addr} in two browser windows. Ctrl-C stops it.");
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
