//! The embedded templates and the engine that renders them.
//!
//! Templates use `<< … >>`, `[% … %]` and `[# … #]`, so the minijinja views they
//! produce keep the usual `{{ … }}` untouched and readable. Undefined variables
//! are errors; nothing is escaped (the output is source code).

use std::sync::OnceLock;

use include_dir::{Dir, include_dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::Value;

use super::ScaffoldError;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        match SyntaxConfig::builder()
            .block_delimiters("[%", "%]")
            .variable_delimiters("<<", ">>")
            .comment_delimiters("[#", "#]")
            .build()
        {
            Ok(syntax) => env.set_syntax(syntax),
            Err(e) => unreachable!("the template syntax is fixed and valid: {e}"),
        }
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_keep_trailing_newline(true);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_loader(|name| {
            Ok(TEMPLATES
                .get_file(name)
                .and_then(|f| f.contents_utf8())
                .map(str::to_owned))
        });
        env
    })
}

/// Renders the template at `path` (under templates/) with `context`.
///
/// # Errors
/// A missing template or an undefined variable: a bug in rtux, named.
pub(crate) fn render(path: &str, context: &Value) -> Result<String, ScaffoldError> {
    env()
        .get_template(path)
        .and_then(|t| t.render(context))
        .map_err(|source| ScaffoldError::Template {
            path: path.to_owned(),
            source,
        })
}

/// The paths of the templates under `dir` (recursively), e.g. `new/src/main.rs`.
pub(crate) fn files_under(dir: &str) -> Vec<String> {
    fn walk(dir: &Dir<'static>, out: &mut Vec<String>) {
        for file in dir.files() {
            out.push(file.path().to_string_lossy().into_owned());
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    if let Some(d) = TEMPLATES.get_dir(dir) {
        walk(d, &mut out);
    }
    out.sort();
    out
}
