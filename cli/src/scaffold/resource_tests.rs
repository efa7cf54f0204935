//! The live test `rtux gen resource` writes for a resource (`tests/<name>.rs`,
//! over `rtux::testing`): what it sends, and the snapshots of the replies it
//! gets, written beforehand from the same views so a fresh app's tests pass
//! and a change shows as a snapshot diff.

use serde_json::{Value, json};

use super::ScaffoldError;
use super::resource::NewResource;
use super::views::render_view;
use crate::fields::Kind;

/// An id as the store makes them (the snapshots redact it to `[id]`).
const SOME_ID: &str = "0190b1a2-7c3d-7e4f-8a5b-6c7d8e9f0a1b";

/// The field two users edit differently in the conflict test: one whose
/// first three samples all differ (a base, mine and theirs), not a bool.
fn edited(r: &NewResource) -> Value {
    let field = r.fields.iter().find(|f| {
        let [a, b, c] = [1, 2, 3].map(|n| f.sample(n));
        f.kind != Kind::Bool && !r.server_owned.contains(&f.name) && a != b && b != c && a != c
    });
    match field {
        Some(f) => json!({
            "field": f.name,
            "mine": json!({ &f.name: f.sample(2) }).to_string(),
            "theirs": json!({ &f.name: f.sample(3) }).to_string(),
        }),
        None => Value::Null,
    }
}

/// What the test template needs beyond the resource's own context.
pub(crate) fn context(r: &NewResource, crate_name: &str, context: &mut Value) {
    context["crate_name"] = json!(crate_name);
    context["sample"] = json!(r.sample_data(1).to_string());
    context["replace"] = json!(r.sample_data(2).to_string());
    context["edit"] = edited(r);
}

/// The snapshots of the test's first action (the add and its patch), as the
/// app will answer them, redacted as the test redacts them.
///
/// # Errors
/// The item view does not render: a bug in rtux's templates.
pub(crate) fn snapshots(
    r: &NewResource,
    snake: &str,
    page_topic: &str,
    views: &[(String, String)],
) -> Result<Vec<(String, String)>, ScaffoldError> {
    let record = json!({ "id": SOME_ID, "version": 1, "data": r.sample_data(1) });
    let dom_id = rtux::action::dom_id(page_topic, SOME_ID);
    let item = format!("{snake}/item.html");
    let html = render_view(views, &item, &json!({ "record": record, "dom_id": dom_id }))?;
    let added = json!({
        "status": "ok",
        "response": { "record": record, "html": html, "temp_id": "t1" },
    });
    // Ana added it: the others' patch says so, with the record's label.
    let by = if r.signed_in {
        json!({ "user": "u-[id]", "name": "Ana" })
    } else {
        json!({ "user": "ana", "name": "User ana" })
    };
    let mut patch = json!({
        "op": "insert", "dom_id": dom_id, "html": html, "record": record, "at": 0, "after": null,
        "by": by,
    });
    if let Some(label) = r.label_sample(1) {
        patch["label"] = json!(label);
    }
    [
        ("added", "redact(&added)", added),
        ("added_patch", "redact(&patch)", patch),
    ]
    .into_iter()
    .map(|(name, expression, value)| {
        let json = serde_json::to_string_pretty(&rtux::testing::redact(&value))
            .map_err(|source| ScaffoldError::Snapshot { name, source })?;
        let header = format!("---\nsource: tests/{snake}.rs\nexpression: \"{expression}\"\n---\n");
        Ok((
            format!("tests/snapshots/{snake}__{name}.snap"),
            format!("{header}{json}\n"),
        ))
    })
    .collect()
}
