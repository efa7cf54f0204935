//! The DOM id of a record, as its element on a page carries it.

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
