//! `rtux new`: the whole app.

use std::path::Path;

use serde_json::{Value, json};

use super::ScaffoldError;
use super::plan::Plan;
use super::views::ViewTest;
use super::{formatted, render};
use crate::names;

/// What `rtux new` needs.
pub(crate) struct NewApp<'a> {
    pub(crate) root: &'a Path,
    pub(crate) crate_name: &'a str,
    /// The `rtux = …` line of Cargo.toml.
    pub(crate) rtux_dependency: String,
    pub(crate) dev_secret: String,
    /// PostgreSQL by default instead of a SQLite file (`--db postgres`).
    pub(crate) postgres: bool,
}

/// The topic of the board's notes (as in templates/new/src/views.rs).
const BOARD_TOPIC: &str = "notes:board";

fn note(id: &str, version: i64, title: &str, body: &str, done: bool) -> Value {
    json!({
        "record": { "id": id, "version": version, "data": { "title": title, "body": body, "done": done } },
        "dom_id": rtux::action::dom_id(BOARD_TOPIC, id),
    })
}

/// The layout's view test (`rtux gen auth` renders its snapshot again).
pub(crate) fn layout_test() -> ViewTest {
    let person = json!({ "id": "v-1", "name": "Ana", "session": null, "form_token": null });
    ViewTest::new(
        "layout",
        "layout.html",
        json!({ "title": "Board", "person": person, "token": "TOKEN", "assets": "[rtux assets]", "banner": "[connection banner]", "body": "[page]" }),
    )
}

/// The view tests a new app ships with.
fn view_tests() -> Vec<ViewTest> {
    let first = note(
        "n1",
        3,
        "Plan <b>Q3</b>",
        "Draft & \"notes\"\nsecond line",
        true,
    );
    let second = note("n2", 1, "Call Bo", "", false);
    vec![
        layout_test(),
        ViewTest::new(
            "board",
            "board.html",
            json!({ "topic": BOARD_TOPIC, "presence": "[presence]", "notes": "[notes]" }),
        ),
        ViewTest::new("notes_item", "notes/item.html", first.clone()),
        ViewTest::new(
            "notes_list_empty",
            "notes/list.html",
            json!({ "items": [] }),
        ),
        ViewTest::new(
            "notes_list",
            "notes/list.html",
            json!({ "items": [first, second] }),
        ),
    ]
}

/// Every file of a new app, rendered.
///
/// # Errors
/// A template that fails: a bug in rtux.
pub(crate) fn new_app(app: &NewApp) -> Result<Plan, ScaffoldError> {
    let tests = view_tests();
    let context = json!({
        "crate_name": app.crate_name,
        "title": names::title(app.crate_name),
        "rtux_dependency": app.rtux_dependency,
        "rtux_dev_dependency": with_testing(&app.rtux_dependency),
        "dev_secret": app.dev_secret,
        "view_tests": tests.iter().map(ViewTest::template_context).collect::<Vec<_>>(),
        "db": if app.postgres { "postgres" } else { "sqlite" },
        "default_database_url": if app.postgres {
            format!("postgres://postgres@127.0.0.1:5432/{}", app.crate_name)
        } else {
            format!("sqlite:{}.db", app.crate_name)
        },
        "test_database_server": if app.postgres {
            "postgres://postgres@127.0.0.1:5432/postgres"
        } else {
            "sqlite:"
        },
    });
    let mut plan = Plan::new(app.root);
    let mut views = Vec::new();
    for template in render::files_under("new") {
        let path = template.trim_start_matches("new/");
        // Stored under other names: a `.gitignore` would apply to the
        // templates themselves, and a `Cargo.toml` would make Cargo leave the
        // folder out of the CLI's package.
        let path = match path {
            "gitignore" => ".gitignore",
            "Cargo.toml.in" => "Cargo.toml",
            other => other,
        };
        let content = formatted(path, render::render(&template, &context)?);
        if let Some(view) = path.strip_prefix("views/") {
            views.push((view.to_owned(), content.clone()));
        }
        plan.create(path, content);
    }
    for test in &tests {
        let (path, content) = test.snapshot(app.crate_name, &views)?;
        plan.create(path, content);
    }
    Ok(plan)
}

/// The `rtux = …` line of `[dev-dependencies]`: the same rtux with its
/// `testing` feature, for the app's tests.
fn with_testing(dependency: &str) -> String {
    match dependency.strip_suffix(" }") {
        Some(table) => format!("{table}, features = [\"testing\"] }}"),
        None => {
            let version = dependency.trim_start_matches("rtux = ");
            format!("rtux = {{ version = {version}, features = [\"testing\"] }}")
        }
    }
}
