//! The docs example: one shared document, a heading (`docs:handbook`: title
//! and tags) and its sections (`sections:handbook`). Written the way the docs
//! tell apps to be: two derived resources ([`Heading`], [`Section`]), a
//! derived presence meta ([`Viewer`]), a server-rendered page with rtux's
//! components; rtux.js does the rest (locks, merges, drafts, typing, banners).

mod document;
mod page;
mod viewer;

use axum::Router;
use axum::routing::get;
use rtux::presence::PresenceMeta;
use rtux::store::{Store, StoreError};
use rtux::{BuildError, Endpoint};

pub use document::{Heading, MAX_BODY, MAX_TAG, MAX_TAGS, MAX_TITLE, Section};
pub use viewer::Viewer;

/// The document heading's topic.
pub const HEADING: &str = "docs:handbook";

/// The document sections' topic (where presence is tracked too).
pub const SECTIONS: &str = "sections:handbook";

/// The app on `store`: the document at `/` (`?name=Ana` names you), the
/// socket and rtux's assets.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let file = std::env::temp_dir().join(format!("docs-doc-{}.db", std::process::id()));
/// let store = rtux::store::Store::sqlite(&file).await.expect("store");
/// let app = docs::app("a secret of at least thirty-two bytes!", store).expect("app");
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
        .resource::<Heading>(HEADING, &store)
        .resource::<Section>(SECTIONS, &store)
        .build()?;
    let state = page::Document {
        endpoint: endpoint.clone(),
        store,
    };
    Ok(Router::new()
        .route("/", get(page::document))
        .with_state(state)
        .merge(endpoint.router()))
}

/// Writes a first document into an empty store.
///
/// # Errors
/// The store failed.
pub async fn seed(store: &Store) -> Result<(), StoreError> {
    if !store.list(HEADING).await?.is_empty() {
        return Ok(());
    }
    let heading = serde_json::json!({ "title": "Team handbook", "tags": ["guide", "team"] });
    store.insert(HEADING, None, heading).await?;
    let sections = [
        ("Welcome", "Start here: who we are and how we work."),
        (
            "Working hours",
            "Core hours are 10 to 4; the rest is yours to arrange.",
        ),
        ("Asking for help", "Ask in the open, early; nobody minds."),
    ];
    for (heading, body) in sections {
        let section = serde_json::json!({ "heading": heading, "body": body });
        store.insert(SECTIONS, None, section).await?;
    }
    Ok(())
}
