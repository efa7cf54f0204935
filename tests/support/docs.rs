use std::time::Duration;

use rtux::action::{Reject, Resource, ResourceBuilder};
use rtux::conflict::{FieldMerge, FieldRule};
use rtux::store::Store;
use serde_json::{Value, json};

/// The demo document resource of the conflict tests: `create` (insert) and
/// `save` (an editable form: title, body, tags — tags merge as a set).
pub fn docs(store: Store, lock_ttl: Duration) -> Resource {
    builder(store, lock_ttl)
        .build()
        .expect("the docs resource builds")
}

/// [`docs()`] with an item template.
pub fn docs_with_template(store: Store, lock_ttl: Duration, template: &str) -> Resource {
    builder(store, lock_ttl)
        .item_template(template)
        .build()
        .expect("the docs resource builds")
}

fn builder(store: Store, lock_ttl: Duration) -> ResourceBuilder {
    Resource::builder(store)
        .insert("create", doc)
        .editable(
            "save",
            FieldMerge::new().rule("tags", FieldRule::SetUnion),
            doc,
        )
        .lock_ttl(lock_ttl)
        .locks()
}

fn doc(params: &Value) -> Result<Value, Reject> {
    let Some(fields) = params.as_object() else {
        return Err(Reject::new("a document is an object {title, body, tags}"));
    };
    if !fields.get("title").is_some_and(Value::is_string) {
        return Err(Reject::new("a document needs a title"));
    }
    Ok(json!({
        "title": fields["title"],
        "body": fields.get("body").cloned().unwrap_or(json!("")),
        "tags": fields.get("tags").cloned().unwrap_or(json!([])),
    }))
}
