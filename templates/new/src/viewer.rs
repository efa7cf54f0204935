//! Who is on the board: the typed presence meta of each connection.

use rtux::presence::Status;

/// Shown to the others: the name from the token, a colour, idle or active,
/// typing, the field being edited.
#[derive(Debug, Clone, PartialEq, rtux::PresenceMeta)]
#[rtux(typing_expiry = "3s", cursor_rate = 10)]
pub struct Viewer {
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
}
