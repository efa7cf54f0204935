//! Patches: how a confirmed change reaches the other clients — its data and the
//! server-rendered HTML of the record, addressed by DOM id.

use minijinja::{Environment, context};

use super::TemplateError;
use super::dom::dom_id;
use super::payload::{Listed, Patch, RecordView};
use crate::store::Record;
use crate::ui::Views;

/// The event carrying patches on a resource's topic.
pub const PATCH_EVENT: &str = "rtux:patch";

/// Where a resource's item template comes from.
#[derive(Debug, Clone, Default)]
pub(crate) enum ItemTemplate {
    /// No HTML: clients get the data only.
    #[default]
    None,
    /// A template of its own (a resource without app views).
    Source(String),
    /// A view of the app's environment, by name.
    View(String),
}

/// Renders a resource's item template (autoescaped HTML) with the app's
/// environment, or with one holding its own template only.
pub(crate) struct Renderer {
    template: Option<(Views, String)>,
}

impl Renderer {
    pub(crate) fn new(
        template: ItemTemplate,
        views: Option<Views>,
    ) -> Result<Renderer, TemplateError> {
        let template = match template {
            ItemTemplate::None => None,
            ItemTemplate::Source(source) => {
                let mut env = Environment::new();
                env.add_template_owned("item.html", source)
                    .map_err(TemplateError::Parse)?;
                Some((Views::new(env), "item.html".to_owned()))
            }
            ItemTemplate::View(name) => {
                let Some(views) = views else {
                    return Err(TemplateError::NoViews(name));
                };
                if let Err(source) = views.get_template(&name) {
                    return Err(TemplateError::NoSuchView { name, source });
                }
                Some((views, name))
            }
        };
        Ok(Renderer { template })
    }

    /// The record's HTML, or `None` without a template (or if it fails to
    /// render, which is logged: a page must not break over one fragment).
    pub(crate) fn html(&self, topic: &str, record: &Record) -> Option<String> {
        let (views, name) = self.template.as_ref()?;
        let ctx = context! {
            record => RecordView::from(record),
            dom_id => dom_id(topic, &record.id),
            by => record.updated_by,
        };
        let rendered = views.get_template(name).and_then(|t| t.render(ctx));
        match rendered {
            Ok(html) => Some(html),
            Err(e) => {
                tracing::error!(%topic, id = %record.id, "item template failed: {e:#}");
                None
            }
        }
    }

    /// A record as a join reply or a page lists it.
    pub(crate) fn listed(&self, topic: &str, record: &Record) -> Listed {
        Listed {
            id: record.id.clone(),
            version: record.version,
            data: record.data.clone(),
            dom_id: dom_id(topic, &record.id),
            html: self.html(topic, record),
        }
    }

    /// The patch replacing a record's element.
    pub(crate) fn replace(&self, topic: &str, record: &Record) -> Patch {
        Patch::Replace {
            dom_id: dom_id(topic, &record.id),
            html: self.html(topic, record),
            record: record.into(),
            by: None,
            label: None,
        }
    }

    /// The patch showing a record at `at`, its index in the topic's order
    /// (oldest first), after the record `previous` (`None` when it is first).
    pub(crate) fn insert(
        &self,
        topic: &str,
        record: &Record,
        at: i64,
        previous: Option<&str>,
    ) -> Patch {
        Patch::Insert {
            dom_id: dom_id(topic, &record.id),
            html: self.html(topic, record),
            record: record.into(),
            at,
            after: previous.map(|id| dom_id(topic, id)),
            by: None,
            label: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::action::payload::to_json;

    fn rec(data: Value) -> Record {
        Record {
            kind: "t".into(),
            id: "1".into(),
            version: 2,
            data,
            inserted_at: 0,
            updated_at: 0,
            updated_by: None,
        }
    }

    #[test]
    fn renders_escaped_html() {
        let source = r#"<li id="{{ dom_id }}">{{ record.data.title }}</li>"#;
        let r = Renderer::new(ItemTemplate::Source(source.into()), None).expect("template");
        let html = r
            .html("todo:a", &rec(json!({"title": "<script>x</script>"})))
            .expect("html");
        assert_eq!(
            html,
            r#"<li id="todo-a-1">&lt;script&gt;x&lt;&#x2f;script&gt;</li>"#
        );
    }

    #[test]
    fn the_writer_comes_from_the_record_not_its_data() {
        let source = r#"<li>{{ by.name }}: {{ record.data.text }}</li>"#;
        let r = Renderer::new(ItemTemplate::Source(source.into()), None).expect("template");
        let mut said = rec(json!({"text": "hi", "by": {"name": "Mallory"}}));
        said.updated_by = Some(json!({"user": "u-1", "name": "<i>Ana</i>"}));
        assert_eq!(
            r.html("chat:a", &said).expect("html"),
            "<li>&lt;i&gt;Ana&lt;&#x2f;i&gt;: hi</li>"
        );
        let unknown = r.html("chat:a", &rec(json!({"text": "seeded"})));
        assert_eq!(unknown.as_deref(), Some("<li>: seeded</li>"));
    }

    #[test]
    fn a_bad_template_is_refused_up_front() {
        let bad = ItemTemplate::Source("{{ unclosed".into());
        assert!(Renderer::new(bad, None).is_err());
    }

    #[test]
    fn an_item_view_renders_with_the_apps_environment() {
        let mut env = Environment::new();
        env.add_filter("shout", |s: String| s.to_uppercase());
        env.add_template("badge.html", "<b>{{ record.data.title|shout }}</b>")
            .expect("parses");
        env.add_template(
            "notes/item.html",
            r#"<li id="{{ dom_id }}">{% include "badge.html" %}</li>"#,
        )
        .expect("parses");
        let views = Views::new(env);
        let r = Renderer::new(
            ItemTemplate::View("notes/item.html".into()),
            Some(views.clone()),
        )
        .expect("a view of the app");
        let html = r
            .html("notes:a", &rec(json!({"title": "milk"})))
            .expect("html");
        assert_eq!(html, r#"<li id="notes-a-1"><b>MILK</b></li>"#);
        let missing = Renderer::new(ItemTemplate::View("nope.html".into()), Some(views));
        assert!(
            matches!(missing, Err(TemplateError::NoSuchView { name, .. }) if name == "nope.html")
        );
        let alone = Renderer::new(ItemTemplate::View("notes/item.html".into()), None);
        assert!(matches!(alone, Err(TemplateError::NoViews(name)) if name == "notes/item.html"));
    }

    #[test]
    fn no_template_no_html() {
        let r = Renderer::new(ItemTemplate::None, None).expect("none");
        assert_eq!(r.replace("t", &rec(json!({}))).html(), None);
        let insert = to_json(&r.insert("t", &rec(json!({})), 3, Some("0")));
        assert_eq!(insert["op"], "insert");
        assert_eq!(insert["at"], 3);
        assert_eq!(insert["after"], "t-0");
    }
}
