//! The kanban example: one board (`kanban:board`) of cards in three columns.
//! Written the way the docs tell apps to be: the card is a derived resource
//! ([`Card`]), the presence meta a derive ([`Viewer`]), the page is
//! server-rendered with rtux's components, and rtux.js does the rest (the
//! drag and drop, ranks, optimistic moves, merges, undo).

mod card;
mod page;
mod viewer;

use axum::Router;
use axum::routing::get;
use rtux::presence::PresenceMeta;
use rtux::store::{Store, StoreError};
use rtux::{BuildError, Endpoint};

pub use card::{COLUMNS, Card, MAX_RANK, MAX_TITLE, Move};
pub use viewer::Viewer;

/// The board's topic.
pub const BOARD: &str = "kanban:board";

/// The app on `store`: the board at `/` (`?name=Ana` names you), the socket
/// and rtux's assets.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let dir = std::env::temp_dir().join(format!("kanban-doc-{}.db", std::process::id()));
/// let store = rtux::store::Store::sqlite(&dir).await.expect("store");
/// let app = kanban::app("a secret of at least thirty-two bytes!", store).expect("app");
/// # let _ = app;
/// # }
/// ```
///
/// # Errors
/// A secret shorter than 32 bytes.
pub fn app(secret: &str, store: Store) -> Result<Router, BuildError> {
    let endpoint = Endpoint::builder(secret)
        .presence(Viewer::config())
        .views(page::views())
        .resource::<Card>(BOARD, &store)
        .build()?;
    let state = page::Board {
        endpoint: endpoint.clone(),
        store,
    };
    Ok(Router::new()
        .route("/", get(page::board))
        .with_state(state)
        .merge(endpoint.router()))
}

/// Puts a few cards on an empty board, so a first visit shows how it works.
///
/// # Errors
/// The store failed.
pub async fn seed(store: &Store) -> Result<(), StoreError> {
    if !store.list(BOARD).await?.is_empty() {
        return Ok(());
    }
    let cards = [
        ("Sketch the columns", "todo", "i"),
        ("Write the README", "todo", "r"),
        ("Store cards in SQLite", "doing", "i"),
        ("Say hello", "done", "i"),
    ];
    for (title, column, rank) in cards {
        let data = serde_json::json!({ "title": title, "column": column, "rank": rank });
        store.insert(BOARD, None, data).await?;
    }
    Ok(())
}
