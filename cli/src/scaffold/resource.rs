//! `rtux gen resource`: the struct, its views, routes, channel and view tests.

use std::path::Path;
use std::time::Duration;

use heck::ToTitleCase;
use rtux_rules::{ActionKind, Vocabulary};
use serde_json::{Value, json};

use super::ScaffoldError;
use super::plan::Plan;
use super::views::ViewTest;
use super::{formatted, manifest, markers, read, render, resource_tests, rustfmt};
use crate::fields::{Field, Kind};
use crate::names;

/// How concurrent edits of one record are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Conflict {
    /// Field-by-field merge; a panel for fields both sides changed.
    Merge,
    /// Merge, and a form is locked while someone edits it ("Ana is editing").
    Lock,
    /// A save from an old version is refused with the current record.
    Version,
}

/// What a delete does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delete {
    /// Undoable within the window.
    Undo(Duration),
    /// The user confirms; then it runs at once.
    Confirm,
}

/// What `rtux gen resource` needs (names and fields checked).
pub(crate) struct NewResource<'a> {
    pub(crate) root: &'a Path,
    pub(crate) name: &'a str,
    pub(crate) fields: &'a [Field],
    /// The presence meta type tracked on the resource's topic.
    pub(crate) presence: Option<String>,
    pub(crate) conflict: Conflict,
    pub(crate) delete: Delete,
    pub(crate) toggles: &'a [String],
    pub(crate) increments: &'a [String],
    pub(crate) server_owned: &'a [String],
    /// Reference fields emptied when their record is deleted.
    pub(crate) clear_on_delete: &'a [String],
    pub(crate) topic_prefix: String,
    /// The plural in snake_case (`tasks`, or `--plural people`).
    pub(crate) plural: String,
    /// For signed-in people only (`rtux gen auth` has run, no `--public`).
    pub(crate) signed_in: bool,
}

impl NewResource<'_> {
    /// A sample record's data: each field's sample (`n` tells samples apart).
    pub(crate) fn sample_data(&self, n: usize) -> Value {
        Value::Object(
            self.fields
                .iter()
                .map(|f| (f.name.clone(), f.sample(n)))
                .collect(),
        )
    }

    fn field(&self, name: &str, flag: &'static str) -> Result<&Field, ScaffoldError> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| ScaffoldError::NoSuchField {
                flag,
                name: name.to_owned(),
                fields: self.names(),
            })
    }

    fn names(&self) -> String {
        self.fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Checks the flags against the fields.
    fn check(&self) -> Result<(), ScaffoldError> {
        if self.fields.is_empty() {
            return Err(ScaffoldError::NoFields);
        }
        for (i, f) in self.fields.iter().enumerate() {
            if self.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(ScaffoldError::Twice(f.name.clone()));
            }
        }
        for t in self.toggles {
            if self.field(t, "toggle")?.kind != Kind::Bool {
                return Err(ScaffoldError::Toggle(t.clone()));
            }
        }
        for t in self.increments {
            if self.field(t, "increment")?.kind != Kind::Integer {
                return Err(ScaffoldError::Increment(t.clone()));
            }
        }
        for t in self.server_owned {
            self.field(t, "server-owned")?;
        }
        for t in self.clear_on_delete {
            if !matches!(self.field(t, "clear-on-delete")?.kind, Kind::Reference(_)) {
                return Err(ScaffoldError::ClearOnDelete(t.clone()));
            }
        }
        Ok(())
    }

    /// The label the `n`th sample record's patches carry, if the resource
    /// has a label field.
    pub(crate) fn label_sample(&self, n: usize) -> Option<String> {
        rtux::action::label_text(&self.label()?.sample(n))
    }

    /// The field that names a record: the first string or text field.
    fn label(&self) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| matches!(f.kind, Kind::String | Kind::Text))
    }

    /// Whether a text field must be filled, and its most characters (none
    /// for other kinds): the label field is required (200), other strings
    /// take 500, texts 10,000, a reference that may not be empty its id.
    fn text_bounds(&self, f: &Field, optional: bool) -> (bool, Option<usize>) {
        let label = self.label().is_some_and(|l| l.name == f.name);
        match f.kind {
            Kind::String if label => (true, Some(200)),
            Kind::String => (false, Some(500)),
            Kind::Text => (label, Some(10_000)),
            Kind::Reference(_) if !optional => (true, Some(rtux::action::MAX_ID_BYTES)),
            _ => (false, None),
        }
    }

    /// What a reference field needs of the resource it names: the Rust path
    /// of its topic, the topic, and its label field.
    fn referenced(&self, other: &str) -> Result<Value, ScaffoldError> {
        if other == self.name {
            return Err(ScaffoldError::SelfReference(other.to_owned()));
        }
        let snake = names::snake(other);
        let module = format!("src/{snake}.rs");
        let source = std::fs::read_to_string(self.root.join(&module)).map_err(|_| {
            ScaffoldError::NoModule {
                other: other.to_owned(),
                module: module.clone(),
            }
        })?;
        let topic = source
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("pub const PAGE_TOPIC: &str = \"")?
                    .strip_suffix("\";")
            })
            .ok_or_else(|| ScaffoldError::NoPageTopic {
                other: other.to_owned(),
                module: module.clone(),
            })?;
        Ok(json!({
            "path": format!("crate::{snake}::PAGE_TOPIC"),
            "topic": topic,
            "label": label_of(&source),
            "words": snake.replace('_', " "),
            "snake": snake,
        }))
    }

    /// The `#[rtux(...)]` keys of a field.
    fn attrs(&self, f: &Field, context: &Value) -> Vec<String> {
        let mut keys = Vec::new();
        if self.label().is_some_and(|l| l.name == f.name) {
            keys.push("label".into());
        }
        if let Some(path) = context["referenced"]["path"].as_str() {
            keys.push(format!("references = {path}"));
            if self.clear_on_delete.contains(&f.name) {
                keys.push("on_delete = \"clear\"".into());
            }
        }
        if let Some(shape) = context["skeleton"].as_str() {
            keys.push(format!("skeleton = \"{shape}\""));
        }
        if self.toggles.contains(&f.name) {
            keys.push("optimistic = \"toggle\"".into());
        }
        if self.increments.contains(&f.name) {
            keys.push("optimistic = \"increment\"".into());
        }
        if self.server_owned.contains(&f.name) {
            keys.push("merge = \"skip\"".into());
        }
        if keys.is_empty() {
            Vec::new()
        } else {
            vec![format!("#[rtux({})]", keys.join(", "))]
        }
    }
}

/// The label field of a generated resource's module: the field after
/// `#[rtux(label…)]`, else the first `String` field, else the id.
fn label_of(source: &str) -> String {
    let field = |l: &str| {
        let rest = l.trim().strip_prefix("pub ")?;
        let (name, ty) = rest.split_once(':')?;
        Some((
            name.trim().to_owned(),
            ty.trim().trim_end_matches(',').to_owned(),
        ))
    };
    let mut marked = false;
    for line in source.lines() {
        let t = line.trim();
        if t.starts_with("#[rtux(") && t.contains("label") {
            marked = true;
        } else if let Some((name, _)) = field(t).filter(|_| marked) {
            return name;
        }
    }
    source
        .lines()
        .filter_map(field)
        .find(|(name, ty)| name != "id" && ty == "String")
        .map_or_else(|| "id".to_owned(), |(name, _)| name)
}

/// Field names with their labels.
fn labelled(names: &[String]) -> Vec<Value> {
    names
        .iter()
        .map(|n| json!({ "name": n, "label": n.to_title_case(), "kebab": n.replace('_', "-") }))
        .collect()
}

/// One sample record of the resource, as item views take it.
fn sample(r: &NewResource, topic: &str, n: usize) -> Value {
    let id = format!("r{n}");
    json!({ "record": { "id": id, "version": n, "data": r.sample_data(n) }, "dom_id": rtux::action::dom_id(topic, &id) })
}

/// The resource's files and the edits that register it.
///
/// # Errors
/// A flag that does not fit the fields, a file in the way, or a marker gone.
pub(crate) fn resource(r: &NewResource, crate_name: &str) -> Result<Plan, ScaffoldError> {
    r.check()?;
    let snake = names::snake(r.name);
    let plural = r.plural.clone();
    let page_topic = format!("{}:all", r.topic_prefix);
    let fields: Vec<Value> = r
        .fields
        .iter()
        .map(|f| {
            let mut c = f.context(r.name);
            if let Kind::Reference(other) = &f.kind {
                c["referenced"] = r.referenced(other)?;
                if r.clear_on_delete.contains(&f.name) {
                    c["rust_type"] = json!("Option<String>");
                    c["optional"] = json!(true);
                }
            }
            c["attrs"] = json!(r.attrs(f, &c));
            let (required, max_chars) = r.text_bounds(f, c["optional"] == true);
            c["required"] = json!(required);
            c["max_chars"] = json!(max_chars);
            c["toggled"] = json!(r.toggles.contains(&f.name));
            Ok(c)
        })
        .collect::<Result<_, ScaffoldError>>()?;
    let mut context = json!({
        "name": r.name,
        "snake": snake,
        "snake_words": snake.replace('_', " "),
        "kebab": snake.replace('_', "-"),
        "kebab_plural": plural.replace('_', "-"),
        "plural": plural,
        "plural_words": plural.replace('_', " "),
        "title": names::title(&plural),
        "topic_prefix": r.topic_prefix,
        "checked": fields.iter().any(|f| !f["max_chars"].is_null()),
        "fields": fields,
        "toggles": labelled(r.toggles),
        "increments": labelled(r.increments),
        "presence": r.presence,
        "save_kind": if r.conflict == Conflict::Version { ActionKind::Pending } else { ActionKind::Editable }.name(),
        "lock": r.conflict == Conflict::Lock,
        "delete": match r.delete {
            Delete::Undo(w) => format!(
                "kind = \"{}\", undo_window = \"{}\"",
                ActionKind::UndoableDelete.name(),
                humantime::format_duration(w)
            ),
            Delete::Confirm => format!("kind = \"{}\"", ActionKind::ConfirmedDelete.name()),
        },
        "confirm_delete": r.delete == Delete::Confirm,
        "signed_in": r.signed_in,
    });
    resource_tests::context(r, crate_name, &mut context);
    let mut plan = Plan::new(r.root);
    let module = format!("src/{snake}.rs");
    plan.create(
        module.as_str(),
        formatted(
            &module,
            render::render("resource/src/resource.rs", &context)?,
        ),
    );
    let mut views = Vec::new();
    for view in ["item", "list", "page"] {
        let name = format!("{snake}/{view}.html");
        let content = render::render(&format!("resource/views/{view}.html"), &context)?;
        views.push((name.clone(), content.clone()));
        plan.create(format!("views/{name}"), content);
    }
    let live_test = format!("tests/{snake}.rs");
    plan.create(
        live_test.as_str(),
        formatted(
            &live_test,
            render::render("resource/tests/resource.rs", &context)?,
        ),
    );
    for (path, content) in resource_tests::snapshots(r, &snake, &page_topic, &views)? {
        plan.create(path, content);
    }

    let lib = markers::insert_before(
        &read(r.root, "src/lib.rs")?,
        "src/lib.rs",
        "// rtux:modules",
        &format!("pub mod {snake};"),
    )?;
    plan.modify("src/lib.rs", rustfmt(lib));
    let path = format!("crate::{snake}::{}", r.name);
    let app = read(r.root, "src/app.rs")?;
    let mut channel = format!(".resource::<{path}>(crate::{snake}::PAGE_TOPIC, &store)");
    if r.signed_in {
        channel.push_str(&format!(
            "\n.guard(\"{}:*\", crate::auth::signed_in)",
            r.topic_prefix
        ));
    }
    let app = markers::insert_before(&app, "src/app.rs", "// rtux:channels", &channel)?;
    let app = markers::insert_before(
        &app,
        "src/app.rs",
        "// rtux:routes",
        &format!(".merge(crate::{snake}::routes())"),
    )?;
    plan.modify("src/app.rs", rustfmt(app));
    let mut views_rs = read(r.root, "src/views.rs")?;
    for (name, _) in &views {
        let line = format!("(\"{name}\", include_str!(\"../views/{name}\")),");
        views_rs = markers::insert_before(&views_rs, "src/views.rs", "// rtux:views", &line)?;
    }
    plan.modify("src/views.rs", rustfmt(views_rs));
    let styles = markers::insert_before(
        &read(r.root, "static/app.css")?,
        "static/app.css",
        "/* rtux:styles",
        render::render("resource/static/styles.css", &context)?.trim_end(),
    )?;
    plan.modify("static/app.css", styles);
    // Linked from every page's nav, and described in the README.
    let layout = markers::insert_before(
        &read(r.root, "views/layout.html")?,
        "views/layout.html",
        "{# rtux:pages",
        &format!("<a href=\"/{plural}\">{}</a>", names::title(&plural)),
    )?;
    let mut app_views = super::views::app_views(r.root)?;
    super::views::replace_view(&mut app_views, "layout.html", &layout);
    plan.modify("views/layout.html", layout);
    let (path, content) = super::app::layout_test().snapshot(crate_name, &app_views)?;
    plan.modify(path, content);
    let who = if r.signed_in {
        "for signed-in people"
    } else {
        "open to anyone"
    };
    let line = format!(
        "- `/{plural}`: {} (`{module}`, `rtux gen resource {}`): {}; {who}",
        plural.replace('_', " "),
        r.name,
        r.names()
    );
    let suggested = format!("rtux gen resource {} ", r.name);
    plan.modify(
        "README.md",
        markers::readme(&read(r.root, "README.md")?, &line, &[&suggested]),
    );
    let wanted: Vec<(&str, &str)> = r.fields.iter().filter_map(Field::dependency).collect();
    let manifest =
        manifest::with_dependencies(&read(r.root, "Cargo.toml")?, "dependencies", &wanted)?;
    plan.modify("Cargo.toml", manifest);

    let mut page = json!({ "topic": page_topic, "list": "[list]" });
    if r.presence.is_some() {
        page["presence"] = json!("[presence]");
    }
    let tests = vec![
        ViewTest::new(
            &format!("{snake}_item"),
            &format!("{snake}/item.html"),
            sample(r, &page_topic, 1),
        ),
        ViewTest::new(
            &format!("{snake}_list_empty"),
            &format!("{snake}/list.html"),
            json!({ "items": [] }),
        ),
        ViewTest::new(
            &format!("{snake}_list"),
            &format!("{snake}/list.html"),
            json!({ "items": [sample(r, &page_topic, 1), sample(r, &page_topic, 2)] }),
        ),
        ViewTest::new(
            &format!("{snake}_page"),
            &format!("{snake}/page.html"),
            page,
        ),
    ];
    let tests_rs = read(r.root, "tests/views.rs")?;
    let tests_rs = super::views::add_tests(&mut plan, tests_rs, &tests, crate_name, &views)?;
    plan.modify("tests/views.rs", rustfmt(tests_rs));
    plan.check_free()?;
    Ok(plan)
}
