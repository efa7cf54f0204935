//! Server-rendered UI components: minijinja templates, autoescaped, that pages
//! include or that the browser client swaps in.

use std::sync::OnceLock;

use minijinja::{Environment, context};

/// The template engine of rtux's components, for the app's own views: using
/// this one keeps an app's views on the very version rtux renders with.
pub use minijinja;
use serde_json::Value;

mod colour;
mod html;
mod skeleton;
mod text;

pub use colour::{PALETTE, colour_among, colour_for};
pub use html::Html;
pub use skeleton::SkeletonView;
pub use text::{AVATARS_SHOWN, WORDS, avatar_overflow, typing_text, viewing_text};

/// An app's views: the minijinja environment its pages render with, shared
/// with its resources so patches render the same way
/// ([`ResourceBuilder::item_view`](crate::action::ResourceBuilder::item_view)).
pub type Views = std::sync::Arc<Environment<'static>>;

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` names turn autoescaping on.
        let templates = [
            ("assets.html", include_str!("templates/assets.html")),
            (
                "async_result.html",
                include_str!("templates/async_result.html"),
            ),
            ("progress.html", include_str!("templates/progress.html")),
            ("skeleton.html", include_str!("templates/skeleton.html")),
            (
                "conflict_panel.html",
                include_str!("templates/conflict_panel.html"),
            ),
            ("connection.html", include_str!("templates/connection.html")),
            ("lock_badge.html", include_str!("templates/lock_badge.html")),
            ("presence.html", include_str!("templates/presence.html")),
            ("components.html", include_str!("templates/components.html")),
        ];
        for (name, source) in templates {
            if let Err(e) = env.add_template(name, source) {
                unreachable!("built-in template {name} does not parse: {e}");
            }
        }
        env.add_filter("shown", shown);
        env.add_filter("json", |value: minijinja::Value| {
            serde_json::to_string(&value).unwrap_or_default()
        });
        env
    })
}

/// A field value as a person reads it: text as is, yes or no for a boolean,
/// nothing for a removed field, anything else as JSON.
fn shown(value: minijinja::Value) -> String {
    if let Some(text) = value.as_str() {
        return text.to_owned();
    }
    if value.kind() == minijinja::value::ValueKind::Bool {
        return if value.is_true() { "yes" } else { "no" }.to_owned();
    }
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    serde_json::to_string(&value).unwrap_or_default()
}

fn render(name: &str, ctx: minijinja::Value) -> Html {
    render_builtin(env(), name, ctx)
}

/// Renders one of rtux's own templates (the components', the dashboard's):
/// they render any context, so a failure is a bug in rtux, logged (and an
/// assertion in debug builds), leaving the part empty.
pub(crate) fn render_builtin(env: &Environment<'_>, name: &str, ctx: minijinja::Value) -> Html {
    let html = env
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| {
            debug_assert!(false, "built-in template {name} failed to render: {e:#}");
            tracing::error!("built-in template {name} failed to render: {e:#}");
            String::new()
        });
    Html::from_trusted(html)
}

/// The `<link>` and `<script>` of the browser client, with hashed URLs, and
/// what rtux.js shows that the server owns: the words ([`WORDS`]) and the
/// markup of avatars and lock badges, as `<template>`s it fills in. Put it in
/// the page's `<head>`.
///
/// ```
/// let tags = rtux::ui::assets_tags();
/// assert!(tags.contains(&rtux::assets::assets().js));
/// assert!(tags.contains(r#"<template data-rtux-tpl="avatar"><span class="rtux-avatar""#));
/// assert!(tags.contains(r#""typing_one":"{a} is typing""#));
/// ```
pub fn assets_tags() -> Html {
    // The same for every page of this build: made once.
    static TAGS: OnceLock<Html> = OnceLock::new();
    TAGS.get_or_init(|| {
        let words: serde_json::Map<String, Value> = WORDS
            .iter()
            .map(|(key, phrase)| ((*key).to_owned(), Value::from(*phrase)))
            .collect();
        let ui = serde_json::json!({ "words": words, "avatars_shown": AVATARS_SHOWN });
        // Inside <script> nothing is unescaped: keep `<`, `>` and `&` out of it.
        let ui = ui
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026");
        let ctx = context! {
            js => crate::assets::script_url(),
            css => crate::assets::stylesheet_url(),
            ui => Html::from_trusted(ui),
        };
        render("assets.html", ctx)
    })
    .clone()
}

/// The connection banner (shown by rtux.js after 2 s offline, extended after
/// 15 s) and the "new version" notice; put it inside the `[data-rtux-app]`
/// element.
pub fn connection_banner() -> Html {
    render("connection.html", context! {})
}

/// The presence block of a topic, rendered from its presence list (the shape
/// of `Presence::list`): the avatar stack (first 5, then "+N"; idle and stale
/// dimmed), "N people viewing" and the typing line, which rtux.js keeps live.
///
/// ```
/// let list = serde_json::json!({"ana": {"metas": [{"name": "Ana", "color": "#2563EB", "status": "active"}]}});
/// let html = rtux::ui::presence("doc:1", &list);
/// assert!(html.contains("1 person viewing"));
/// ```
pub fn presence(topic: &str, list: &Value) -> Html {
    let people: Vec<Value> = list
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(key, v)| {
                    let meta = v["metas"].get(0)?;
                    let name = meta["name"].as_str().unwrap_or(key);
                    let initial: String = name
                        .chars()
                        .next()
                        .map(|c| c.to_uppercase().collect())
                        .unwrap_or_default();
                    Some(serde_json::json!({
                        "key": key, "name": name, "initial": initial,
                        "color": meta["color"], "status": meta["status"], "stale": meta["stale"],
                    }))
                })
                .collect()
        })
        .unwrap_or_default();
    let shown: Vec<&Value> = people.iter().take(AVATARS_SHOWN).collect();
    let ctx = context! {
        topic => topic,
        shown => shown,
        overflow => avatar_overflow(people.len()),
        viewing => viewing_text(people.len()),
    };
    render("presence.html", ctx)
}

/// A skeleton placeholder's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skeleton {
    /// A block (an image, a chart).
    Block,
    /// `n` lines of text, the last one shorter.
    Lines(usize),
    /// An avatar and three lines.
    Card,
    /// A table of `rows` × `columns`.
    Table {
        /// Rows.
        rows: usize,
        /// Columns.
        columns: usize,
    },
    /// A round avatar.
    Avatar,
    /// A heading: one short, tall line.
    Title,
    /// A pill (a status, a tag, a yes/no).
    Badge,
    /// A short number.
    Number,
    /// An image (16:9).
    Image,
}

/// A skeleton placeholder (shimmering grey shapes, hidden from screen readers).
///
/// ```
/// use rtux::ui::{Skeleton, skeleton};
/// assert_eq!(skeleton(Skeleton::Lines(2)).matches("rtux-skeleton--text").count(), 2);
/// ```
pub fn skeleton(shape: Skeleton) -> Html {
    let (name, lines, rows, columns) = match shape {
        Skeleton::Block => ("block", 0, 0, 0),
        Skeleton::Avatar => ("avatar", 0, 0, 0),
        Skeleton::Title => ("title", 0, 0, 0),
        Skeleton::Badge => ("badge", 0, 0, 0),
        Skeleton::Number => ("number", 0, 0, 0),
        Skeleton::Image => ("image", 0, 0, 0),
        Skeleton::Card => ("card", 0, 0, 0),
        Skeleton::Lines(n) => ("lines", n.min(50), 0, 0),
        Skeleton::Table { rows, columns } => ("table", 0, rows.min(100), columns.min(20)),
    };
    render(
        "skeleton.html",
        context! { shape => name, lines => lines, rows => rows, columns => columns },
    )
}

/// The skeleton of one record, `of` a kind (`data-rtux-skeleton-of`), field
/// by field in order: what a list shows while its records load. The
/// [`SkeletonView`] derive writes the shapes.
///
/// ```
/// use rtux::ui::{Skeleton, record_skeleton};
/// let html = record_skeleton("note", &[Skeleton::Title, Skeleton::Lines(2), Skeleton::Badge]);
/// assert!(html.contains("rtux-skeleton--title") && html.contains("rtux-skeleton--badge"));
/// ```
pub fn record_skeleton(of: &str, fields: &[Skeleton]) -> Html {
    let fields: String = fields
        .iter()
        .map(|&shape| skeleton(shape).into_string())
        .collect();
    let ctx = context! { shape => "record", of => of, fields => Html::from_trusted(fields) };
    render("skeleton.html", ctx)
}

/// An async result: rtux.js fetches `url` (an HTML fragment) and shows it; the
/// skeleton appears only if the load takes over 200 ms and then stays at least
/// 300 ms; a failure shows a retry button.
///
/// ```
/// use rtux::ui::{Skeleton, async_result};
/// let html = async_result("/reports/7", Skeleton::Table { rows: 3, columns: 4 });
/// assert!(html.contains(r#"data-rtux-async="&#x2f;reports&#x2f;7""#));
/// ```
pub fn async_result(url: &str, placeholder: Skeleton) -> Html {
    async_with(url, skeleton(placeholder))
}

/// An async result whose placeholder is `count` record skeletons of a kind
/// ([`SkeletonView`], derived with the resource): a
/// loading list that has the shape of the list to come.
///
/// ```
/// use rtux::ui::SkeletonView;
/// use rtux::ui::Skeleton;
/// struct Note;
/// impl SkeletonView for Note {
///     const KIND: &'static str = "Note";
///     const SHAPES: &'static [Skeleton] = &[Skeleton::Title, Skeleton::Lines(2)];
/// }
/// let html = rtux::ui::async_records::<Note>("/notes/list", 3);
/// assert_eq!(html.matches("rtux-skeleton-record").count(), 3);
/// ```
pub fn async_records<S: SkeletonView>(url: &str, count: usize) -> Html {
    async_with(url, S::skeletons(count))
}

/// The async result around a placeholder rendered by rtux itself.
fn async_with(url: &str, placeholder: Html) -> Html {
    let ctx = context! { url => url, skeleton => placeholder };
    render("async_result.html", ctx)
}

/// A progress bar for a long operation, fed by `rtux:progress {id, done,
/// total, label}` pushes on the resource's topic; hidden when done.
///
/// ```
/// assert!(rtux::ui::progress("import-1", "Importing…").contains(r#"data-rtux-progress="import-1""#));
/// ```
pub fn progress(id: &str, label: &str) -> Html {
    render("progress.html", context! { id => id, label => label })
}

/// The conflict panel for the `conflict` object of a conflict reply: who
/// changed the record while the viewer was editing ("You, in another window"
/// when `mine`: the viewer's own other tab), which of the viewer's changes are
/// saved already, and per conflicting field their value with "Keep yours" and
/// "Take Ana's". The form's own inputs keep the viewer's values (rtux.js puts
/// them back, names each field by its label and marks its input): one way to
/// save, the form's own.
///
/// ```
/// use serde_json::json;
/// let conflict = json!({"version": 3, "by": {"user": "ana", "name": "Ana"}, "fields": [
///     {"field": "body", "base": "a", "yours": "<b>mine</b>", "theirs": "<i>hers</i>"}]});
/// let html = rtux::ui::conflict_panel(&conflict, false);
/// assert!(html.contains("Ana changed this while you were editing"));
/// assert!(html.contains("&lt;i&gt;hers&lt;&#x2f;i&gt;"));
/// let own = rtux::ui::conflict_panel(&conflict, true);
/// assert!(own.contains("You changed this in another window"));
/// ```
pub fn conflict_panel(conflict: &Value, mine: bool) -> Html {
    render(
        "conflict_panel.html",
        context! { conflict => conflict, mine => mine },
    )
}

/// The lock badge of a section: "Ana is editing", or "You are editing" for the
/// viewer's own lock, in the holder's presence colour.
///
/// ```
/// let html = rtux::ui::lock_badge("intro", "ana", Some("Ana"), "bo");
/// assert!(html.contains("Ana is editing"));
/// ```
pub fn lock_badge(
    section: &str,
    holder_id: &str,
    holder_name: Option<&str>,
    viewer_id: &str,
) -> Html {
    let mine = holder_id == viewer_id;
    let text = if mine {
        text::say("editing_mine", &[])
    } else {
        text::say("editing", &[("name", holder_name.unwrap_or(holder_id))])
    };
    let ctx = context! {
        section => section,
        text => text,
        mine => mine,
        color => colour_for(holder_id),
    };
    render("lock_badge.html", ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conflict_panel_keeps_and_escapes_everything() {
        let conflict = json!({
            "base_version": 2,
            "version": 4,
            "merged": ["tags", "title"],
            "by": {"user": "u1", "name": "Ana <i>the</i> \"editor\""},
            "fields": [
                {"field": "body", "base": "draft", "yours": "\nMy long text\n<script>alert('x')</script> & \"quotes\"", "theirs": "Their <b>bold</b> text"},
                {"field": "count\"><img src=x onerror=alert(1)>", "base": 1, "yours": 2, "theirs": {"n": 3}},
                {"field": "note", "base": "n", "yours": null, "theirs": "kept"}
            ]
        });
        insta::assert_snapshot!(conflict_panel(&conflict, false));
        // Saved outside an action, or by a user without a name:
        for by in [Value::Null, json!({"user": "u1", "name": null})] {
            let panel = conflict_panel(
                &json!({"version": 2, "fields": [{"field": "a"}], "by": by}),
                false,
            );
            assert!(
                panel.contains(">Someone else changed this while"),
                "{panel}"
            );
            assert!(panel.contains(">Take Someone else&#x27;s<"), "{panel}");
        }
        // The viewer's own other window is never named as someone else.
        let own = conflict_panel(&conflict, true);
        assert!(
            own.contains("You changed these in another window") && !own.contains("Ana"),
            "{own}"
        );
    }

    #[test]
    fn page_pieces() {
        insta::with_settings!({filters => vec![(r"rtux-[0-9a-f]{10}\.(js|css)", "rtux-[hash].$1")]}, {
            insta::assert_snapshot!("assets_tags", assets_tags());
        });
        insta::assert_snapshot!("connection_banner", connection_banner());
    }

    #[test]
    fn presence_block_escapes_names_and_overflows() {
        let mut list = serde_json::Map::new();
        for (i, name) in [
            "<script>alert(1)</script>",
            "\"Quoted\" & co",
            "élise",
            "dan",
            "eve",
            "fay",
            "gus",
        ]
        .iter()
        .enumerate()
        {
            let status = if i == 2 { "idle" } else { "active" };
            list.insert(format!("u{i}"), json!({"metas": [{"name": name, "color": "#2563EB", "status": status, "stale": i == 3}]}));
        }
        insta::assert_snapshot!(presence("doc:<1>", &Value::Object(list)));
        insta::assert_snapshot!("presence_empty", presence("doc:1", &json!({})));
    }

    #[test]
    fn loading_pieces() {
        insta::assert_snapshot!(
            "skeletons",
            [
                skeleton(Skeleton::Block),
                skeleton(Skeleton::Avatar),
                skeleton(Skeleton::Lines(3)),
                skeleton(Skeleton::Card),
                skeleton(Skeleton::Table {
                    rows: 2,
                    columns: 3
                }),
                skeleton(Skeleton::Title),
                skeleton(Skeleton::Badge),
                skeleton(Skeleton::Number),
                skeleton(Skeleton::Image),
                record_skeleton("note\"<x>", &[Skeleton::Title, Skeleton::Lines(2)]),
            ]
            .map(Html::into_string)
            .join("\n")
        );
        insta::assert_snapshot!(
            "async_result",
            async_result("/x?a=1&b=\"<script>", Skeleton::Lines(2))
        );
        insta::assert_snapshot!("progress", progress("job<1>", "Importing <b>rows</b>…"));
    }

    #[test]
    fn lock_badges() {
        insta::assert_snapshot!(
            "lock_badge_other",
            lock_badge("intro", "ana", Some("Ana <script>x</script>"), "bo")
        );
        insta::assert_snapshot!("lock_badge_mine", lock_badge("sec\"tion", "bo", None, "bo"));
    }
}
