//! `cargo run -p kanban`: the board on http://127.0.0.1:4003 (`KANBAN_ADDR`
//! for another address), its cards in `kanban.db` (`KANBAN_DB` for another
//! SQLite file).

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let secret = std::env::var("RTUX_SECRET").unwrap_or_else(|_| {
        eprintln!("RTUX_SECRET is not set: using a development secret (never in production).");
        "kanban example: a development secret of 32 bytes or more".into()
    });
    let addr = std::env::var("KANBAN_ADDR").unwrap_or_else(|_| "127.0.0.1:4003".into());
    let db = std::env::var("KANBAN_DB").unwrap_or_else(|_| "kanban.db".into());
    let store = rtux::store::Store::sqlite(&db)
        .await
        .map_err(|e| format!("cannot open {db}: {e}. Set KANBAN_DB to a writable file."))?;
    kanban::seed(&store)
        .await
        .map_err(|e| format!("cannot seed {db}: {e}"))?;
    let app = kanban::app(&secret, store).map_err(|e| e.to_string())?;
    let listener = rtux::listen(&addr).await.map_err(|e| {
        format!("cannot listen on {addr}: {e}. Set KANBAN_ADDR to a free address, such as 127.0.0.1:4013.")
    })?;
    println!(
        "The board is on http://{addr}: open http://{addr}/?name=Ana and http://{addr}/?name=Bo side by side. Cards are kept in {db}. Ctrl-C stops it."
    );
    rtux::serve(listener, app).await.map_err(|e| e.to_string())
}
