//! Server-rendered UI components: minijinja templates, autoescaped, that pages
//! include or that the browser client swaps in.

use std::sync::OnceLock;

use minijinja::{Environment, context};
use serde_json::Value;

use crate::presence::colour_for;

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` names turn autoescaping on.
        let templates = [
            (
                "conflict_panel.html",
                include_str!("templates/conflict_panel.html"),
            ),
            ("lock_badge.html", include_str!("templates/lock_badge.html")),
        ];
        for (name, source) in templates {
            if let Err(e) = env.add_template(name, source) {
                unreachable!("built-in template {name} does not parse: {e}");
            }
        }
        env.add_filter("shown", shown);
        env
    })
}

/// A field value as a person reads it: text as is, nothing for a removed field,
/// anything else as JSON.
fn shown(value: minijinja::Value) -> String {
    if let Some(text) = value.as_str() {
        return text.to_owned();
    }
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    serde_json::to_string(&value).unwrap_or_default()
}

fn render(name: &str, ctx: minijinja::Value) -> String {
    env()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| {
            tracing::error!("component {name} failed to render: {e:#}");
            String::new()
        })
}

/// The conflict panel for the `conflict` object of a conflict reply: per field,
/// the user's value (in a textarea, nothing lost — the newline after the tag
/// keeps a leading newline of the text) beside the current one, with
/// "Keep mine" / "Take theirs"; the fields merged automatically are listed.
///
/// ```
/// use serde_json::json;
/// let conflict = json!({"version": 3, "merged": ["title"], "fields": [
///     {"field": "body", "base": "a", "yours": "<b>mine</b>", "theirs": "theirs"}]});
/// let html = rtux::ui::conflict_panel(&conflict);
/// assert!(html.contains("&lt;b&gt;mine&lt;&#x2f;b&gt;"));
/// assert!(html.contains("Merged automatically: title"));
/// ```
pub fn conflict_panel(conflict: &Value) -> String {
    render("conflict_panel.html", context! { conflict => conflict })
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
) -> String {
    let ctx = context! {
        section => section,
        name => holder_name.unwrap_or(holder_id),
        mine => holder_id == viewer_id,
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
            "fields": [
                {"field": "body", "base": "draft", "yours": "\nMy long text\n<script>alert('x')</script> & \"quotes\"", "theirs": "Their <b>bold</b> text"},
                {"field": "count\"><img src=x onerror=alert(1)>", "base": 1, "yours": 2, "theirs": {"n": 3}},
                {"field": "note", "base": "n", "yours": null, "theirs": "kept"}
            ]
        });
        insta::assert_snapshot!(conflict_panel(&conflict));
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
