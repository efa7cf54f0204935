//! Patches: how a confirmed change reaches the other clients — its data and the
//! server-rendered HTML of the record, addressed by DOM id.

use minijinja::{Environment, context};

use super::payload::{Listed, Patch, RecordView};
use crate::store::Record;

/// The event carrying patches on a resource's topic.
pub const PATCH_EVENT: &str = "rtux:patch";

/// The DOM id of a record: its topic and id, with every character outside
/// `[A-Za-z0-9_-]` replaced by `-`.
///
/// ```
/// assert_eq!(rtux::action::dom_id("todo:list 1", "42"), "todo-list-1-42");
/// ```
pub fn dom_id(topic: &str, id: &str) -> String {
    format!("{topic}-{id}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Renders a resource's item template (autoescaped HTML).
pub(crate) struct Renderer {
    env: Option<Environment<'static>>,
}

impl Renderer {
    pub(crate) fn new(template: Option<String>) -> Result<Renderer, minijinja::Error> {
        let env = template
            .map(|source| {
                let mut env = Environment::new();
                env.add_template_owned("item.html", source)?;
                Ok::<_, minijinja::Error>(env)
            })
            .transpose()?;
        Ok(Renderer { env })
    }

    /// The record's HTML, or `None` without a template (or if it fails to
    /// render, which is logged: a page must not break over one fragment).
    pub(crate) fn html(&self, topic: &str, record: &Record) -> Option<String> {
        let env = self.env.as_ref()?;
        let ctx =
            context! { record => RecordView::from(record), dom_id => dom_id(topic, &record.id) };
        let rendered = env.get_template("item.html").and_then(|t| t.render(ctx));
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
        let r = Renderer::new(Some(
            r#"<li id="{{ dom_id }}">{{ record.data.title }}</li>"#.into(),
        ))
        .expect("template");
        let html = r
            .html("todo:a", &rec(json!({"title": "<script>x</script>"})))
            .expect("html");
        assert_eq!(
            html,
            r#"<li id="todo-a-1">&lt;script&gt;x&lt;&#x2f;script&gt;</li>"#
        );
    }

    #[test]
    fn a_bad_template_is_refused_up_front() {
        assert!(Renderer::new(Some("{{ unclosed".into())).is_err());
    }

    #[test]
    fn no_template_no_html() {
        let r = Renderer::new(None).expect("none");
        assert_eq!(r.replace("t", &rec(json!({}))).html(), None);
        let insert = to_json(&r.insert("t", &rec(json!({})), 3, Some("0")));
        assert_eq!(insert["op"], "insert");
        assert_eq!(insert["at"], 3);
        assert_eq!(insert["after"], "t-0");
    }
}
