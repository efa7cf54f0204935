//! The canvas page: who is here, the canvas, everyone's cursors.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use rtux::Endpoint;
use rtux::auth::Visitor;
use rtux::ui::minijinja::{Environment, context};
use serde::Deserialize;

use crate::CANVAS;

/// `?name=Ana`.
#[derive(Deserialize)]
pub(crate) struct Named {
    name: Option<String>,
}

fn views() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.add_template("canvas.html", include_str!("../views/canvas.html"))
            .unwrap_or_else(|e| unreachable!("views/canvas.html parses: {e}"));
        env
    })
}

/// `GET /`: the canvas, for the visitor of the cookie (or a new one), with a
/// socket token for them.
pub(crate) async fn canvas(
    State(endpoint): State<Endpoint>,
    Query(named): Query<Named>,
    headers: HeaderMap,
) -> impl IntoResponse {
    let tokens = endpoint.tokens();
    let visitor = Visitor::from_headers(tokens, &headers, named.name.as_deref());
    let token = tokens.issue(
        &visitor.id,
        Some(&visitor.name),
        Duration::from_secs(12 * 3600),
    );
    let here = endpoint.presence().list(CANVAS);
    let html = views()
        .get_template("canvas.html")
        .and_then(|t| {
            t.render(context! {
                name => visitor.name,
                token,
                topic => CANVAS,
                assets => rtux::ui::assets_tags(),
                banner => rtux::ui::connection_banner(),
                presence => rtux::ui::presence(CANVAS, &here),
            })
        })
        .unwrap_or_else(|e| format!("the page could not be rendered: {e}"));
    let cookie = visitor.cookie(tokens, false);
    (
        AppendHeaders([(SET_COOKIE, cookie)]),
        axum::response::Html(html),
    )
}
