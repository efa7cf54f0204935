//! The document page: who is here, the heading, the sections.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use rtux::Endpoint;
use rtux::auth::Visitor;
use rtux::store::{Record, Store, StoreError};
use rtux::ui::Views;
use rtux::ui::minijinja::{Environment, context};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{HEADING, SECTIONS};

/// What the page needs: the endpoint (tokens, presence) and the store.
#[derive(Clone)]
pub(crate) struct Document {
    pub(crate) endpoint: Endpoint,
    pub(crate) store: Store,
}

/// `?name=Ana`.
#[derive(Deserialize)]
pub(crate) struct Named {
    name: Option<String>,
}

/// The views: the page, the heading and a section (which the resources
/// render in patches).
pub(crate) fn views() -> Views {
    static ENV: OnceLock<Views> = OnceLock::new();
    let env = ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in [
            ("document.html", include_str!("../views/document.html")),
            ("heading.html", include_str!("../views/heading.html")),
            ("section.html", include_str!("../views/section.html")),
        ] {
            env.add_template(name, source)
                .unwrap_or_else(|e| unreachable!("views/{name} parses: {e}"));
        }
        Arc::new(env)
    });
    Arc::clone(env)
}

/// `GET /`: the document, for the visitor of the cookie (or a new one), with
/// a socket token for them.
pub(crate) async fn document(
    State(doc): State<Document>,
    Query(named): Query<Named>,
    headers: HeaderMap,
) -> Response {
    let (heading, sections) = match read(&doc.store).await {
        Ok(both) => both,
        Err(e) => {
            eprintln!("the document could not be read: {e}");
            let text = "The document could not be loaded: try again in a moment.";
            return (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
        }
    };
    let tokens = doc.endpoint.tokens();
    let visitor = Visitor::from_headers(tokens, &headers, named.name.as_deref());
    let token = tokens.issue(
        &visitor.id,
        Some(&visitor.name),
        Duration::from_secs(12 * 3600),
    );
    let here = doc.endpoint.presence().list(SECTIONS);
    let html = views()
        .get_template("document.html")
        .and_then(|t| {
            t.render(context! {
                name => visitor.name,
                token,
                heading_topic => HEADING,
                sections_topic => SECTIONS,
                heading => items(HEADING, &heading),
                sections => items(SECTIONS, &sections),
                assets => rtux::ui::assets_tags(),
                banner => rtux::ui::connection_banner(),
                presence => rtux::ui::presence(SECTIONS, &here),
            })
        })
        .unwrap_or_else(|e| format!("the page could not be rendered: {e}"));
    let cookie = visitor.cookie(tokens, false);
    (AppendHeaders([(SET_COOKIE, cookie)]), Html(html)).into_response()
}

async fn read(store: &Store) -> Result<(Vec<Record>, Vec<Record>), StoreError> {
    Ok((store.list(HEADING).await?, store.list(SECTIONS).await?))
}

/// Each record with its DOM id, as the item views take them.
fn items(topic: &str, records: &[Record]) -> Vec<Value> {
    records
        .iter()
        .map(|r| json!({ "dom_id": rtux::action::dom_id(topic, &r.id), "record": r }))
        .collect()
}
