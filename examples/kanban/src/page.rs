//! The board page: who is here, three columns of cards in rank order.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use rtux::Endpoint;
use rtux::auth::Visitor;
use rtux::store::{Record, Store};
use rtux::ui::Views;
use rtux::ui::minijinja::{Environment, context};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{BOARD, COLUMNS};

/// What the page needs: the endpoint (tokens, presence) and the store.
#[derive(Clone)]
pub(crate) struct Board {
    pub(crate) endpoint: Endpoint,
    pub(crate) store: Store,
}

/// `?name=Ana`.
#[derive(Deserialize)]
pub(crate) struct Named {
    name: Option<String>,
}

/// The views: the page, and the card (which the resource renders in patches).
pub(crate) fn views() -> Views {
    static ENV: OnceLock<Views> = OnceLock::new();
    let env = ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in [
            ("board.html", include_str!("../views/board.html")),
            ("card.html", include_str!("../views/card.html")),
        ] {
            env.add_template(name, source)
                .unwrap_or_else(|e| unreachable!("views/{name} parses: {e}"));
        }
        Arc::new(env)
    });
    Arc::clone(env)
}

/// `GET /`: the board, for the visitor of the cookie (or a new one), with a
/// socket token for them.
pub(crate) async fn board(
    State(board): State<Board>,
    Query(named): Query<Named>,
    headers: HeaderMap,
) -> Response {
    let cards = match board.store.list(BOARD).await {
        Ok(cards) => cards,
        Err(e) => {
            eprintln!("the cards could not be read: {e}");
            let text = "The board could not be loaded: try again in a moment.";
            return (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
        }
    };
    let tokens = board.endpoint.tokens();
    let visitor = Visitor::from_headers(tokens, &headers, named.name.as_deref());
    let token = tokens.issue(
        &visitor.id,
        Some(&visitor.name),
        Duration::from_secs(12 * 3600),
    );
    let here = board.endpoint.presence().list(BOARD);
    let html = views()
        .get_template("board.html")
        .and_then(|t| {
            t.render(context! {
                name => visitor.name,
                token,
                topic => BOARD,
                columns => columns(&cards),
                assets => rtux::ui::assets_tags(),
                banner => rtux::ui::connection_banner(),
                presence => rtux::ui::presence(BOARD, &here),
            })
        })
        .unwrap_or_else(|e| format!("the page could not be rendered: {e}"));
    let cookie = visitor.cookie(tokens, false);
    (AppendHeaders([(SET_COOKIE, cookie)]), Html(html)).into_response()
}

/// Each column with its cards in the order every page keeps: by rank, then
/// by DOM id (as rtux.js orders them).
fn columns(cards: &[Record]) -> Vec<Value> {
    COLUMNS
        .iter()
        .map(|(list, heading)| {
            let mut items: Vec<(String, &Record)> = cards
                .iter()
                .filter(|r| r.data["column"] == *list)
                .map(|r| (rtux::action::dom_id(BOARD, &r.id), r))
                .collect();
            items.sort_by(|(a_id, a), (b_id, b)| {
                let rank = |r: &Record| r.data["rank"].as_str().unwrap_or_default().to_owned();
                rank(a).cmp(&rank(b)).then_with(|| a_id.cmp(b_id))
            });
            let items: Vec<Value> = items
                .into_iter()
                .map(|(dom_id, record)| json!({ "dom_id": dom_id, "record": record }))
                .collect();
            json!({ "list": list, "heading": heading, "items": items })
        })
        .collect()
}
