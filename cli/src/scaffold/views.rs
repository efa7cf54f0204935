//! The view tests of a generated app: fixture contexts, the test functions
//! that render them, and the insta snapshots of what they render — written
//! by rtux from the same templates and contexts, so a fresh app's tests pass
//! and a changed view shows as a snapshot diff.

use std::path::Path;

use minijinja::Environment;
use serde_json::{Value, json};

use super::ScaffoldError;

/// Renders `view`, one of an app's `views` (name, source), with `context`, as
/// the app will: what the generated snapshots hold.
///
/// # Errors
/// A view that does not parse or render: a bug in rtux's templates.
pub(crate) fn render_view(
    views: &[(String, String)],
    view: &str,
    context: &Value,
) -> Result<String, ScaffoldError> {
    let mut env = Environment::new();
    for (name, source) in views {
        env.add_template_owned(name.clone(), source.clone())
            .map_err(|e| ScaffoldError::ViewParse {
                name: name.clone(),
                source: e,
            })?;
    }
    env.get_template(view)
        .and_then(|t| t.render(context))
        .map_err(|source| ScaffoldError::ViewRender {
            view: view.to_owned(),
            source,
        })
}

/// One view test: a view, a snapshot name, a context.
pub(crate) struct ViewTest {
    pub(crate) name: String,
    pub(crate) view: String,
    pub(crate) context: Value,
}

impl ViewTest {
    pub(crate) fn new(name: &str, view: &str, context: Value) -> ViewTest {
        ViewTest {
            name: name.to_owned(),
            view: view.to_owned(),
            context,
        }
    }

    /// What the templates need to write the test function.
    pub(crate) fn template_context(&self) -> Value {
        json!({ "name": self.name, "view": self.view, "context": self.context.to_string() })
    }

    /// The test function, as `rtux gen` inserts it at the tests' marker.
    pub(crate) fn function(&self) -> String {
        format!(
            "\n#[test]\nfn {}() {{\n    check(\"{}\", \"{}\", json!({}));\n}}\n",
            self.name, self.view, self.name, self.context
        )
    }

    /// The snapshot file (path and content) for the app's `views` test.
    ///
    /// # Errors
    /// A view that does not render: a bug in rtux's templates.
    pub(crate) fn snapshot(
        &self,
        crate_name: &str,
        views: &[(String, String)],
    ) -> Result<(String, String), ScaffoldError> {
        let html = render_view(views, &self.view, &self.context)?;
        let header = format!(
            "---\nsource: tests/views.rs\nexpression: \"{crate_name}::views::render(view, &context)\"\n---\n"
        );
        Ok((
            format!("tests/snapshots/views__{}.snap", self.name),
            format!("{header}{html}\n"),
        ))
    }
}

/// `tests_rs` (the app's tests/views.rs) with a function for each of `tests`
/// at its marker, and each test's snapshot added to `plan`.
///
/// # Errors
/// The marker is gone, or a view does not render.
pub(crate) fn add_tests(
    plan: &mut super::Plan,
    mut tests_rs: String,
    tests: &[ViewTest],
    crate_name: &str,
    views: &[(String, String)],
) -> Result<String, ScaffoldError> {
    for t in tests {
        tests_rs = super::markers::insert_before(
            &tests_rs,
            "tests/views.rs",
            "// rtux:view-tests",
            &t.function(),
        )?;
        let (path, content) = t.snapshot(crate_name, views)?;
        plan.create(path, content);
    }
    Ok(tests_rs)
}

/// The app's views as they are on disk (name under views/, source).
pub(crate) fn app_views(root: &Path) -> Result<Vec<(String, String)>, ScaffoldError> {
    let mut views = Vec::new();
    let mut folders = vec![root.join("views")];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|source| ScaffoldError::ReadViews {
            path: folder.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(relative) = path.strip_prefix(root.join("views")) {
                let name = relative.to_string_lossy().replace('\\', "/");
                let source =
                    std::fs::read_to_string(&path).map_err(|e| ScaffoldError::ReadViews {
                        path: path.clone(),
                        source: e,
                    })?;
                views.push((name, source));
            }
        }
    }
    Ok(views)
}

/// Puts `source` in place of view `name` in `views`.
pub(crate) fn replace_view(views: &mut [(String, String)], name: &str, source: &str) {
    if let Some(view) = views.iter_mut().find(|(n, _)| n == name) {
        view.1 = source.to_owned();
    }
}
