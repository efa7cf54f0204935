//! Pages and fragments: the minijinja templates in views/, autoescaped.

use std::sync::{Arc, OnceLock};

use rtux::store::Record;
use rtux::ui::{Html, Views};
use rtux::ui::minijinja::{Environment, context};
use serde::Serialize;
use serde_json::{Value, json};

use crate::notes::Note;
use crate::identity::Person;

/// The topic of the one board.
pub const BOARD_TOPIC: &str = "notes:board";

const VIEWS: &[(&str, &str)] = &[
    ("layout.html", include_str!("../views/layout.html")),
    ("board.html", include_str!("../views/board.html")),
    ("notes/item.html", include_str!("../views/notes/item.html")),
    ("notes/list.html", include_str!("../views/notes/list.html")),
    // rtux:views (rtux gen adds views above this line)
];

/// The app's views: one minijinja environment for the pages and for the
/// records the resources send in patches (their item views), so an include,
/// a macro or a filter added here works in both.
///
/// # Panics
/// If a view does not parse: a bug in the view, caught by `tests/views.rs`.
pub fn env() -> Views {
    static ENV: OnceLock<Views> = OnceLock::new();
    let views = ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in VIEWS {
            if let Err(e) = env.add_template(name, source) {
                panic!("views/{name} does not parse: {e:#}");
            }
        }
        Arc::new(env)
    });
    Arc::clone(views)
}

/// Renders the view `name` (a path under views/) with `context` (build it with
/// `context!`: what `rtux::ui` renders then goes in as it is, everything else
/// is escaped).
///
/// # Panics
/// If the view fails to render: a bug in the view, caught by `tests/views.rs`.
pub fn render(name: &str, context: impl Serialize) -> Html {
    match env().get_template(name).and_then(|t| t.render(context)) {
        // The views are autoescaped: their output is safe to put in a page.
        Ok(html) => Html::from_trusted(html),
        Err(e) => panic!("views/{name} failed to render: {e:#}"),
    }
}

/// A whole page around `body` (a view from [`render`]) for `person`.
pub fn page(person: &Person, token: &str, body: Html) -> Html {
    render(
        "layout.html",
        context! {
            title => "<< title >>",
            person => person,
            token => token,
            assets => rtux::ui::assets_tags(),
            banner => rtux::ui::connection_banner(),
            body => body,
        },
    )
}

/// The board: who is here, the form, and the notes (loaded behind skeletons).
pub fn board(presence: &Value) -> Html {
    render(
        "board.html",
        context! {
            topic => BOARD_TOPIC,
            presence => rtux::ui::presence(BOARD_TOPIC, presence),
            notes => rtux::ui::async_records::<Note>("/notes/list", 3),
        },
    )
}

/// The list of notes of `topic`.
pub fn notes_list(topic: &str, records: &[Record]) -> Html {
    render("notes/list.html", context! { items => items(topic, records) })
}

/// Each record with its DOM id, as item views take them.
pub fn items(topic: &str, records: &[Record]) -> Vec<Value> {
    records
        .iter()
        .map(|r| json!({ "record": r, "dom_id": rtux::action::dom_id(topic, &r.id) }))
        .collect()
}
