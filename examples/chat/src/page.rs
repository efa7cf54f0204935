//! The pages: a room (who is here, its messages loaded behind skeletons, the
//! other rooms with their unread counts) and a room's messages.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use rtux::Endpoint;
use rtux::auth::Visitor;
use rtux::store::Store;
use rtux::ui::Views;
use rtux::ui::minijinja::{Environment, context};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Message, ROOMS, here_topic, messages_topic};

/// What the pages need: the endpoint (tokens, presence) and the store.
#[derive(Clone)]
pub(crate) struct Chat {
    pub(crate) endpoint: Endpoint,
    pub(crate) store: Store,
}

/// `?name=Ana`.
#[derive(Deserialize)]
pub(crate) struct Named {
    name: Option<String>,
}

/// The views: the room page, its messages, a message (which the resources
/// render in patches).
pub(crate) fn views() -> Views {
    static ENV: OnceLock<Views> = OnceLock::new();
    let env = ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in [
            ("room.html", include_str!("../views/room.html")),
            ("messages.html", include_str!("../views/messages.html")),
            ("message.html", include_str!("../views/message.html")),
        ] {
            env.add_template(name, source)
                .unwrap_or_else(|e| unreachable!("views/{name} parses: {e}"));
        }
        Arc::new(env)
    });
    Arc::clone(env)
}

/// `GET /`: the first room (the query, such as `?name=Ana`, kept).
pub(crate) async fn first_room(OriginalUri(uri): OriginalUri) -> Redirect {
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    Redirect::to(&format!("/rooms/{}{query}", ROOMS[0].0))
}

/// `GET /rooms/<room>`: the room, for the visitor of the cookie (or a new
/// one), with a socket token for them. Its messages load after the page
/// (`/rooms/<room>/messages`), behind skeletons if that takes a while.
pub(crate) async fn room(
    State(chat): State<Chat>,
    Path(room): Path<String>,
    Query(named): Query<Named>,
    headers: HeaderMap,
) -> Response {
    let Some(title) = title_of(&room) else {
        return no_such_room(&room);
    };
    let tokens = chat.endpoint.tokens();
    let visitor = Visitor::from_headers(tokens, &headers, named.name.as_deref());
    let token = tokens.issue(
        &visitor.id,
        Some(&visitor.name),
        Duration::from_secs(12 * 3600),
    );
    let here = here_topic(&room);
    let people = chat.endpoint.presence().list(&here);
    let rooms: Vec<Value> = ROOMS
        .iter()
        .map(|(name, title)| {
            json!({ "name": name, "title": title, "topic": messages_topic(name), "current": *name == room })
        })
        .collect();
    let html = views()
        .get_template("room.html")
        .and_then(|t| {
            t.render(context! {
                name => visitor.name,
                token,
                room,
                title,
                rooms,
                topic => messages_topic(&room),
                here,
                assets => rtux::ui::assets_tags(),
                banner => rtux::ui::connection_banner(),
                presence => rtux::ui::presence(&here, &people),
                messages => rtux::ui::async_records::<Message>(&format!("/rooms/{room}/messages"), 4),
            })
        })
        .unwrap_or_else(|e| format!("the page could not be rendered: {e}"));
    let cookie = visitor.cookie(tokens, false);
    (AppendHeaders([(SET_COOKIE, cookie)]), Html(html)).into_response()
}

/// `GET /rooms/<room>/messages`: the room's first page of messages, oldest
/// first, each as the resource renders it (with its author, `by`).
pub(crate) async fn messages(State(chat): State<Chat>, Path(room): Path<String>) -> Response {
    if title_of(&room).is_none() {
        return no_such_room(&room);
    }
    let topic = messages_topic(&room);
    let records = match chat
        .store
        .page(&topic, None, rtux::action::PAGE_RECORDS)
        .await
    {
        Ok(records) => records,
        Err(e) => {
            eprintln!("the messages of {topic} could not be read: {e}");
            let text = "The messages could not be loaded: try again in a moment.";
            return (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
        }
    };
    let items: Vec<Value> = records
        .iter()
        .map(|r| json!({ "dom_id": rtux::action::dom_id(&topic, &r.id), "record": r, "by": r.updated_by }))
        .collect();
    let html = views()
        .get_template("messages.html")
        .and_then(|t| t.render(context! { items }))
        .unwrap_or_else(|e| format!("the messages could not be rendered: {e}"));
    Html(html).into_response()
}

fn title_of(room: &str) -> Option<&'static str> {
    ROOMS
        .iter()
        .find_map(|(name, title)| (*name == room).then_some(*title))
}

/// 404, naming the rooms there are (the name asked for is only ever text).
fn no_such_room(room: &str) -> Response {
    let rooms: Vec<&str> = ROOMS.iter().map(|(name, _)| *name).collect();
    let text = format!(
        "There is no room {room:?} here. The rooms are {}: open /rooms/{}.",
        rooms.join(", "),
        rooms[0]
    );
    (StatusCode::NOT_FOUND, text).into_response()
}
