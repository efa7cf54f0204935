//! << name >>: a presence-only channel on `<< topic >>`, made with `rtux gen presence << name >>`.
//!
//! Join it from a page with `rtux::ui::presence("<< topic_prefix >>:<room>", …)`: who is
//! here, typing, the field each one edits[% if cursors %] and their cursors[% endif %].

use rtux::presence::Status;

/// What each connection shows the others on `<< topic >>`.
#[derive(Debug, Clone, PartialEq, rtux::PresenceMeta)]
#[rtux(typing_expiry = "<< typing_expiry >>", cursor_rate = << cursor_rate >>)]
pub struct << name >> {
    /// The name, from the token.
    #[rtux(name)]
    pub name: String,
    /// The user's colour.
    #[rtux(color)]
    pub color: String,
    /// Active or idle.
    #[rtux(status)]
    pub status: Status,
    /// Typing now.
    #[rtux(typing)]
    pub typing: bool,
    /// The field being edited.
    #[rtux(active_field)]
    pub editing: Option<String>,
    /// Where the pointer is.
    #[rtux(cursor)]
    pub cursor: Option<serde_json::Value>,
}
