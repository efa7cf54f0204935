//! The chat example: rooms (`chat:general`, `chat:random`, `chat:help`) of
//! messages, who is in each room and who is typing, unread counts for the
//! others. Written the way the docs tell apps to be: the message is a derived
//! resource ([`Message`]), the presence meta a derive ([`Viewer`]), the pages
//! are server-rendered with rtux's components, and rtux.js does the rest
//! (optimistic sends, the offline queue, skeletons, typing, unread badges).

mod message;
mod page;
mod viewer;

use axum::Router;
use axum::routing::get;
use rtux::channel::PresenceChannel;
use rtux::presence::PresenceMeta;
use rtux::store::{Store, StoreError};
use rtux::{BuildError, Endpoint};

pub use message::{MAX_TEXT, Message};
pub use viewer::Viewer;

/// The rooms: the name in URLs and topics, and the heading.
pub const ROOMS: [(&str, &str); 3] = [
    ("general", "General"),
    ("random", "Random"),
    ("help", "Help"),
];

/// The topic of a room's messages: `chat:general`.
///
/// ```
/// assert_eq!(chat::messages_topic("help"), "chat:help");
/// ```
pub fn messages_topic(room: &str) -> String {
    format!("chat:{room}")
}

/// The topic of who is in a room (and typing): `here:general`. Kept apart
/// from the messages, so the pages that count a room's unread messages
/// (joining its messages' topic) do not show their people as in it.
///
/// ```
/// assert_eq!(chat::here_topic("help"), "here:help");
/// ```
pub fn here_topic(room: &str) -> String {
    format!("here:{room}")
}

/// The app on `store`: `/` (the first room; `?name=Ana` names you), each
/// room at `/rooms/<name>` with its messages at `/rooms/<name>/messages`,
/// the socket and rtux's assets. Only the rooms of [`ROOMS`] can be joined.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let dir = std::env::temp_dir().join(format!("chat-doc-{}.db", std::process::id()));
/// let store = rtux::store::Store::sqlite(&dir).await.expect("store");
/// let app = chat::app("a secret of at least thirty-two bytes!", store).expect("app");
/// # let _ = app;
/// # }
/// ```
///
/// # Errors
/// A secret shorter than 32 bytes.
pub fn app(secret: &str, store: Store) -> Result<Router, BuildError> {
    let mut endpoint = Endpoint::builder(secret)
        .presence(Viewer::config())
        .views(page::views());
    for (room, _) in ROOMS {
        endpoint = endpoint
            .resource::<Message>(&messages_topic(room), &store)
            .channel(&here_topic(room), PresenceChannel::<Viewer>::new());
    }
    let endpoint = endpoint.build()?;
    let state = page::Chat {
        endpoint: endpoint.clone(),
        store,
    };
    Ok(Router::new()
        .route("/", get(page::first_room))
        .route("/rooms/{room}", get(page::room))
        .route("/rooms/{room}/messages", get(page::messages))
        .with_state(state)
        .merge(endpoint.router()))
}

/// Says hello in an empty first room, so a first visit shows how it works.
///
/// # Errors
/// The store failed.
pub async fn seed(store: &Store) -> Result<(), StoreError> {
    let general = messages_topic(ROOMS[0].0);
    if !store.list(&general).await?.is_empty() {
        return Ok(());
    }
    let text = "Welcome! Open this room in a second window under another name (add ?name=… to its address) to chat with yourself.";
    store
        .insert(&general, None, serde_json::json!({ "text": text }))
        .await?;
    Ok(())
}
