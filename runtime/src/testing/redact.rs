//! Redacting what changes from run to run (refs, ids, timestamps, tokens), the
//! same way in replies, patches and rendered HTML, so snapshots (insta) hold
//! only what a change to the app changes.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

/// Keys whose values are always volatile, and what they become.
const VOLATILE: [(&str, &str); 8] = [
    ("phx_ref", "[ref]"),
    ("phx_ref_prev", "[ref]"),
    ("online_at", "[time]"),
    ("updated_at", "[time]"),
    ("inserted_at", "[time]"),
    ("undo_until", "[time]"),
    ("token", "[token]"),
    ("client", "[client]"),
];

/// Keys that are a time when they hold one (ms since the epoch), and what
/// else otherwise: an action's `at` is when it was made, a patch's `at` the
/// record's place in the list, which a snapshot should show.
const TIMES_SOMETIMES: [&str; 1] = ["at"];

/// From 2001 on, in ms since the epoch: smaller numbers are not times.
const EPOCH_MS_FLOOR: u64 = 1_000_000_000_000;

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b")
        .unwrap_or_else(|e| unreachable!("a valid pattern: {e}"))
});

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
        .unwrap_or_else(|e| unreachable!("a valid pattern: {e}"))
});

/// `value` with its volatile parts replaced: refs by `[ref]`, times by
/// `[time]` (an `at` only when it is one: a patch's `at` is a place in the
/// list), tokens by `[token]`, client ids by `[client]`, and record ids
/// (UUIDs) wherever they appear in strings by `[id]`.
///
/// ```
/// use rtux::testing::redact;
/// use serde_json::json;
///
/// let reply = json!({"record": {"id": "0190b1a2-7c3d-7e4f-8a5b-6c7d8e9f0a1b", "version": 1,
///                    "inserted_at": 1_796_006_462_466_i64}, "html": "<li id=\"todo-list-0190b1a27c3d7e4f8a5b6c7d8e9f0a1b\">"});
/// assert_eq!(redact(&reply), json!({"record": {"id": "[id]", "version": 1, "inserted_at": "[time]"},
///                                   "html": "<li id=\"todo-list-[id]\">"}));
/// ```
pub fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let time = TIMES_SOMETIMES.contains(&k.as_str())
                        && v.as_u64().is_some_and(|n| n >= EPOCH_MS_FLOOR);
                    let redacted = match VOLATILE.iter().find(|(key, _)| key == k) {
                        Some((_, with)) if !v.is_null() => Value::String((*with).to_owned()),
                        _ if time => Value::String("[time]".to_owned()),
                        _ => redact(v),
                    };
                    (k.clone(), redacted)
                })
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        Value::String(text) => Value::String(redact_text(text)),
        other => other.clone(),
    }
}

/// `text` (rendered HTML, a log line) with record ids (UUIDs) replaced by
/// `[id]` and tokens by `[token]`.
///
/// ```
/// let html = r#"<main data-rtux-token="eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2lnbmF0dXJl">"#;
/// assert_eq!(rtux::testing::redact_text(html), r#"<main data-rtux-token="[token]">"#);
/// ```
pub fn redact_text(text: &str) -> String {
    let text = TOKEN.replace_all(text, "[token]");
    UUID.replace_all(&text, "[id]").into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_patch_keeps_its_place_and_an_action_loses_its_time() {
        let patch = json!({"op": "insert", "at": 3, "after": null});
        assert_eq!(redact(&patch)["at"], 3, "a place in the list is no time");
        let push = json!({"client": "c1", "op": "7", "at": 1_796_006_462_466_u64});
        assert_eq!(
            redact(&push),
            json!({"client": "[client]", "op": "7", "at": "[time]"})
        );
        let scheduled = json!({"undo_window_ms": 5000, "undo_until": 1_796_006_467_466_u64});
        assert_eq!(redact(&scheduled)["undo_until"], "[time]");
        assert_eq!(redact(&scheduled)["undo_window_ms"], 5000);
    }
}
