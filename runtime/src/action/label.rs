//! How messages name a record: its label field's text, as patches carry it.

use serde_json::Value;

/// The most characters of a label a patch carries.
pub const LABEL_CHARS: usize = 80;

/// The label a record's `value` (its label field) gives it: the text,
/// trimmed, at most [`LABEL_CHARS`] characters; `None` for an empty or
/// non-text value.
///
/// ```
/// use rtux::action::label_text;
/// use serde_json::json;
/// assert_eq!(label_text(&json!("  Write docs ")).as_deref(), Some("Write docs"));
/// assert_eq!(label_text(&json!(7)), None);
/// ```
pub fn label_text(value: &Value) -> Option<String> {
    let text = value.as_str()?.trim();
    (!text.is_empty()).then(|| text.chars().take(LABEL_CHARS).collect())
}
