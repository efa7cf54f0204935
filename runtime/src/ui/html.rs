//! Rendered HTML that templates take as it is.

use std::fmt;
use std::ops::Deref;

use serde::{Serialize, Serializer};

/// HTML rendered by rtux's components (autoescaped minijinja templates).
///
/// Put it in a minijinja context as it is (with `context!`, or any
/// `Serialize` value minijinja renders): it arrives marked safe, so a view
/// writes `{{ presence }}`, not `{{ presence|safe }}`. Elsewhere it reads as
/// a `&str` (it derefs to one) and serializes as a plain string.
///
/// ```
/// use rtux::ui::minijinja::{Environment, context};
///
/// let banner = rtux::ui::connection_banner();
/// let mut env = Environment::new();
/// env.add_template("page.html", "<body>{{ banner }}</body>").unwrap(); // autoescaped
/// let page = env.get_template("page.html").unwrap();
/// let html = page.render(context! { banner => banner.clone() }).unwrap();
/// assert!(html.contains(banner.as_str()), "inserted, not escaped again");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    /// HTML the caller rendered with autoescaping (or otherwise trusts): it
    /// will not be escaped again.
    pub fn from_trusted(html: impl Into<String>) -> Html {
        Html(html.into())
    }

    /// The HTML.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The HTML as a `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for Html {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Html> for String {
    fn from(html: Html) -> String {
        html.0
    }
}

/// A handler may answer with it: `200 OK`, `text/html; charset=utf-8`.
impl axum::response::IntoResponse for Html {
    fn into_response(self) -> axum::response::Response {
        axum::response::Html(self.0).into_response()
    }
}

impl From<Html> for minijinja::Value {
    fn from(html: Html) -> minijinja::Value {
        minijinja::Value::from_safe_string(html.0)
    }
}

/// As a minijinja safe string inside minijinja (which keeps what a value is
/// while it serializes it), as a plain string anywhere else.
impl Serialize for Html {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        minijinja::Value::from_safe_string(self.0.clone()).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use minijinja::{Environment, context};

    use super::*;

    #[test]
    fn safe_in_templates_a_string_elsewhere() {
        let html = Html::from_trusted("<b>x</b>");
        let mut env = Environment::new();
        env.add_template("t.html", "{{ one }}{{ parts[0] }}{{ s }}")
            .expect("parses");
        let ctx = context! { parts => vec![html.clone()], one => html.clone(), s => "<b>" };
        let out = env
            .get_template("t.html")
            .and_then(|t| t.render(ctx))
            .expect("renders");
        assert_eq!(
            out, "<b>x</b><b>x</b>&lt;b&gt;",
            "strings are still escaped"
        );
        assert_eq!(serde_json::to_value(&html).ok(), Some("<b>x</b>".into()));
    }
}
