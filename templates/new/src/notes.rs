//! Notes on the shared board: a real-time resource from a struct.

use rtux::action::Reject;
use serde::{Deserialize, Serialize};

/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;

/// A note. Adding is optimistic (it shows at once), "done" is an optimistic
/// toggle, editing merges others' changes field by field (a conflict panel
/// when both changed the same field), and delete can be undone for 5 s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, rtux::Model)]
#[rtux(topic = "notes:*", view = "notes/item.html", presence = "crate::viewer::Viewer")]
#[rtux(validate = "Note::validate")]
#[rtux(action(
    add(kind = "insert"),
    save(kind = "editable"),
    delete(kind = "undoable_delete", undo_window = "5s"),
))]
pub struct Note {
    /// The store's id.
    pub id: String,
    /// The store's version.
    pub version: i64,
    /// The title.
    #[rtux(skeleton = "title")]
    pub title: String,
    /// The text.
    #[rtux(skeleton = "lines(2)")]
    #[serde(default)]
    pub body: String,
    /// Done or not.
    #[rtux(optimistic = "toggle")]
    #[serde(default)]
    pub done: bool,
}

impl Note {
    fn validate(&self) -> Result<(), Reject> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(Reject::field("title", "Enter a title."));
        }
        if title.chars().count() > MAX_TITLE {
            return Err(Reject::field("title", format!("A title has at most {MAX_TITLE} characters.")));
        }
        Ok(())
    }
}
