//! `rtux gen presence`: a presence-only channel.

use std::path::Path;

use serde_json::json;

use super::ScaffoldError;
use super::plan::Plan;
use super::{formatted, markers, render, rustfmt};
use crate::names;

/// What `rtux gen presence` needs.
pub(crate) struct NewPresence<'a> {
    pub(crate) root: &'a Path,
    /// The type name (checked).
    pub(crate) name: &'a str,
    /// Topics are `<prefix>:*`.
    pub(crate) topic_prefix: String,
    pub(crate) typing_expiry: String,
    pub(crate) cursor_rate: u64,
}

/// The presence module and its channel.
///
/// # Errors
/// The module exists, a marker is gone, or a file can't be read.
pub(crate) fn presence(p: &NewPresence) -> Result<Plan, ScaffoldError> {
    let snake = names::snake(p.name);
    let module = format!("src/{snake}.rs");
    let context = json!({
        "name": p.name,
        "topic": format!("{}:*", p.topic_prefix),
        "topic_prefix": p.topic_prefix,
        "typing_expiry": p.typing_expiry,
        "cursor_rate": p.cursor_rate,
        "cursors": true,
    });
    let mut plan = Plan::new(p.root);
    plan.create(
        module.as_str(),
        formatted(
            &module,
            render::render("presence/src/presence.rs", &context)?,
        ),
    );
    let lib = super::read(p.root, "src/lib.rs")?;
    let lib = markers::insert_before(
        &lib,
        "src/lib.rs",
        "// rtux:modules",
        &format!("pub mod {snake};"),
    )?;
    plan.modify("src/lib.rs", rustfmt(lib));
    let app = super::read(p.root, "src/app.rs")?;
    let channel = format!(
        ".channel(\"{}:*\", rtux::channel::PresenceChannel::<crate::{snake}::{}>::new())",
        p.topic_prefix, p.name
    );
    let app = markers::insert_before(&app, "src/app.rs", "// rtux:channels", &channel)?;
    plan.modify("src/app.rs", rustfmt(app));
    plan.check_free()?;
    Ok(plan)
}
